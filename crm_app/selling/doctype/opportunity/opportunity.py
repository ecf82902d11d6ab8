# Copyright (c) 2026, crm_app contributors and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from crm_app.selling import documents, quotations


class Opportunity(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		company: DF.Link
		currency: DF.Link | None
		customer: DF.Link | None
		customer_name: DF.Data | None
		expected_closing: DF.Date | None
		naming_series: DF.Literal["CRM-OPP-.YYYY.-"]
		opportunity_amount: DF.Currency
		opportunity_from: DF.Literal["Lead", "Customer"]
		order_lost_reason: DF.SmallText | None
		party_name: DF.DynamicLink
		status: DF.Literal["Open", "Quotation", "Converted", "Lost", "Closed"]
		transaction_date: DF.Date
	# end: auto-generated types

	def validate(self):
		documents.validate_party(self, required=("party_name", "company"))
		documents.validate_opportunity_amount(self)
		quotations.validate_opportunity(self)
