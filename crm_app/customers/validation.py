"""Checks on rows that several doctypes share (tables whose percentages must add up)."""

import frappe
from frappe import _
from frappe.utils import flt


class PercentageTotalError(frappe.ValidationError):
	pass


def validate_total_percent(rows, field: str, label: str, required: bool = False) -> None:
	"""Rows of a table whose `field` must total 100 (when there are rows, or always if required)."""
	if not rows and not required:
		return
	total = sum(flt(row.get(field)) for row in rows)
	if abs(total - 100) > 0.001:
		frappe.throw(
			_("{0} must total 100%, not {1}%").format(_(label), frappe.format(total, "Float")),
			PercentageTotalError,
		)


def validate_sales_team(rows) -> None:
	validate_total_percent(rows, "allocated_percentage", "Sales Team contributions")
