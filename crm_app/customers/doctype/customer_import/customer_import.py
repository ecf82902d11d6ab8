# Copyright (c) 2026, crm_app contributors and contributors
# For license information, please see license.txt

from pathlib import Path

import frappe
from frappe import _
from frappe.model.document import Document

from crm_app.csv_files import UnreadableFileError


class CustomerImport(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		checked_only: DF.Check
		error_file: DF.Attach | None
		good_rows_only: DF.Check
		import_file: DF.Attach
		report: DF.JSON | None
		status: DF.Literal["Pending", "Queued", "Checked", "Success", "Partial Success", "Failed"]
		submit_after_import: DF.Check
		update_existing: DF.Check
	# end: auto-generated types

	def validate(self):
		if Path(self.import_file or "").suffix.lower() not in (".csv", ".xlsx"):
			frappe.throw(
				_("{0}: only CSV and XLSX files can be imported").format(self.import_file),
				UnreadableFileError,
			)
		if any(
			self.has_value_changed(field)
			for field in ("import_file", "update_existing", "submit_after_import")
		):
			self.status = "Pending"  # a new file or option: the last run's report no longer applies
