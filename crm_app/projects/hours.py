"""Hours logged on timesheets, and the actual time of projects and tasks they add up to.

A time log's hours come from its times (to_time after from_time); its task belongs to its project (the
project is taken from the task when left empty); work is logged on open projects only, of one customer
per timesheet, which becomes the timesheet's customer (the one its scoped readers are checked against).

Submitting or cancelling a timesheet recounts the actual time of the projects and tasks it names: their
rows are locked first (before the timesheet writes anything, so two submits for one project wait for
each other instead of deadlocking), then ONE aggregate query (a locking read: it sees what the other
submit committed, not the snapshot of this transaction) gives every task's total and every project's.
"""

import frappe
from frappe import _
from frappe.utils import flt, get_datetime, getdate, time_diff_in_hours

from crm_app.access import require_read
from crm_app.locks import lock_row
from crm_app.projects.checks import check_not_negative, check_project_open
from crm_app.projects.errors import MixedCustomersError, TaskProjectMismatchError, TimeLogError

HOURS_PRECISION = 6


def validate_timesheet(doc) -> None:
	projects = {}
	for row in doc.time_logs:
		validate_time_log(row)
		if row.project:
			projects.setdefault(row.project, None)
	customers = set()
	for project in projects:
		if not doc.flags.ignore_permissions:
			require_read("Project", project)
		status, customer = frappe.db.get_value("Project", project, ["status", "customer"])
		if doc.docstatus < 2:
			check_project_open(project, status)
		customers.add(customer or None)
	if len(customers) > 1:
		frappe.throw(
			_("A timesheet logs the hours of one customer: these projects belong to {0}").format(
				", ".join(sorted(c or _("no customer") for c in customers))
			),
			MixedCustomersError,
		)
	doc.customer = customers.pop() if customers else None
	set_totals(doc)
	doc.title = doc.title or frappe.db.get_value("User", doc.user, "full_name") or doc.user
	doc.status = {0: "Draft", 1: "Submitted", 2: "Cancelled"}[doc.docstatus]


def validate_time_log(row) -> None:
	label = _("Row {0}").format(row.idx)
	if row.from_time and row.to_time:
		if get_datetime(row.to_time) <= get_datetime(row.from_time):
			frappe.throw(_("{0}: To Time must be after From Time").format(label), TimeLogError)
		row.hours = flt(time_diff_in_hours(row.to_time, row.from_time), HOURS_PRECISION)
	if flt(row.hours) <= 0:
		frappe.throw(_("{0}: the hours must be more than zero").format(label), TimeLogError)
	if not row.is_billable:
		row.billing_hours = 0
	elif not flt(row.billing_hours):
		row.billing_hours = row.hours
	check_not_negative(row, "billing_hours")
	if row.task:
		task_project = frappe.db.get_value("Task", row.task, "project")
		if row.project and task_project != row.project:
			frappe.throw(
				_("{0}: task {1} belongs to project {2}, not {3}").format(
					label, row.task, task_project or _("none"), row.project
				),
				TaskProjectMismatchError,
			)
		row.project = task_project


def set_totals(doc) -> None:
	doc.total_hours = flt(sum(flt(r.hours) for r in doc.time_logs), HOURS_PRECISION)
	doc.total_billable_hours = flt(sum(flt(r.billing_hours) for r in doc.time_logs), HOURS_PRECISION)
	days = [getdate(r.from_time) for r in doc.time_logs if r.from_time]
	doc.start_date = min(days) if days else None
	doc.end_date = max(days) if days else None


def named(doc) -> tuple[list[str], list[str]]:
	"""The projects and the tasks the timesheet's logs name."""
	projects = sorted({r.project for r in doc.time_logs if r.project})
	tasks = sorted({r.task for r in doc.time_logs if r.task})
	return projects, tasks


def lock_for_recount(doc) -> None:
	"""Before a submit or a cancel writes: lock the projects (and the tasks without a project), in name
	order so two timesheets lock them in the same order."""
	projects, tasks = named(doc)
	for project in projects:
		lock_row("Project", project, ["status"], doc)
	lone = [t for t in tasks if not frappe.db.get_value("Task", t, "project")]
	for task in lone:
		lock_row("Task", task, ["status"], doc)


def recount(doc) -> None:
	projects, tasks = named(doc)
	update_actual_time(projects, tasks)


def update_actual_time(projects: list[str], tasks: list[str]) -> None:
	"""Set actual_time of these projects and tasks from the submitted time logs: one aggregate query
	(project totals as the rollup of their tasks'), then one statement per doctype."""
	if not projects and not tasks:
		return
	rows = frappe.db.sql(
		"""select project, task, sum(hours) from (
			select ifnull(project, '') as project, ifnull(task, '') as task, hours from `tabTimesheet Detail`
			where docstatus = 1 and parenttype = 'Timesheet'
				and (project in %(projects)s or task in %(tasks)s)
			lock in share mode
		) logs group by project, task with rollup""",
		{"projects": tuple(projects) or ("",), "tasks": tuple(tasks) or ("",)},
	)
	project_hours = dict.fromkeys(projects, 0.0)
	task_hours = dict.fromkeys(tasks, 0.0)
	for project, task, hours in rows:
		if project is None:  # the grand total
			continue
		if task is None:  # a project's total (the rollup of its tasks)
			if project in project_hours:
				project_hours[project] = flt(hours, HOURS_PRECISION)
		elif task in task_hours:  # (a task moved to another project has logs under both)
			task_hours[task] = flt(task_hours[task] + flt(hours), HOURS_PRECISION)
	_set_actual_time("Project", project_hours)
	_set_actual_time("Task", task_hours)


def _set_actual_time(doctype: str, hours: dict[str, float]) -> None:
	if not hours:
		return
	cases = " ".join("when %s then %s" for _name in hours)
	values = [v for name, total in hours.items() for v in (name, total)]
	frappe.db.sql(
		f"""update `tab{doctype}` set actual_time = case name {cases} end
		where name in ({", ".join(["%s"] * len(hours))})""",
		(*values, *hours),
	)
