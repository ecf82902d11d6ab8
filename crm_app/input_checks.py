"""Bad values refused with a clear, translated 4xx before anything is written.

MariaDB refuses what does not fit a column (a 2 MB text, 1e20 in a decimal(21,9), 2024-13-45 in a
date) with a DataError, which reaches the client as a 500; Frappe's own length check comes late, after
the controller's validate, and numbers that are not numbers silently become 0. `check_document` runs
first (doc_events "*" in hooks.py, for this app's doctypes) and checks every value of a document and of
its child rows against its column: size, range, number, date, single value; at insert it also wants the
mandatory fields the name or title is made from.
"""

import datetime
import json
import math
import re
from decimal import Decimal, InvalidOperation

import frappe
from frappe import _
from frappe.model import table_fields
from frappe.utils import cint, escape_html

from crm_app import compat

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


class MalformedBodyError(InvalidBodyError):
	http_status_code = 400


class InvalidQueryError(frappe.ValidationError):
	"""A list query's fields, filters, order or grouping that are not plain fields of its doctype."""


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


# --------------------------------------------------------------------------------------------------
# before_request: what Frappe itself parses or puts into SQL, checked before it does

# Frappe methods whose `filters` may also be a record's name
NAME_OR_FILTERS = {"frappe.client.get_value", "frappe.client.get", "frappe.client.get_single_value"}
# Frappe methods that take a document (or a list of them) as JSON, and the argument
DOCUMENT_ARGUMENTS = {
	"frappe.client.insert": "doc",
	"frappe.client.save": "doc",
	"frappe.client.submit": "doc",
	"frappe.client.insert_many": "docs",
	"frappe.desk.form.save.savedocs": "doc",
	"run_doc_method": "docs",
	"frappe.handler.run_doc_method": "docs",
}
AGGREGATES = ("count", "sum", "avg", "min", "max")
# a column: [table.]field, each part bare or in backquotes; `tabDoc Type` may hold spaces
_PART = r"(?:`[^`]+`|\w+)"
COLUMN = re.compile(rf"^(?:(?P<table>{_PART})\s*\.\s*)?(?P<field>`\w+`|\w+|\*)$")
ALIAS = re.compile(r"^(?P<expr>.+?)\s+as\s+(?P<alias>\w+|'[\w :.-]+'|\"[\w :.-]+\"|`[\w :.-]+`)$", re.I)
AGGREGATE = re.compile(
	rf"^(?P<function>{'|'.join(AGGREGATES)})\s*\(\s*(?P<distinct>distinct\s+)?(?P<column>[^()]+?)\s*\)$", re.I
)
ORDER = re.compile(r"^(?P<column>.+?)(?:\s+(?P<direction>asc|desc))?$", re.I | re.S)


def check_request() -> None:
	"""before_request, for this app's doctypes and methods: what Frappe parses or writes into SQL before any
	of the app's code runs: JSON arguments, the fields, filters, order and grouping of a list query (a
	subquery in an order_by runs in Frappe's list query), the values of Link fields in a document."""
	compat.refuse_malformed_json_bodies(refuse_malformed_body)
	check_resource_body()
	doctype, method = request_target()
	form = frappe.local.form_dict
	if DOCUMENT_ARGUMENTS.get(method):
		check_document_argument(form.get(DOCUMENT_ARGUMENTS[method]), DOCUMENT_ARGUMENTS[method])
	meta = app_meta(doctype)
	if not meta and not (method or "").startswith("crm_app."):
		return
	for argument in ("filters", "or_filters"):
		if form.get(argument) not in (None, ""):
			# a link search's own query reads its filters as it likes
			fields_of = None if form.get("query") else meta
			check_filters(form[argument], fields_of, argument, may_be_name=method in NAME_OR_FILTERS)
	if not meta:
		return
	if form.get("fields") not in (None, ""):
		check_fields_argument(form["fields"], meta)
	for argument in ("order_by", "group_by"):
		if form.get(argument) not in (None, ""):
			check_order(form[argument], meta, argument, aggregate=bool(form.get("aggregate_function")))
	if method == "frappe.client.set_value":
		values = form.get("fieldname")
		if isinstance(values, str) and values.strip().startswith("{"):
			values = json_argument(values, "fieldname")
		if not isinstance(values, dict):
			values = {values: form.get("value")} if isinstance(values, str) else {}
		check_links(meta, values)


def request_target() -> tuple[str | None, str | None]:
	"""The doctype a request reads or writes (from a REST path or a `doctype` argument) and the method it
	calls, if any."""
	request, form = frappe.local.request, frappe.local.form_dict
	parts = [part for part in request.path.split("/") if part]
	if parts[1:2] in (["v1"], ["v2"]):
		parts.pop(1)
	method = form.get("cmd") if isinstance(form.get("cmd"), str) else None
	doctype = None
	if parts[:1] == ["api"] and len(parts) > 2:
		if parts[1] in ("resource", "document"):
			doctype = parts[2]
		elif parts[1] == "method":
			method = parts[-1] if len(parts) == 3 else None
			doctype = parts[2] if len(parts) == 4 else None  # v2: /api/v2/method/<doctype>/<method>
	if doctype is None:
		doctype = next((form[key] for key in ("doctype", "dt") if isinstance(form.get(key), str)), None)
	return doctype, method


