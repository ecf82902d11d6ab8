# Copyright (c) 2026, crm_app contributors and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from crm_app.guards import validate_links
from crm_app.projects import progress, tasks


class Task(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		actual_time: DF.Float
		completed_on: DF.Date | None
		customer: DF.Link | None
		description: DF.TextEditor | None
		exp_end_date: DF.Date | None
		exp_start_date: DF.Date | None
		expected_time: DF.Float
		naming_series: DF.Literal["TASK-.YYYY.-"]
		progress: DF.Percent
		project: DF.Link | None
		status: DF.Literal["Open", "Working", "Pending Review", "Overdue", "Completed", "Cancelled"]
		subject: DF.Data
	# end: auto-generated types

	def validate(self):
		validate_links(self)
		tasks.validate_task(self)

	def on_update(self):
		tasks.close_assignments_when_done(self)
		before = self.get_doc_before_save()
		progress.update_projects([self.project, before and before.project])

	def on_trash(self):
		self.flags.project_to_update = self.project

	def after_delete(self):
		progress.update_projects([self.flags.project_to_update])
