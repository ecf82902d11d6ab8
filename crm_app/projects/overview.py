"""The customer's 360 view, tab Projects (CONTRACT_21 §1): projects by status with the hours logged on
them, and tasks overdue / to do / due in the next 7 days. One aggregate query per block, over the rows
the session user may read (crm_app.permissions)."""

import frappe
from frappe import _
from frappe.utils import add_days, flt, today

from crm_app.customers.overview import customer_filter, shared_source
from crm_app.permissions import permitted_where
from crm_app.projects.tasks import CLOSED

PROJECT_STATUSES = ("Open", "Completed", "Cancelled")
UPCOMING_DAYS = 7


def project_figures(customers: list[str]) -> list[tuple]:
	"""One round trip for both blocks: the projects per status (count, hours) and the open tasks (count,
	overdue, due in the next 7 days), each part over the rows the user may read (left out when the user may
	not read its doctype). Rows: (source, status, count, hours or overdue, upcoming)."""
	if not customers:
		return []
	start, end = today(), add_days(today(), UPCOMING_DAYS)
	parts = []
	if frappe.has_permission("Project", "read"):
		where = permitted_where("Project", ["`tabProject`.customer in %(customers)s"])
		parts.append(
			f"""select 'project', `tabProject`.status, count(*), sum(`tabProject`.actual_time), 0
			from `tabProject` where {where} group by `tabProject`.status"""
		)
	if frappe.has_permission("Task", "read"):
		where = permitted_where(
			"Task", ["`tabTask`.customer in %(customers)s", "`tabTask`.status not in %(closed)s"]
		)
		parts.append(
			f"""select 'task', null, count(*), ifnull(sum(`tabTask`.exp_end_date < %(start)s), 0),
				ifnull(sum(`tabTask`.exp_end_date between %(start)s and %(end)s), 0)
			from `tabTask` where {where}"""
		)
	if not parts:
		return []
	return frappe.db.sql(
		" union all ".join(parts),
		{"customers": tuple(customers), "closed": CLOSED, "start": start, "end": end},
	)


def projects_block(customers: list[str]) -> dict | None:
	"""Projects of these customers by status, each with its count and the hours of submitted timesheets
	(the projects' actual time), and their total."""
	if not frappe.has_permission("Project", "read"):
		return None
	rows = {
		status: (count, hours)
		for source, status, count, hours, _upcoming in shared_source("projects", customers, project_figures)
		if source == "project"
	}
	customer = customer_filter(customers)
	figures = [
		{
			"label": _(status),
			"count": rows.get(status, (0, 0))[0],
			"amount": None,
			"currency": None,
			"hours": flt(rows.get(status, (0, 0))[1], 2),
			"route": ["List", "Project", {"customer": customer, "status": status}],
		}
		for status in PROJECT_STATUSES
	]
	figures.append(
		{
			"label": _("Total"),
			"count": sum(count for count, _hours in rows.values()),
			"amount": None,
			"currency": None,
			"hours": flt(sum(flt(hours) for _count, hours in rows.values()), 2),
			"route": ["List", "Project", {"customer": customer}],
		}
	)
	return {"key": "projects", "tab": "projects", "title": _("Projects"), "order": 10, "figures": figures}


def tasks_block(customers: list[str]) -> dict | None:
	"""Tasks of these customers: overdue (past their expected end date, neither completed nor cancelled,
	whether or not the daily job has marked them yet), to do (neither completed nor cancelled, overdue
	ones included) and due in the next 7 days (today included)."""
	if not frappe.has_permission("Task", "read"):
		return None
	start, end = today(), add_days(today(), UPCOMING_DAYS)
	counts = [row[2:] for row in shared_source("projects", customers, project_figures) if row[0] == "task"]
	to_do, overdue, upcoming = (int(c or 0) for c in (counts[0] if counts else (0, 0, 0)))
	customer = customer_filter(customers)
	open_work = {"customer": customer, "status": ["not in", list(CLOSED)]}

	def figure(label, count, extra):
		return {
			"label": label,
			"count": count,
			"amount": None,
			"currency": None,
			"hours": None,
			"route": ["List", "Task", {**open_work, **extra}],
		}

	figures = [
		figure(_("Overdue"), overdue, {"exp_end_date": ["<", start]}),
		figure(_("To Do"), to_do, {}),
		figure(_("Upcoming (next 7 days)"), upcoming, {"exp_end_date": ["between", [start, end]]}),
	]
	return {"key": "tasks", "tab": "projects", "title": _("Tasks"), "order": 20, "figures": figures}
