# Copyright (c) 2026, crm_app contributors and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from crm_app.guards import refuse_rename, validate_links
from crm_app.receivables import payments, rules


class PaymentEntry(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_app.receivables.doctype.payment_entry_reference.payment_entry_reference import (
			PaymentEntryReference,
		)

		amended_from: DF.Link | None
		company: DF.Link
		currency: DF.Link
		discount_amount: DF.Currency
		naming_series: DF.Literal["ACC-PAY-.YYYY.-"]
		paid_amount: DF.Currency
		party: DF.DynamicLink
		party_name: DF.Data | None
		party_type: DF.Link | None
		payment_type: DF.Literal["Receive", "Returned Cheque"]
		posting_date: DF.Date
		reference_date: DF.Date | None
		reference_no: DF.Data | None
		references: DF.Table[PaymentEntryReference]
		returned_payment: DF.Link | None
		unallocated_amount: DF.Currency
	# end: auto-generated types

	def validate(self):
		validate_links(self, required=("party", "company"))
		rules.validate_customer_enabled(self, "party")
		payments.validate(self)

	def before_submit(self):
		rules.validate_not_frozen(self.party, self.doctype, self)

	def on_submit(self):
		payments.post_payment(self)

	def on_cancel(self):
		self.ignore_linked_doctypes = ("Customer Ledger Entry",)
		payments.undo_payment(self)

	def before_rename(self, old, new, merge=False):
		refuse_rename(self)