def app_meta(doctype: str | None):
	"""The meta of one of this app's doctypes, None for any other."""
	if not doctype or not frappe.db.exists("DocType", doctype, cache=True):
		return None
	meta = frappe.get_meta(doctype)
	return meta if meta.module in app_modules() else None


def json_argument(value, argument: str):
	try:
		return json.loads(value)
	except ValueError:
		frappe.throw(_("{0} is not valid JSON").format(argument), InvalidQueryError)


def check_filters(value, meta, argument: str, may_be_name: bool = False) -> None:
	"""Filters as Frappe reads them: a JSON object {field: value or [operator, value]} or a list of
	[field, operator, value] / [doctype, field, operator, value]; never a text (Frappe puts a text condition
	into the SQL as it is), fields of the doctype or its tables, single values where one is expected."""
	if isinstance(value, str):
		if may_be_name and not value.strip().startswith(("[", "{")):
			return
		value = json_argument(value, argument)
	if value is None:
		return
	if isinstance(value, dict):
		conditions = [
			[field, *(condition if isinstance(condition, list) else ["=", condition])]
			for field, condition in value.items()
		]
	elif isinstance(value, list):
		conditions = value
	else:
		frappe.throw(
			_("{0} must be a JSON object or a list of conditions").format(argument), InvalidQueryError
		)
	for condition in conditions:
		if isinstance(condition, dict):
			check_filters(condition, meta, argument)
			continue
		if not isinstance(condition, list) or not 3 <= len(condition) <= 5:
			frappe.throw(
				_("{0}: each condition must be [field, operator, value], not {1}").format(
					argument, _shown(json.dumps(condition))
				),
				InvalidQueryError,
			)
		table, field, operator, operand = [None, *condition] if len(condition) == 3 else condition[:4]
		if not meta:  # an app method's filters: plain field names (the method checks the rest)
			if not isinstance(field, str) or not re.fullmatch(r"\w+", field):
				frappe.throw(_("{0}: unknown field {1}").format(argument, _shown(field)), InvalidQueryError)
			continue
		df = column_of(meta, table, field, argument)
		check_operand(df, operator, operand, argument)


# operators whose value may be a list
LIST_OPERATORS = {"in", "not in", "between", "timespan", "is"}


def check_operand(df, operator, operand, argument: str) -> None:
	if not isinstance(operator, str):
		frappe.throw(_("{0}: the operator must be a text").format(argument), InvalidQueryError)
	as_list = isinstance(operand, list) and operator.strip().lower() in LIST_OPERATORS
	values = operand if as_list else [operand]
	if any(isinstance(v, (list, dict)) for v in values):
		label = _(df.label or df.fieldname) if df else argument
		frappe.throw(
			_("{0} must be a single value, not a list or an object").format(label), NotASingleValueError
		)


def column_of(meta, table, field, argument: str):
	"""The field of `meta` (or of one of its child tables, named as `tabChild` or by the table field) that
	a query names; a translated InvalidQueryError for anything else. Returns its docfield (None for a
	standard column)."""
	if not isinstance(field, str) or (table is not None and not isinstance(table, str)):
		frappe.throw(_("{0}: unknown field {1}").format(argument, _shown(field)), InvalidQueryError)
	target = meta
	if table:
		table = table.strip().strip("`")
		doctype = table[3:] if table.startswith("tab") else table
		children = {df.options: df.options for df in meta.get_table_fields()}
		children.update({df.fieldname: df.options for df in meta.get_table_fields()})
		# Frappe's `link_field.field`: a field of the linked record (the list view asks so for link titles)
		children.update({df.fieldname: df.options for df in meta.get_link_fields() if df.fieldtype == "Link"})
		if doctype != meta.name and doctype not in children:
			frappe.throw(
				_("{0}: {1} is neither {2} nor one of its tables").format(
					argument, _shown(table), _(meta.name)
				),
				InvalidQueryError,
			)
		if doctype != meta.name:
			target = frappe.get_meta(children[doctype])
	field = field.strip().strip("`")
	if field in query_columns(target):
		return target.get_field(field)
	frappe.throw(
		_("{0}: {1} is not a field of {2}").format(argument, _shown(field), _(target.name)), InvalidQueryError
	)


def query_columns(meta) -> set[str]:
	from frappe.model import child_table_fields, default_fields, optional_fields

	columns = set(default_fields) | set(optional_fields) | set(meta.get_valid_columns())
	if meta.istable:
		columns |= set(child_table_fields)
	return columns | {df.fieldname for df in meta.fields if df.get("is_virtual")}


