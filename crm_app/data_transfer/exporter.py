"""Export of customers and their trees to CSV or XLSX, in the shape the import reads back: an `ID` column,
English labels as headers (as ERPNext's Data Export writes them), trees parent first, only the records
the user may read."""

import frappe
from frappe import _
from frappe.model import no_value_fields, table_fields

from crm_app.csv_files import write_csv
from crm_app.data_transfer.columns import IMPORT_ORDER
from crm_app.data_transfer.files import write_xlsx

# bounds and bookkeeping the import computes itself
SKIPPED_FIELDS = {"lft", "rgt", "old_parent"}
FORMATS = ("csv", "xlsx")


class InvalidExportError(frappe.ValidationError):
	pass


def exported_fields(doctype: str) -> list:
	return [
		df
		for df in frappe.get_meta(doctype).fields
		if df.fieldtype not in no_value_fields
		and df.fieldtype not in table_fields
		and df.fieldname not in SKIPPED_FIELDS
		and not df.get("is_virtual")
	]


def check_filters(doctype: str, filters) -> None:
	"""Frappe's filters (a dict or a list), each on a column of the doctype: a bad one is a clear error,
	not a database one."""
	from frappe.model import default_fields, optional_fields
	from frappe.utils.data import get_filter

	if isinstance(filters, dict):
		filters = [{key: value} for key, value in filters.items()]
	if not isinstance(filters, list):
		frappe.throw(_("Filters must be an object or a list"), InvalidExportError)
	meta = frappe.get_meta(doctype)
	for given in filters:
		try:
			condition = get_filter(doctype, given)
		except frappe.ValidationError as error:
			frappe.throw(_("Filter {0}: {1}").format(frappe.as_json(given), error), InvalidExportError)
		if condition.doctype != doctype or not (
			condition.fieldname in default_fields + optional_fields or meta.has_field(condition.fieldname)
		):
			frappe.throw(
				_("{0} has no field {1} to filter on").format(_(doctype), condition.fieldname),
				InvalidExportError,
			)


def sheet_of(doctype: str, filters=None) -> tuple[list[str], list[list]]:
	if filters:
		check_filters(doctype, filters)
	fields = exported_fields(doctype)
	order_by = "lft asc, name asc" if frappe.get_meta(doctype).has_field("lft") else "name asc"
	records = frappe.get_list(
		doctype, filters=filters or {}, fields=["name", *(df.fieldname for df in fields)], order_by=order_by
	)
	headers = ["ID", *(df.label or df.fieldname for df in fields)]
	rows = [[record.name, *(record.get(df.fieldname) for df in fields)] for record in records]
	return headers, rows


def export_records(doctypes: list[str], file_format: str = "csv", filters=None) -> tuple[str, bytes]:
	"""(file name, content). CSV holds one doctype; XLSX a sheet per doctype, in import order."""
	unknown = [d for d in doctypes if d not in IMPORT_ORDER]
	if not doctypes or unknown:
		frappe.throw(_("Choose what to export among {0}").format(", ".join(IMPORT_ORDER)), InvalidExportError)
	if file_format not in FORMATS:
		frappe.throw(_("The file format must be CSV or XLSX"), InvalidExportError)
	if file_format == "csv" and len(doctypes) > 1:
		frappe.throw(_("A CSV file holds one doctype: choose XLSX for several"), InvalidExportError)
	for doctype in doctypes:
		frappe.has_permission(doctype, "export", throw=False) or frappe.throw(
			_("No permission to export {0}").format(_(doctype)), frappe.PermissionError
		)
	ordered = [d for d in IMPORT_ORDER if d in doctypes]
	if file_format == "csv":
		headers, rows = sheet_of(ordered[0], filters)
		return f"{frappe.scrub(ordered[0])}.csv", write_csv(headers, rows)
	sheets = {doctype: sheet_of(doctype, filters if len(ordered) == 1 else None) for doctype in ordered}
	return "crm_export.xlsx", write_xlsx(sheets)
