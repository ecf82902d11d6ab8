"""An import run as a background job for a Customer Import record: the desk's form and REST start it and
read its status, report and error file from the record."""

import frappe
from frappe import _

from crm_app.csv_files import write_csv
from crm_app.data_transfer.importer import commit_or_roll_back, import_files

DOCTYPE = "Customer Import"


class ImportAlreadyRunningError(frappe.ValidationError):
	pass


def start(name: str, dry_run: bool = False) -> str | None:
	"""Queue the import (or its dry run); returns the job id."""
	record = frappe.get_doc(DOCTYPE, name)
	record.check_permission("write")
	if record.status == "Queued":
		frappe.throw(_("{0} is already running").format(name), ImportAlreadyRunningError)
	record.db_set("status", "Queued", commit=True)  # committed before the job can read it
	job = frappe.enqueue(
		run,
		queue="long",
		timeout=3600,
		name=name,
		dry_run=bool(dry_run),
	)
	return getattr(job, "id", None)


def run(name: str, dry_run: bool = False) -> dict:
	record = frappe.get_doc(DOCTYPE, name)
	file = frappe.get_doc("File", {"file_url": record.import_file})

	def progress(done, total, what):
		frappe.publish_progress(
			done * 100 / total, title=_("Importing {0}").format(what), doctype=DOCTYPE, docname=name
		)

	try:
		report = run_import(record, file, dry_run, progress)
	except Exception:
		# whatever went wrong, the record must not stay "Queued": nothing was written, say so
		frappe.db.rollback()
		record.db_set("status", "Failed", commit=True)
		raise
	save_outcome(record, report, dry_run)
	return report


def run_import(record, file, dry_run: bool, progress) -> dict:
	try:
		report = import_files(
			[(file.file_name, file.get_content())],
			dry_run=dry_run,
			update=bool(record.update_existing),
			good_rows_only=bool(record.good_rows_only),
			progress=progress,
			submit=bool(record.submit_after_import),
		)
	except frappe.ValidationError as error:  # a file that cannot be read at all
		frappe.db.rollback()
		report = {"dry_run": dry_run, "created": {}, "updated": {}, "unchanged": {}, "warnings": []}
		report["errors"] = [{"sheet": file.file_name, "row": None, "column": None, "message": str(error)}]
	commit_or_roll_back(report, bool(record.good_rows_only))
	return report


def save_outcome(record, report: dict, dry_run: bool) -> None:
	if dry_run:
		status = "Failed" if report["errors"] else "Checked"
	elif report["errors"]:
		status = (
			"Partial Success"
			if any(report["created"].values()) or any(report["updated"].values())
			else "Failed"
		)
	else:
		status = "Success"
	record.reload()
	record.db_set(
		{
			"status": status,
			"checked_only": int(dry_run),
			"report": frappe.as_json(report),
			"error_file": error_file(record.name, report["errors"]) if report["errors"] else None,
		},
		commit=True,
	)
	frappe.publish_realtime("list_update", {"doctype": DOCTYPE, "name": record.name}, after_commit=True)


def error_file(name: str, errors: list[dict]) -> str:
	"""The refused rows as a CSV the user downloads, fixes and imports again."""
	content = write_csv(
		[_("Sheet"), _("Row"), _("Column"), _("Error")],
		[[e["sheet"], e["row"], e["column"], e["message"]] for e in errors],
	)
	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": f"{name}-errors.csv",
			"attached_to_doctype": DOCTYPE,
			"attached_to_name": name,
			"is_private": 1,
			"content": content,
		}
	).insert(ignore_permissions=True)
	return file.file_url
