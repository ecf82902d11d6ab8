"""Bad values refused with a clear, translated 4xx before anything is written.

MariaDB refuses what does not fit a column (a 2 MB text, 1e20 in a decimal(21,9), 2024-13-45 in a
date) with a DataError, which reaches the client as a 500; Frappe's own length check comes late, after
the controller's validate, and numbers that are not numbers silently become 0. `check_document` runs
first (doc_events "*" in hooks.py, for this app's doctypes) and checks every value of a document and of
its child rows against its column: size, range, number, date, single value; at insert it also wants the
mandatory fields the name or title is made from.
"""

import datetime
import math
import re
from decimal import Decimal, InvalidOperation

import frappe
from frappe import _
from frappe.model import table_fields
from frappe.utils import cint, escape_html

# Column sizes MariaDB enforces (text columns count bytes, varchar counts characters)
TEXT_BYTES = {"text": 65535, "mediumtext": 16777215, "longtext": 4294967295}
# v16 stores a Check as tinyint, v15 as int(1)
INT_RANGE = {"int": 2**31 - 1, "bigint": 2**63 - 1, "smallint": 2**15 - 1, "tinyint": 2**7 - 1}

DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
DATETIME = re.compile(
	r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,6}))?)?)?$"
)
TIME = re.compile(r"^(\d{1,3}):(\d{1,2})(?::(\d{1,2})(?:\.\d{1,6})?)?$")


class ValueTooLongError(frappe.CharacterLengthExceededError):
	pass


class ValueOutOfRangeError(frappe.ValidationError):
	pass


class NotANumberError(frappe.ValidationError):
	pass


class InvalidDateError(frappe.ValidationError):
	pass


class NotASingleValueError(frappe.ValidationError):
	pass


class MissingValueError(frappe.MandatoryError):
	pass


class InvalidBodyError(frappe.ValidationError):
	pass


_app_modules: set[str] = set()


def app_modules() -> set[str]:
	if not _app_modules:
		_app_modules.update(frappe.get_module_list("crm_app"))
	return _app_modules


def on_document_event(doc, method=None) -> None:
	"""doc_events "*" handler: only this app's doctypes are checked."""
	if doc.meta.module not in app_modules():
		return
	check_document(doc, at_insert=method == "before_insert")


def check_resource_body() -> None:
	"""before_request: the body of a REST write (POST/PUT /api/resource/<doctype>) on this app's
	doctypes must be a JSON object whose tables are lists of objects. Frappe builds the document from it
	before any document event runs, and crashes (500) on a list body or a text where a table goes."""
	request = frappe.local.request
	parts = request.path.strip("/").split("/")
	if parts[1:2] in (["v1"], ["v2"]):
		parts.pop(1)  # /api/v1/resource, /api/v2/document (Frappe v15 and v16)
	if request.method not in ("POST", "PUT") or len(parts) < 3 or parts[0] != "api":
		return
	if parts[1] not in ("resource", "document"):
		return
	doctype = parts[2]
	if not frappe.db.exists("DocType", doctype, cache=True):
		return
	meta = frappe.get_meta(doctype)
	if meta.module not in app_modules():
		return
	body = frappe.local.form_dict.get("data")
	if body is None:
		body = frappe.safe_decode(request.get_data())
	try:
		body = frappe.parse_json(body)
	except ValueError:
		return  # Frappe then reads the form fields as the document
	if not isinstance(body, dict):
		frappe.throw(_("The request body must be a JSON object (field: value)"), InvalidBodyError)
	for table in meta.get_table_fields():
		rows = body.get(table.fieldname)
		if rows and not (isinstance(rows, list) and all(isinstance(row, dict) for row in rows)):
			frappe.throw(_("{0} must be a list of rows (objects)").format(_(table.label)), InvalidBodyError)


def check_document(doc, at_insert: bool = False) -> None:
	"""Refuse, with a translated ValidationError naming the field (and row), any value of `doc` or of
	its child rows that its column cannot hold."""
	if doc.name and len(str(doc.name)) > frappe.db.VARCHAR_LEN:
		_too_long(_("ID"), len(str(doc.name)), frappe.db.VARCHAR_LEN, _("characters"))
	check_values(doc)
	for table in doc.meta.get_table_fields():
		for row in doc.get(table.fieldname) or []:
			if hasattr(row, "meta"):
				check_values(row, _("{0}, row {1}").format(_(table.label), row.idx))
	if at_insert:
		check_naming_fields(doc)


def check_naming_fields(doc) -> None:
	"""The mandatory fields the name and title are made of, before naming runs (a controller's
	autoname would fail on an empty one). A controller that names the document may read any of its
	mandatory data and link fields."""
	meta = doc.meta
	autoname = meta.autoname or ""
	names = set(re.findall(r"\{(\w+)\}", autoname)) if autoname.startswith("format:") else set()
	if autoname.startswith("field:"):
		names.add(autoname[len("field:") :].strip())
	if meta.title_field:
		names.add(meta.title_field)
	if meta.naming_rule == "By script":
		names.update(
			df.fieldname
			for df in meta.fields
			if df.reqd and df.fieldtype in ("Data", "Link") and not df.default
		)
	for df in meta.fields:
		if df.fieldname in names and df.reqd and not str(doc.get(df.fieldname) or "").strip():
			frappe.throw(_("{0} is required").format(_(df.label)), MissingValueError)


def check_values(doc, where: str | None = None) -> None:
	type_map = frappe.db.type_map
	for df in doc.meta.fields:
		if df.fieldtype not in type_map or df.fieldtype in table_fields or df.get("is_virtual"):
			continue
		value = doc.get(df.fieldname)
		if value is None or value == "":
			continue
		label = _(df.label or df.fieldname)
		if where:
			label = _("{0} in {1}").format(label, where)
		check_value(df, value, label, type_map[df.fieldtype])


