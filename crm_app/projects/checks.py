"""Checks shared by projects, tasks and timesheets: dates in order, hours and percentages in range."""

import frappe
from frappe import _
from frappe.utils import flt, getdate

from crm_app.projects.errors import (
	ClosedProjectError,
	DateOrderError,
	NegativeValueError,
	SalesOrderMismatchError,
)

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


def check_sales_order(project) -> None:
	"""A project delivers a submitted order of its own customer and company; with no customer given, it
	takes the order's."""
	if not project.get("sales_order"):
		return
	order = frappe.db.get_value(
		"Sales Order", project.sales_order, ["docstatus", "customer", "company"], as_dict=True
	)
	if not order or order.docstatus != 1:
		frappe.throw(
			_("Sales Order {0} is not submitted: a project cannot deliver it").format(project.sales_order),
			SalesOrderMismatchError,
		)
	project.customer = project.customer or order.customer
	project.company = project.company or order.company
	if (project.customer, project.company) != (order.customer, order.company):
		frappe.throw(
			_("Sales Order {0} is for {1} ({2}), not for {3} ({4})").format(
				project.sales_order, order.customer, order.company, project.customer, project.company
			),
			SalesOrderMismatchError,
		)
