"""A task's status and dates: Overdue when its expected end date has passed and it is neither completed
nor cancelled (on save, and for every task at once by the daily job); completed_on kept with Completed."""

import frappe
from frappe.desk.form.assign_to import close_all_assignments
from frappe.utils import getdate, today

from crm_app.access import require_read
from crm_app.projects.checks import check_date_order, check_not_negative, check_percent, check_project_open

OVERDUE = "Overdue"
CLOSED = ("Completed", "Cancelled")


def validate_task(doc) -> None:
	check_date_order(doc, "exp_start_date", "exp_end_date")
	check_not_negative(doc, "expected_time")
	check_percent(doc, "progress")
	before = doc.get_doc_before_save()
	if doc.project and (doc.is_new() or not before or doc.project != before.project):
		if not doc.flags.ignore_permissions:
			require_read("Project", doc.project)  # a scoped user's tasks are on its customers' projects
		check_project_open(doc.project)
	# the project's customer, whatever the request sent (what its scoped readers are checked against)
	doc.customer = frappe.db.get_value("Project", doc.project, "customer") if doc.project else None
	set_status(doc)


def is_overdue(status: str, exp_end_date) -> bool:
	return status not in CLOSED and bool(exp_end_date) and getdate(exp_end_date) < getdate(today())


def set_status(doc) -> None:
	if is_overdue(doc.status, doc.exp_end_date):
		doc.status = OVERDUE
	elif doc.status == OVERDUE:
		doc.status = "Open"  # its end date was moved on
	if doc.status == "Completed":
		doc.completed_on = doc.completed_on or today()
	else:
		doc.completed_on = None


def close_assignments_when_done(doc) -> None:
	"""A completed or cancelled task leaves its assignees' to-do lists (ERPNext does the same)."""
	if doc.status in CLOSED and doc.has_value_changed("status"):
		close_all_assignments(doc.doctype, doc.name)


def mark_overdue_tasks() -> int:
	"""Every task past its expected end date, neither completed nor cancelled, becomes Overdue: one
	statement, whatever the number of tasks. Returns how many changed."""
	where = "where status not in %(skip)s and exp_end_date < %(today)s"
	values = {"overdue": OVERDUE, "skip": (*CLOSED, OVERDUE), "today": today()}
	count = frappe.db.sql(f"select count(*) from `tabTask` {where}", values)[0][0]
	if count:
		frappe.db.sql(f"update `tabTask` set status = %(overdue)s, modified = now() {where}", values)
	return count
