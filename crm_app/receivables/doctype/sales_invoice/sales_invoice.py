# Copyright (c) 2026, crm_app contributors and contributors
# For license information, please see license.txt

# import frappe
from frappe.model.document import Document


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
		selling_price_list: DF.Link | None
		status: DF.Literal[
			"Draft", "Unpaid", "Overdue", "Partly Paid", "Paid", "Return", "Credit Note Issued", "Cancelled"
		]
		territory: DF.Link | None
		total_taxes_and_charges: DF.Currency
	# end: auto-generated types
	pass
