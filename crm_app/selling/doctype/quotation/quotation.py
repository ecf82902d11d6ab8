# Copyright (c) 2026, crm_app contributors and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from crm_app.guards import refuse_rename
from crm_app.selling import documents, quotations


class Quotation(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_app.selling.doctype.quotation_item.quotation_item import QuotationItem

		amended_from: DF.Link | None
		company: DF.Link
		currency: DF.Link
		customer: DF.Link | None
		customer_group: DF.Link | None
		customer_name: DF.Data | None
		grand_total: DF.Currency
		items: DF.Table[QuotationItem]
		language: DF.Link | None
		naming_series: DF.Literal["SAL-QTN-.YYYY.-"]
		net_total: DF.Currency
		opportunity: DF.Link | None
		order_lost_reason: DF.SmallText | None
		party_name: DF.DynamicLink
		payment_terms_template: DF.Link | None
		quotation_to: DF.Literal["Customer", "Lead"]
		selling_price_list: DF.Link | None
		status: DF.Literal["Draft", "Open", "Ordered", "Lost", "Expired", "Cancelled"]
		territory: DF.Link | None
		total: DF.Currency
		total_taxes_and_charges: DF.Currency
		transaction_date: DF.Date
		valid_till: DF.Date | None
	# end: auto-generated types

	def validate(self):
		documents.validate_party(self, required=("party_name", "company"))
		documents.validate_money_document(self)
		quotations.validate_quotation(self)

	def before_submit(self):
		documents.check_not_frozen(self)

	def on_submit(self):
		quotations.refresh_opportunity(self.opportunity)

	def on_cancel(self):
		self.db_set("status", "Cancelled", update_modified=False)
		quotations.refresh_opportunity(self.opportunity)

	def onload(self):
		quotations.show_expired(self)

	def before_rename(self, old, new, merge=False):
		refuse_rename(self)
