# Copyright (c) 2026, crm_app contributors and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from crm_app.guards import validate_links
from crm_app.projects import hours


class Timesheet(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_app.projects.doctype.timesheet_detail.timesheet_detail import TimesheetDetail

		amended_from: DF.Link | None
		company: DF.Link
		customer: DF.Link | None
		end_date: DF.Date | None
		naming_series: DF.Literal["TS-.YYYY.-"]
		note: DF.TextEditor | None
		start_date: DF.Date | None
		status: DF.Literal["Draft", "Submitted", "Cancelled"]
		time_logs: DF.Table[TimesheetDetail]
		title: DF.Data | None
		total_billable_hours: DF.Float
		total_hours: DF.Float
		user: DF.Link
	# end: auto-generated types

	def validate(self):
		validate_links(self, required=("company", "user"))
		hours.validate_timesheet(self)

	def before_submit(self):
		hours.lock_for_recount(self)

	def on_submit(self):
		hours.recount(self)

	def before_cancel(self):
		hours.lock_for_recount(self)

	def on_cancel(self):
		self.db_set("status", "Cancelled", update_modified=False)
		hours.recount(self)
