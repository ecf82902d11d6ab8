"""The customer's 360 view, tab Projects (CONTRACT_21 §1): projects by status with the hours logged on
them, and tasks overdue / to do / due in the next 7 days. One aggregate query per block, over the rows
the session user may read (crm_app.permissions)."""

import frappe
from frappe import _
from frappe.utils import add_days, flt, today

from crm_app.customers.overview import customer_filter
from crm_app.permissions import permitted_where
from crm_app.projects.tasks import CLOSED

PROJECT_STATUSES = ("Open", "Completed", "Cancelled")
UPCOMING_DAYS = 7


def projects_block(customers: list[str]) -> dict | None:
	"""Projects of these customers by status, each with its count and the hours of submitted timesheets
	(the projects' actual time), and their total."""
	if not frappe.has_permission("Project", "read"):
		return None
	rows = {}
	if customers:
		where = permitted_where("Project", ["`tabProject`.customer in %(customers)s"])
		rows = {
			status: (count, hours)
			for status, count, hours in frappe.db.sql(
				f"""select `tabProject`.status, count(*), sum(`tabProject`.actual_time) from `tabProject`
				where {where} group by `tabProject`.status""",
				{"customers": tuple(customers)},
			)
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
	counts = (0, 0, 0)
	if customers:
		where = permitted_where(
			"Task", ["`tabTask`.customer in %(customers)s", "`tabTask`.status not in %(closed)s"]
		)
		counts = frappe.db.sql(
			f"""select count(*),
				ifnull(sum(`tabTask`.exp_end_date < %(start)s), 0),
				ifnull(sum(`tabTask`.exp_end_date between %(start)s and %(end)s), 0)
			from `tabTask` where {where}""",
			{"customers": tuple(customers), "closed": CLOSED, "start": start, "end": end},
		)[0]
	to_do, overdue, upcoming = (int(c or 0) for c in counts)
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
