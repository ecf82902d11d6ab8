"""Checks shared by projects, tasks and timesheets: dates in order, hours and percentages in range."""

import frappe
from frappe import _
from frappe.utils import flt, getdate

from crm_app.projects.errors import ClosedProjectError, DateOrderError, NegativeValueError

OPEN = "Open"


def check_date_order(doc, start_field: str, end_field: str) -> None:
	start, end = doc.get(start_field), doc.get(end_field)
	if start and end and getdate(end) < getdate(start):
		frappe.throw(
			_("{0} cannot be before {1}").format(
				_(doc.meta.get_label(end_field)), _(doc.meta.get_label(start_field))
			),
			DateOrderError,
		)


def check_not_negative(doc, *fields: str) -> None:
	for field in fields:
		if flt(doc.get(field)) < 0:
			frappe.throw(_("{0} cannot be negative").format(_(doc.meta.get_label(field))), NegativeValueError)


def check_percent(doc, field: str) -> None:
	value = flt(doc.get(field))
	if value < 0 or value > 100:
		frappe.throw(
			_("{0} must be between 0 and 100").format(_(doc.meta.get_label(field))), NegativeValueError
		)


def check_project_open(project: str, status: str | None = None) -> None:
	"""Work is logged and tasks are added only on an open project."""
	status = status or frappe.db.get_value("Project", project, "status")
	if status and status != OPEN:
		frappe.throw(
			_("Project {0} is {1}: no work can be added to it").format(project, _(status)), ClosedProjectError
		)
