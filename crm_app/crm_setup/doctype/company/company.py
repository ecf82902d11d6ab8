# Copyright (c) 2026, crm_app contributors and contributors
# For license information, please see license.txt

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

	def before_validate(self):
		if not self.abbr:
			# initials, as ERPNext suggests them
			self.abbr = "".join(word[0] for word in self.company_name.split() if word).upper()[:5]
