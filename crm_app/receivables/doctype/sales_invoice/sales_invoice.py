# Copyright (c) 2026, crm_app contributors and contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document
from frappe.utils import flt

from crm_app.guards import refuse_rename, validate_links
from crm_app.receivables import invoicing, rules
from crm_app.receivables.balances import add_to_due_amounts
from crm_app.receivables.credit_control import enforce_credit_control
from crm_app.receivables.ledger import ledger_row, post, reverse_voucher
from crm_app.receivables.settlement import invoice_status, settle


class SalesInvoice(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_app.receivables.doctype.payment_schedule.payment_schedule import PaymentSchedule
		from crm_app.receivables.doctype.sales_invoice_item.sales_invoice_item import SalesInvoiceItem

		amended_from: DF.Link | None
		company: DF.Link
		currency: DF.Link
		customer: DF.Link
		customer_group: DF.Link | None
		customer_name: DF.Data | None
		due_date: DF.Date | None
		grand_total: DF.Currency
		is_return: DF.Check
		items: DF.Table[SalesInvoiceItem]
		language: DF.Link | None
		naming_series: DF.Literal["ACC-SINV-.YYYY.-", "ACC-SINV-RET-.YYYY.-"]
		net_total: DF.Currency
		outstanding_amount: DF.Currency
		payment_schedule: DF.Table[PaymentSchedule]
		payment_terms_template: DF.Link | None
		posting_date: DF.Date
		return_against: DF.Link | None
		sales_person: DF.Link | None
		selling_price_list: DF.Link | None
		status: DF.Literal["Draft", "Unpaid", "Overdue", "Partly Paid", "Paid", "Return", "Cancelled"]
		territory: DF.Link | None
		total_taxes_and_charges: DF.Currency
	# end: auto-generated types

	def validate(self):
		validate_links(self, required=("customer", "company"))
		rules.validate_customer_enabled(self)
		invoicing.set_missing_values(self)
		invoicing.calculate_totals(self)
		invoicing.validate_return(self)
		invoicing.validate_signs(self)
		invoicing.make_payment_schedule(self)
		self.outstanding_amount = 0 if self.is_return else self.grand_total
		self.status = invoice_status(self)

	def before_submit(self):
		rules.validate_not_frozen(self.customer, self.doctype, self)
		if not self.is_return:
			enforce_credit_control(self, "invoice")

	def on_submit(self):
		kind = "Credit Note" if self.is_return else "Invoice"
		extra = {"due_date": self.due_date}
		if self.is_return:
			extra.update(against_voucher_type=self.doctype, against_voucher=self.return_against)
		amount, tax_amount = invoicing.natural_amounts(self)
		if not self.is_return:  # before the posting, whose announcement has the segments read it
			add_to_due_amounts(self, self.outstanding_amount)
		post([ledger_row(self, kind, amount, tax_amount, **extra)])
		if self.is_return:
			settle(self.return_against, amount, self, self.posting_date)
		self.db_set("status", invoice_status(self), update_modified=False)

	def on_cancel(self):
		# the ledger rows point at this invoice by design: they are reversed, not a reason to refuse
		self.ignore_linked_doctypes = ("Customer Ledger Entry",)
		if not self.is_return:  # what was left to pay is due no more
			outstanding = frappe.db.get_value(
				"Sales Invoice", self.name, "outstanding_amount", for_update=True
			)
			add_to_due_amounts(self, -flt(outstanding))
		reverse_voucher(self.doctype, self.name, movement_type=("!=", "Invoice Paid"))
		if self.is_return:
			settle(self.return_against, -invoicing.natural_amounts(self)[0], self, self.posting_date)
		self.db_set("status", "Cancelled", update_modified=False)

	def before_rename(self, old, new, merge=False):
		refuse_rename(self)
