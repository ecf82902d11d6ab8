# Copyright (c) 2026, crm_app contributors and contributors
# For license information, please see license.txt

# import frappe
from frappe.model.document import Document


class Company(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		abbr: DF.Data
		company_name: DF.Data
		country: DF.Link | None
		credit_limit: DF.Currency
		default_currency: DF.Link
		default_receivable_account: DF.Link | None
		payment_terms: DF.Link | None
	# end: auto-generated types
	pass
