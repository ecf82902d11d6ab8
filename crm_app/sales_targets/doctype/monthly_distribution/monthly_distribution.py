# Copyright (c) 2026, crm_app contributors and contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document
from frappe.utils import flt

from crm_app.customers.validation import validate_total_percent
from crm_app.sales_targets.targets import MONTHS


class MonthlyDistribution(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_app.sales_targets.doctype.monthly_distribution_percentage.monthly_distribution_percentage import (
			MonthlyDistributionPercentage,
		)

		distribution_id: DF.Data
		fiscal_year: DF.Link | None
		percentages: DF.Table[MonthlyDistributionPercentage]
	# end: auto-generated types

	def before_validate(self):
		if not self.percentages:
			self.distribute_evenly()

	def validate(self):
		months = [row.month for row in self.percentages]
		if months != MONTHS:
			frappe.throw(
				frappe._("A distribution has one row per month, January to December"), frappe.ValidationError
			)
		validate_total_percent(
			self.percentages, "percentage_allocation", "Monthly percentages", required=True
		)

	@frappe.whitelist()
	def distribute_evenly(self):
		"""Twelve rows of 100/12 %, the last one taking the rounding remainder."""
		share = flt(100 / 12, 3)
		self.set("percentages", [])
		for index, month in enumerate(MONTHS):
			last = index == len(MONTHS) - 1
			self.append(
				"percentages",
				{"month": month, "percentage_allocation": flt(100 - share * 11, 3) if last else share},
			)
