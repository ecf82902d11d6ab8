"""A project's customer is its tasks' and timesheets' (what a scoped reader is checked against)."""

import frappe


def follow_project_customer(project: str, customer: str | None) -> None:
	"""A project given another customer takes its tasks and timesheets along (their scoped readers are
	checked against that customer): one statement each."""
	frappe.db.sql(
		"update `tabTask` set customer = %s where project = %s and ifnull(customer, '') != ifnull(%s, '')",
		(customer, project, customer),
	)
	frappe.db.sql(
		"""update `tabTimesheet` set customer = %s where ifnull(customer, '') != ifnull(%s, '')
		and name in (select parent from `tabTimesheet Detail` where project = %s and parenttype = 'Timesheet')""",
		(customer, customer, project),
	)