def check_fields_argument(value, meta) -> None:
	"""The columns of a list query, as a JSON list (Frappe parses it as JSON, a 500 otherwise): fields of
	the doctype or its tables, each maybe under an alias, or a plain aggregate (count, sum, avg, min,
	max) of one."""
	if isinstance(value, str):
		value = json_argument(value, "fields")
	if not isinstance(value, list):
		frappe.throw(_("fields must be a JSON list of fields"), InvalidQueryError)
	for item in value:
		if isinstance(item, dict):  # v16: {table field: [its fields]}
			for table, fields in item.items():
				for field in fields if isinstance(fields, list) else [fields]:
					column_of(meta, table, field, "fields")
			continue
		if not isinstance(item, str):
			frappe.throw(_("fields must be a JSON list of fields"), InvalidQueryError)
		expression = item.strip()
		alias = ALIAS.match(expression)
		if alias:
			expression = alias["expr"].strip()
		aggregate = AGGREGATE.match(expression)
		if aggregate:
			expression = aggregate["column"]
		# `*` alone or count(*), not sum(*) nor count(distinct *)
		star = not aggregate or (aggregate["function"].lower() == "count" and not aggregate["distinct"])
		check_column(expression, meta, "fields", star=star)


def check_column(expression: str, meta, argument: str, star: bool = False):
	column = COLUMN.match(expression.strip())
	if not column or (column["field"] == "*" and not star):
		not_a_field(expression, argument)
	if column["field"] == "*":
		return column_of(meta, column["table"], "name", argument) if column["table"] else None
	return column_of(meta, column["table"], column["field"], argument)


def not_a_field(expression: str, argument: str):
	frappe.throw(
		_("{0}: {1} is not a field (subqueries, functions and SQL are not accepted)").format(
			argument, _shown(expression)
		),
		InvalidQueryError,
	)


def check_order(value, meta, argument: str, aggregate: bool = False) -> None:
	"""order_by: `[table.]field [asc|desc]`, comma separated; group_by: `[table.]field`, comma separated;
	fields of the doctype or of its tables (as the desk's list and report views send them)."""
	if not isinstance(value, str):
		frappe.throw(_("{0} must be a text").format(argument), InvalidQueryError)
	for part in value.split(","):
		order = ORDER.match(part.strip())
		column = order["column"].strip() if order else part
		if not order or (order["direction"] and argument != "order_by"):
			not_a_field(part, argument)
		if aggregate and column.strip("`") == "_aggregate_column":
			continue  # the report view's group-by column, which Frappe adds itself
		check_column(column, meta, argument)


def check_document_argument(value, argument: str) -> None:
	"""A document sent to Frappe's save, insert and document-method calls: JSON (whatever its doctype:
	Frappe answers a 500 otherwise), with single values in the Link fields of the app's doctypes."""
	if value is None:
		return
	if isinstance(value, str):
		try:
			value = json.loads(value)
		except ValueError:
			frappe.throw(_("{0} is not valid JSON").format(argument), InvalidBodyError)
	for doc in value if isinstance(value, list) else [value]:
		if not isinstance(doc, dict):
			frappe.throw(_("{0} must be a JSON object (field: value)").format(argument), InvalidBodyError)
		meta = app_meta(doc.get("doctype") if isinstance(doc.get("doctype"), str) else None)
		if meta:
			check_links(meta, doc)


def check_links(meta, values: dict) -> None:
	"""Link and Dynamic Link values, of a document and of its rows, must be single values: Frappe looks
	them up and counts them (a dict key) before any document event, and a list or an object is a 500."""
	for df in meta.fields:
		value = values.get(df.fieldname)
		if df.fieldtype in ("Link", "Dynamic Link") and isinstance(value, (list, dict)):
			frappe.throw(
				_("{0} must be a single value, not a list or an object").format(_(df.label or df.fieldname)),
				NotASingleValueError,
			)
		if df.fieldtype in table_fields and isinstance(value, list):
			child = frappe.get_meta(df.options)
			for row in value:
				if isinstance(row, dict):
					check_links(child, row)


def refuse_malformed_body(request) -> None:
	"""For compat.refuse_malformed_json_bodies: a JSON body Frappe could not parse."""
	if "json" in (request.content_type or ""):
		frappe.throw(_("The request body is not valid JSON"), MalformedBodyError)


def check_resource_body() -> None:
	"""The body of a REST write (POST/PUT /api/resource/<doctype>) on this app's doctypes must be a JSON
	object whose tables are lists of objects, with single values in its Link fields. Frappe builds the
	document from it before any document event runs, and crashes (500) on a list body or a text where a
	table goes."""
	request = frappe.local.request
	parts = request.path.strip("/").split("/")
	if parts[1:2] in (["v1"], ["v2"]):
		parts.pop(1)  # /api/v1/resource, /api/v2/document (Frappe v15 and v16)
	if request.method not in ("POST", "PUT") or len(parts) < 3 or parts[0] != "api":
		return
	if parts[1] not in ("resource", "document"):
		return
	meta = app_meta(parts[2])
	if not meta:
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
	check_links(meta, body)


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
