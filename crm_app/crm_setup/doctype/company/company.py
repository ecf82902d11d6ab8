# Copyright (c) 2026, crm_app contributors and contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document

from crm_app.currency import country_currency, ensure_site_defaults, site_currency
from crm_app.receivables.overview import check_ageing_ranges


class Company(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		abbr: DF.Data | None
		ageing_range_1: DF.Int
		ageing_range_2: DF.Int
		ageing_range_3: DF.Int
		company_name: DF.Data
		country: DF.Link | None
		credit_limit: DF.Currency
		default_currency: DF.Link | None
		default_receivable_account: DF.Link | None
		payment_terms: DF.Link | None
	# end: auto-generated types

	def before_validate(self):
		if not self.abbr and self.company_name:
			self.abbr = unique_abbr(self.company_name)
		if not self.default_currency:
			self.default_currency = country_currency(self.country) or site_currency(self.country)

	def validate(self):
		check_ageing_ranges(self)

	def on_update(self):
		# the first company becomes the site's default, so that amounts show in its currency
		ensure_site_defaults()


def unique_abbr(company_name: str) -> str:
	"""Initials, as ERPNext suggests them, numbered when another company has them."""
	abbr = "".join(word[0] for word in company_name.split() if word).upper()[:5] or "C"
	candidate, number = abbr, 1
	while frappe.db.exists("Company", {"abbr": candidate}):
		number += 1
		candidate = f"{abbr}{number}"
	return candidate
