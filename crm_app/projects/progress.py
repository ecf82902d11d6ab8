"""A project's percent complete, following its method (ERPNext's): Manual (typed), Task Completion (the
share of its tasks completed) or Task Progress (the mean progress of its tasks, a completed one counting
100). Cancelled tasks do not count."""

import frappe
from frappe.utils import flt

MANUAL = "Manual"


def percent_complete(project: str, method: str) -> float | None:
	"""The percent the method gives, from one aggregate query over the project's tasks (None: Manual)."""
	if method == MANUAL:
		return None
	total, completed, progress = frappe.db.sql(
		"""select count(*), sum(status = 'Completed'),
			sum(case when status = 'Completed' then 100 else least(greatest(progress, 0), 100) end)
		from `tabTask` where project = %s and status != 'Cancelled'""",
		project,
	)[0]
	if not total:
		return 0.0
	if method == "Task Completion":
		return flt(100.0 * flt(completed) / total, 2)
	return flt(flt(progress) / total, 2)


def set_percent_complete(doc) -> None:
	"""On the project being saved."""
	value = percent_complete(doc.name, doc.percent_complete_method) if not doc.is_new() else None
	if value is not None:
		doc.percent_complete = value
	elif doc.is_new() and doc.percent_complete_method != MANUAL:
		doc.percent_complete = 0


def update_projects(projects) -> None:
	"""After tasks changed: the percent of each of their projects not set by hand, one statement each."""
	for project in sorted({p for p in projects if p}):
		method = frappe.db.get_value("Project", project, "percent_complete_method")
		value = percent_complete(project, method) if method else None
		if value is not None:
			frappe.db.set_value("Project", project, "percent_complete", value, update_modified=False)
