"""Export of customers and their trees, and of opportunities, quotations and sales orders with their items, to
CSV or XLSX, in the shape the import reads back: an `ID` column, English labels as headers (as ERPNext's
Data Export writes them), trees parent first, a document's items on the lines after its own (ERPNext's
`Item Code (Items)` columns), only the records the user may read."""

import frappe
from frappe import _
from frappe.model import no_value_fields, table_fields

from crm_app.csv_files import write_csv
from crm_app.data_transfer.columns import IMPORT_ORDER, SELLING_ORDER, child_header, child_key
from crm_app.data_transfer.files import write_xlsx

# bounds and bookkeeping the import computes itself
SKIPPED_FIELDS = {"lft", "rgt", "old_parent"}
FORMATS = ("csv", "xlsx")
EXPORTED = IMPORT_ORDER + SELLING_ORDER


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
	if doctype in SELLING_ORDER:
		return with_children(doctype, headers, rows, [record.name for record in records])
	return headers, rows


def with_children(doctype: str, headers: list, rows: list[list], names: list[str]) -> tuple[list, list]:
	"""ERPNext's Data Import shape: a document's line carries its first item, each other item a line of its
	own with the document's columns empty. Only the items of the documents exported (readable ones)."""
	tables = [(df.fieldname, df.options) for df in frappe.get_meta(doctype).get_table_fields()]
	columns = [(table_field, df) for table_field, child in tables for df in exported_fields(child)]
	headers = [*headers, *(child_header(doctype, table_field, df.fieldname) for table_field, df in columns)]
	children = {}
	for table_field, child in tables:
		for item in frappe.get_all(
			child,
			filters={"parenttype": doctype, "parentfield": table_field, "parent": ("in", names or [""])},
			fields=["parent", *(df.fieldname for f, df in columns if f == table_field)],
			order_by="parent asc, idx asc",
		):
			values = {child_key(table_field, k): v for k, v in item.items() if k != "parent"}
			children.setdefault(item.parent, []).append(values)
	keys = [child_key(table_field, df.fieldname) for table_field, df in columns]
	lines, blank = [], [None] * len(rows[0]) if rows else []
	for row, name in zip(rows, names, strict=True):
		items = children.get(name) or [{}]
		for index, item in enumerate(items):
			lines.append([*(row if index == 0 else blank), *(item.get(key) for key in keys)])
	return headers, lines


def export_records(doctypes: list[str], file_format: str = "csv", filters=None) -> tuple[str, bytes]:
	"""(file name, content). CSV holds one doctype; XLSX a sheet per doctype, in import order."""
	unknown = [d for d in doctypes if d not in EXPORTED]
	if not doctypes or unknown:
		frappe.throw(_("Choose what to export among {0}").format(", ".join(EXPORTED)), InvalidExportError)
	if file_format not in FORMATS:
		frappe.throw(_("The file format must be CSV or XLSX"), InvalidExportError)
	if file_format == "csv" and len(doctypes) > 1:
		frappe.throw(_("A CSV file holds one doctype: choose XLSX for several"), InvalidExportError)
	for doctype in doctypes:
		frappe.has_permission(doctype, "export", throw=False) or frappe.throw(
			_("No permission to export {0}").format(_(doctype)), frappe.PermissionError
		)
	ordered = [d for d in EXPORTED if d in doctypes]
	if file_format == "csv":
		headers, rows = sheet_of(ordered[0], filters)
		return f"{frappe.scrub(ordered[0])}.csv", write_csv(headers, rows)
	sheets = {doctype: sheet_of(doctype, filters if len(ordered) == 1 else None) for doctype in ordered}
	return "crm_export.xlsx", write_xlsx(sheets)
