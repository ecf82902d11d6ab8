# Copyright (c) 2026, crm_app contributors and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from crm_app.guards import refuse_rename, validate_links
from crm_app.receivables import adjustments, rules
from crm_app.receivables.ledger import reverse_voucher


class CustomerAdjustment(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		adjustment_type: DF.Literal["Debit Note", "Adjustment", "Write-Off", "Interest Charge"]
		against_invoice: DF.Link | None
		amended_from: DF.Link | None
		amount: DF.Currency
		company: DF.Link
		currency: DF.Link
		customer: DF.Link
		customer_name: DF.Data | None
		naming_series: DF.Literal["CRM-ADJ-.YYYY.-"]
		posting_date: DF.Date
		remarks: DF.SmallText | None
		tax_amount: DF.Currency
		total: DF.Currency
	# end: auto-generated types

	def validate(self):
		validate_links(self, required=("customer", "company"))
		rules.validate_customer_enabled(self)
		adjustments.validate(self)

	def before_submit(self):
		rules.validate_not_frozen(self.customer, self.doctype, self)

	def on_submit(self):
		adjustments.post_adjustment(self)

	def on_cancel(self):
		self.ignore_linked_doctypes = ("Customer Ledger Entry",)
		adjustments.undo_adjustment(self)

	def before_rename(self, old, new, merge=False):
		refuse_rename(self)
