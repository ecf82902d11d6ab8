"""Projects, tasks and timesheets for tests."""

import frappe

from tests.trees import unique


def project(company: str, customer: str | None = None, **fields):
	return frappe.get_doc(
		{
			"doctype": "Project",
			"project_name": unique("Project"),
			"company": company,
			"customer": customer,
			**fields,
		}
	).insert()


def task(project_name: str | None, **fields):
	return frappe.get_doc(
		{"doctype": "Task", "subject": unique("Task"), "project": project_name, **fields}
	).insert()


def time_log(project_name=None, task_name=None, hours=None, start="2026-06-01 09:00:00", end=None, **fields):
	row = {"project": project_name, "task": task_name, "from_time": start, **fields}
	if end:
		row["to_time"] = end
	if hours is not None:
		row["hours"] = hours
	return row


def timesheet(company: str, *logs: dict, submit: bool = True, user: str = "Administrator"):
	doc = frappe.get_doc({"doctype": "Timesheet", "company": company, "user": user, "time_logs": list(logs)})
	doc.insert()
	if submit:
		doc.submit()
	return doc


def purge_projects(projects=(), tasks=(), timesheets=()) -> None:
	"""Remove what a module made (submitted timesheets included), rows directly."""
	for name in timesheets:
		frappe.db.delete("Timesheet Detail", {"parent": name})
		frappe.db.delete("Timesheet", {"name": name})
	for doctype, names in (("Task", tasks), ("Project", projects)):
		for name in names:
			frappe.db.delete("ToDo", {"reference_type": doctype, "reference_name": name})
			frappe.db.delete(doctype, {"name": name})
