# Copyright (c) 2026, crm_app contributors and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from crm_app.guards import validate_links
from crm_app.projects import checks, links, progress


class Project(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		actual_time: DF.Float
		company: DF.Link
		customer: DF.Link | None
		expected_end_date: DF.Date | None
		expected_start_date: DF.Date | None
		expected_time: DF.Float
		naming_series: DF.Literal["PROJ-.####"]
		notes: DF.TextEditor | None
		percent_complete: DF.Percent
		percent_complete_method: DF.Literal["Manual", "Task Completion", "Task Progress"]
		project_name: DF.Data
		sales_order: DF.Link | None
		status: DF.Literal["Open", "Completed", "Cancelled"]
	# end: auto-generated types

	def validate(self):
		checks.check_sales_order(self)
		validate_links(self, required=("company",))
		checks.check_date_order(self, "expected_start_date", "expected_end_date")
		checks.check_not_negative(self, "expected_time")
		checks.check_percent(self, "percent_complete")
		progress.set_percent_complete(self)

	def on_update(self):
		before = self.get_doc_before_save()
		if before and before.customer != self.customer:
			links.follow_project_customer(self.name, self.customer)
