# Copyright (c) 2026, crm_app contributors and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import add_months, getdate


class FiscalYear(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		year: DF.Data
		year_end_date: DF.Date
		year_start_date: DF.Date
	# end: auto-generated types

	def validate(self):
		start, end = getdate(self.year_start_date), getdate(self.year_end_date)
		if end <= start or end >= getdate(add_months(start, 18)):
			frappe.throw(_("A fiscal year ends after it starts, within 18 months"), frappe.ValidationError)
		overlapping = frappe.db.get_value(
			"Fiscal Year",
			{"name": ("!=", self.name), "year_start_date": ("<=", end), "year_end_date": (">=", start)},
			"name",
		)
		if overlapping:
			frappe.throw(
				_("Fiscal year {0} overlaps {1}").format(self.name, overlapping), frappe.ValidationError
			)
