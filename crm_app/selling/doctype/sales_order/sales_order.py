# Copyright (c) 2026, crm_app contributors and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from crm_app.guards import refuse_rename
from crm_app.receivables.credit_control import enforce_credit_control
from crm_app.selling import documents, orders, quotations


class SalesOrder(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_app.selling.doctype.sales_order_item.sales_order_item import SalesOrderItem

		amended_from: DF.Link | None
		company: DF.Link
		currency: DF.Link
		customer: DF.Link
		customer_group: DF.Link | None
		customer_name: DF.Data | None
		delivery_date: DF.Date | None
		grand_total: DF.Currency
		items: DF.Table[SalesOrderItem]
		language: DF.Link | None
		naming_series: DF.Literal["SAL-ORD-.YYYY.-"]
		net_total: DF.Currency
		payment_terms_template: DF.Link | None
		per_billed: DF.Percent
		per_delivered: DF.Percent
		selling_price_list: DF.Link | None
		status: DF.Literal[
			"Draft",
			"On Hold",
			"To Deliver and Bill",
			"To Bill",
			"To Deliver",
			"Completed",
			"Closed",
			"Cancelled",
		]
		territory: DF.Link | None
		total: DF.Currency
		total_taxes_and_charges: DF.Currency
		transaction_date: DF.Date
	# end: auto-generated types

	def validate(self):
		documents.validate_party(self, required=("customer", "company"))
		documents.validate_money_document(self)
		orders.validate_items(self)
		if self.get("_action") == "submit":
			self.status = (
				None  # a hold comes from the credit check (before_submit) or a person, never the client
			)
		orders.set_status(self)

	def before_submit(self):
		quotations.check_quotations_orderable(self)
		documents.check_not_frozen(self)
		# after the freeze rule, as for an invoice: may refuse, warn or put the order on hold
		enforce_credit_control(self, "order")

	def on_submit(self):
		quotations.refresh_quotations(item.prevdoc_docname for item in self.items)

	def on_cancel(self):
		self.db_set("status", "Cancelled", update_modified=False)
		quotations.refresh_quotations(item.prevdoc_docname for item in self.items)

	def before_rename(self, old, new, merge=False):
		refuse_rename(self)
