"""REST and desk API for imports (`/api/method/crm_app.api.data_transfer.<name>`).

Over REST: upload the file (`/api/method/upload_file`), create a Customer Import with its URL
(`POST /api/resource/Customer Import`; `submit_after_import` submits the quotations and orders imported), call `start_import`, then poll the record (`GET
/api/resource/Customer Import/NAME`: status, report, error_file)."""

import frappe

from crm_app.arguments import json_value, name_list, strict_arguments
from crm_app.compat import read_only
from crm_app.data_transfer import exporter, jobs


@frappe.whitelist(methods=["POST"])
@strict_arguments
def start_import(customer_import: str, dry_run: bool = False) -> dict:
	"""Queue the import (or, with dry_run, only its check) of a Customer Import record."""
	job_id = jobs.start(customer_import, dry_run=frappe.utils.cint(dry_run))
	return {"job_id": job_id, "status": frappe.db.get_value("Customer Import", customer_import, "status")}


@frappe.whitelist()
@strict_arguments
@read_only
def export_records(doctypes: str | list[str], file_format: str = "csv", filters: str | dict | None = None):
	"""Download customers and trees, opportunities, quotations and sales orders (with their items) as CSV
	(one doctype) or XLSX (a sheet each), re-importable as they are; `filters` (JSON, Frappe's filters as an object or a list) applies to a single
	doctype. Only what the user may read is exported."""
	names = name_list(doctypes, "doctypes")
	filename, content = exporter.export_records(
		names, file_format, json_value(filters, "filters") if filters else None
	)
	frappe.response["filename"] = filename
	frappe.response["filecontent"] = content
	frappe.response["type"] = "binary"