def check_fields(doctype: str, values: dict) -> None:
	"""Values meant for fields of `doctype`, written without a document (frappe.db.set_value)."""
	meta, type_map = frappe.get_meta(doctype), frappe.db.type_map
	for fieldname, value in values.items():
		df = meta.get_field(fieldname)
		if df and df.fieldtype in type_map and value is not None and value != "":
			check_value(df, value, _(df.label or fieldname), type_map[df.fieldtype])


def check_value(df, value, label: str, column: tuple) -> None:
	column_type, size = column
	if isinstance(value, (list, dict, set, tuple)):
		if column_type != "json":
			frappe.throw(
				_("{0} must be a single value, not a list or an object").format(label), NotASingleValueError
			)
		return
	if column_type == "varchar":
		limit = cint(df.get("length")) or cint(size)
		if len(str(value)) > limit:
			_too_long(label, len(str(value)), limit, _("characters"))
	elif column_type in TEXT_BYTES:
		length = len(str(value).encode("utf-8"))
		if length > TEXT_BYTES[column_type]:
			_too_long(label, length, TEXT_BYTES[column_type], _("bytes"))
	elif column_type in ("decimal", *INT_RANGE):
		number = as_number(value, label)
		if column_type == "decimal":
			precision, scale = (cint(part) for part in (size or "21,9").split(","))
			bound = 10 ** (precision - scale)
			if abs(number) >= bound:
				_out_of_range(label, value, f"-{bound}", str(bound))
		elif df.fieldtype != "Check":
			bound = INT_RANGE[column_type]
			if abs(int(number)) > bound:
				_out_of_range(label, value, str(-bound), str(bound))
	elif column_type in ("date", "datetime", "time"):
		check_date(value, label, column_type)


def as_number(value, label: str) -> Decimal:
	"""The value as a number, as Frappe's flt reads it (commas ignored), refusing what flt would quietly
	turn into 0."""
	if isinstance(value, bool):
		return Decimal(int(value))
	try:
		number = Decimal(value.replace(",", "").strip() if isinstance(value, str) else str(value))
	except (InvalidOperation, ValueError, TypeError):
		number = None
	if number is None or not number.is_finite():
		frappe.throw(_("{0} must be a number, not {1}").format(label, _shown(value)), NotANumberError)
	return number


def check_date(value, label: str, column_type: str = "date") -> None:
	"""A date as YYYY-MM-DD (with a time for a datetime, which a date also accepts and truncates), a
	time as HH:MM:SS; each part in range."""
	if column_type == "time":
		if isinstance(value, (datetime.time, datetime.timedelta)):
			return
		match = TIME.match(str(value).strip())
		if match and int(match[1]) <= 838 and int(match[2]) < 60 and int(match[3] or 0) < 60:
			return
		frappe.throw(
			_("{0} is not a valid time: {1} (expected HH:MM:SS)").format(label, _shown(value)),
			InvalidDateError,
		)
	if isinstance(value, (datetime.date, datetime.datetime)):
		return
	match = DATETIME.match(str(value).strip())
	if match:
		parts = [int(part or 0) for part in match.groups()]
		parts[6] = int((match[7] or "0").ljust(6, "0"))
		try:
			datetime.datetime(*parts)
			return
		except ValueError:
			pass
	if column_type == "date":
		message = _("{0} is not a valid date: {1} (expected YYYY-MM-DD)")
	else:
		message = _("{0} is not a valid date and time: {1} (expected YYYY-MM-DD HH:MM:SS)")
	frappe.throw(message.format(label, _shown(value)), InvalidDateError)


def parse_date(value, label: str) -> datetime.date:
	"""A date argument (YYYY-MM-DD) as a date, or a translated InvalidDateError."""
	if isinstance(value, datetime.date):
		return value
	match = DATE.match(str(value or "").strip())
	try:
		return datetime.date(*(int(part) for part in match.groups()))
	except (AttributeError, ValueError):
		frappe.throw(
			_("{0} is not a valid date: {1} (expected YYYY-MM-DD)").format(label, _shown(value)),
			InvalidDateError,
		)


def ensure_exists(doctype: str, name, label: str | None = None) -> None:
	"""A named record the caller gave must exist: a translated 404 otherwise, not a crash later on a
	missing row."""
	if not name or not isinstance(name, str) or not frappe.db.exists(doctype, name, cache=True):
		not_found(doctype, name, label)


def permitted_doc(doctype: str, name, ptype: str = "read"):
	"""A named record the caller gave, loaded once it is known to exist and the caller may ptype it."""
	ensure_exists(doctype, name)
	doc = frappe.get_doc(doctype, name)
	doc.check_permission(ptype)
	return doc


def not_found(doctype: str, name, label: str | None = None):
	frappe.throw(
		_("{0} {1} not found").format(label or _(doctype), frappe.bold(_shown(name))),
		frappe.DoesNotExistError,
	)


def _shown(value) -> str:
	text = str(value)
	return escape_html(text if len(text) <= 40 else f"{text[:40]}…")


def _too_long(label: str, length: int, limit: int, unit: str) -> None:
	frappe.throw(
		_("{0} is too long: {1} {2}, at most {3}").format(label, length, unit, limit), ValueTooLongError
	)


def _out_of_range(label: str, value, low: str, high: str) -> None:
	frappe.throw(
		_("{0} is out of range: {1} (it must lie between {2} and {3})").format(
			label, _shown(value), low, high
		),
		ValueOutOfRangeError,
	)
