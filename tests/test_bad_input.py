"""Bad input gets a clear, translated 4xx, never a 5xx: on every doctype of the app (REST POST and PUT)
and every whitelisted function and document method of the app (found by importing all its modules), over
real HTTP; and each rule of crm_app.input_checks and crm_app.arguments on its own, without HTTP.

The HTTP catalogue is built from the metadata: for each doctype, a value just past each column's size,
1e20 and a non-number in each number, bad dates, an object in a single-value field, an empty body, a
mandatory field emptied; for each method, no arguments, an unknown one, each required one left out or
empty, each of the wrong type, each named record unknown; and the cases testers found by hand. A
whitelisted method without cases fails test_every_whitelisted_method_has_catalogue_entries. The requests
go PARALLEL at a time, over as many sessions.
"""

import importlib
import inspect
import json
import pkgutil
import threading
import typing
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor

import frappe
import pytest
import requests
from frappe.model import table_fields
from frappe.utils import cint
from frappe.utils.nestedset import get_root_of

import crm_app
from crm_app import arguments, input_checks
from crm_app.api import customer as customer_api
from crm_app.api import receivables as receivables_api
from crm_app.customers.group_changes import InvalidGroupChangeError, preview_group_change
from crm_app.input_checks import (
	InvalidDateError,
	MissingValueError,
	NotANumberError,
	NotASingleValueError,
	ValueOutOfRangeError,
	ValueTooLongError,
	check_document,
)
from crm_app.receivables import statistics
from crm_app.sales_targets import variance
from tests.conftest import ADMIN_PASSWORD
from tests.fixtures import make_company, make_customer, make_group_chain, make_payment_terms, make_price_list
from tests.receivables import adjustment, invoice, make_fiscal_year, make_item, payment, purge, purge_masters
from tests.trees import make_node, unique
from tests.users import http_session

# requests at once (the test server has 2 workers of 4 threads), each thread with its own session
PARALLEL = 8
TREE_FIELDS = {"lft", "rgt", "old_parent"}
# rows the app writes itself (ledger, summaries, counted actuals): no record of ours to change over PUT
SYSTEM_WRITTEN = {
	"Customer Ledger Entry",
	"Customer Ledger Summary",
	"Sales Target Actual",
	"Customer Segment Member",
	"Customer Segment Log",
	"Credit Control Decision",
	"Customer Membership History",
	"Customer Balance",
	"Customer Due Amount",
}
# a link too long is not found (Frappe looks links up before any document event), or refused as too long
LINK_ERRORS = {"LinkValidationError", "ValidationError", "ValueTooLongError"}
# what a named argument of the API names
NAMED = {
	"fiscal_year": "Fiscal Year",
	"customer_group": "Customer Group",
	"parent_customer_group": "Customer Group",
	"customer": "Customer",
	"company": "Company",
	"currency": "Currency",
	"sales_target": "Sales Target",
	"territory": "Territory",
	"item_code": "Item",
	"price_list": "Price List",
	"source_name": "Lead",
	"segment": "Customer Segment",
	"customer_segment": "Customer Segment",
	"mailing": "Customer Mailing",
	"customer_import": "Customer Import",
	"sales_order": "Sales Order",
	"quotation": "Quotation",
	"opportunity": "Opportunity",
}


def app_doctypes() -> list[str]:
	modules = frappe.get_module_list("crm_app")
	return frappe.get_all(
		"DocType",
		filters={"module": ("in", modules), "istable": 0, "issingle": 0},
		pluck="name",
		order_by="name",
	)


def app_whitelisted() -> list[tuple[str, object]]:
	"""Every function and document method of the app that Frappe lets a client call, found by importing
	every module of the app (tests and patches aside)."""
	for module in pkgutil.walk_packages(crm_app.__path__, "crm_app."):
		leaf = module.name.rsplit(".", 1)[-1]
		if not (leaf.startswith("test_") or ".patches." in module.name):
			importlib.import_module(module.name)
	return sorted(
		{
			(f"{fn.__module__}.{fn.__qualname__}", fn)
			for fn in frappe.whitelisted
			if fn.__module__.startswith("crm_app.")
		},
		key=lambda item: item[0],
	)


def whitelisted_methods() -> list[tuple[str, object]]:
	"""The functions among them, called as /api/method/<module>.<function>."""
	return [(path, fn) for path, fn in app_whitelisted() if "." not in fn.__qualname__]


def document_methods() -> list[tuple[str, object]]:
	"""The document methods among them, called through run_doc_method."""
	return [(path, fn) for path, fn in app_whitelisted() if "." in fn.__qualname__]


# ---------------------------------------------------------------------------------------------------
# the records the catalogue writes to and names (committed: the HTTP server reads them), removed after


@pytest.fixture(scope="module")
def records():
	frappe.set_user("Administrator")
	made: dict[str, str] = {}
	extra: list[tuple[str, str]] = []
	try:
		company = make_company()
		made["Company"] = company.name
		made["Account"] = company.receivable
		made["Fiscal Year"] = make_fiscal_year("2047-01-01", "2047-12-31")  # a year no other test uses
		made["Customer Group"] = make_group_chain(1)[0]
		made["Territory"] = make_node("Territory", unique("Land"), get_root_of("Territory")).name
		made["Customer"] = make_customer(made["Customer Group"], territory=made["Territory"]).name
		made["Item"] = make_item()
		made["Item Group"] = frappe.db.get_value("Item", made["Item"], "item_group")
		made["Price List"] = make_price_list()
		made["Item Price"] = (
			frappe.get_doc(
				{
					"doctype": "Item Price",
					"item_code": made["Item"],
					"price_list": made["Price List"],
					"price_list_rate": 10,
				}
			)
			.insert()
			.name
		)
		made["Payment Terms Template"] = make_payment_terms()
		made["Sales Target"] = make_node(
			"Sales Target",
			unique("Target"),
			get_root_of("Sales Target"),
			target_qty=1,
			fiscal_year=made["Fiscal Year"],
		).name
		made["Sales Person"] = make_node("Sales Person", unique("Seller"), get_root_of("Sales Person")).name
		made["Lead"] = frappe.get_doc({"doctype": "Lead", "lead_name": unique("Lead")}).insert().name
		made["Bank Account"] = (
			frappe.get_doc({"doctype": "Bank Account", "account_name": unique("Bank"), "bank": "B"})
			.insert()
			.name
		)
		made["Sales Invoice"] = invoice(made["Customer"], company.name, made["Item"], submit=False).name
		made["Payment Entry"] = payment(made["Customer"], company.name, 10, submit=False).name
		made["Customer Adjustment"] = adjustment(
			made["Customer"], company.name, "Adjustment", 10, submit=False
		).name
		selling = {"company": company.name, "items": [{"item_code": made["Item"], "qty": 1, "rate": 10}]}
		made["Opportunity"] = (
			frappe.get_doc(
				{
					"doctype": "Opportunity",
					"opportunity_from": "Customer",
					"party_name": made["Customer"],
					"company": company.name,
				}
			)
			.insert()
			.name
		)
		made["Quotation"] = (
			frappe.get_doc(
				{
					"doctype": "Quotation",
					"quotation_to": "Customer",
					"party_name": made["Customer"],
					**selling,
				}
			)
			.insert()
			.name
		)
		made["Sales Order"] = (
			frappe.get_doc({"doctype": "Sales Order", "customer": made["Customer"], **selling}).insert().name
		)
		upload = frappe.get_doc(
			{"doctype": "File", "file_name": f"{unique('import')}.csv", "content": "Customer Name\nX\n"}
		).insert()
		extra.append(("File", upload.name))
		made["Customer Import"] = (
			frappe.get_doc({"doctype": "Customer Import", "import_file": upload.file_url}).insert().name
		)
		made["Customer Segment"] = (
			frappe.get_doc(
				{"doctype": "Customer Segment", "segment_name": unique("Segment"), "auto_update": 0}
			)
			.insert()
			.name
		)
		made["Customer Mailing"] = (
			frappe.get_doc(
				{
					"doctype": "Customer Mailing",
					"title": unique("Mailing"),
					"mailing_type": "Email",
					"customer_segment": made["Customer Segment"],
					"subject": "Hello",
					"message": "Hello {{ customer.customer_name }}",
				}
			)
			.insert()
			.name
		)
		# projects
		made["Project"] = (
			frappe.get_doc(
				{
					"doctype": "Project",
					"project_name": unique("Project"),
					"company": company.name,
					"customer": made["Customer"],
				}
			)
			.insert()
			.name
		)
		made["Task"] = (
			frappe.get_doc({"doctype": "Task", "subject": unique("Task"), "project": made["Project"]})
			.insert()
			.name
		)
		made["Timesheet"] = (
			frappe.get_doc(
				{
					"doctype": "Timesheet",
					"company": company.name,
					"time_logs": [{"project": made["Project"], "task": made["Task"], "hours": 1}],
				}
			)
			.insert()
			.name
		)
		# refused to all (403) unless CRM Settings allow them: allowed, so each bad value meets its own rule
		frappe.db.set_single_value("CRM Settings", "allow_statistics_adjustment", 1)
		made["Customer Statistics Adjustment"] = (
			frappe.get_doc(
				{
					"doctype": "Customer Statistics Adjustment",
					"customer_group": made["Customer Group"],
					"company": company.name,
					"fiscal_year": made["Fiscal Year"],
					"period": 1,
					"movement_type": "Invoice",
					"amount": 10,
					"reason": "Bad input",
				}
			)
			.insert()
			.name
		)
		for doctype in app_doctypes():
			if doctype in made or doctype in SYSTEM_WRITTEN:
				continue
			autoname = frappe.get_meta(doctype).autoname or ""
			assert autoname.startswith("field:"), f"add a PUT target for {doctype}"
			made[doctype] = (
				frappe.get_doc({"doctype": doctype, autoname[len("field:") :]: unique(doctype)}).insert().name
			)
		frappe.db.commit()
		yield frappe._dict(made, extra=extra)
	finally:
		frappe.db.rollback()
		frappe.set_user("Administrator")
		remove_records(made, extra)
		frappe.db.set_single_value("CRM Settings", "allow_statistics_adjustment", 0)
		frappe.db.commit()


def remove_records(made: dict, extra: list) -> None:
	"""Each step on its own, so one that fails leaves the others done."""
	steps = [(frappe.delete_doc, (doctype, name)) for doctype, name in extra]
	steps += [
		(purge, (d, [made[d]]))
		for d in ("Sales Invoice", "Payment Entry", "Customer Adjustment")
		if d in made
	]
	masters = ("Company", "Account", "Item", "Item Group", "Customer Group", "Fiscal Year")
	steps += [
		(frappe.delete_doc, (doctype, name))
		for doctype, name in reversed(made.items())
		if doctype not in masters and doctype not in ("Sales Invoice", "Payment Entry", "Customer Adjustment")
	]
	steps.append(
		(
			purge_masters,
			(
				(),
				[made[d] for d in ["Customer Group"] if d in made],
				[made[d] for d in ["Item"] if d in made],
				[made[d] for d in ["Company"] if d in made],
			),
		)
	)
	steps.append((frappe.db.delete, ("Fiscal Year", {"name": made.get("Fiscal Year") or "-"})))
	for step, args in steps:
		try:
			if step is frappe.delete_doc:
				step(*args, force=True, ignore_missing=True)
			else:
				step(*args)
			frappe.db.commit()
		except Exception as e:
			frappe.db.rollback()
			print(f"cleanup: {step.__name__}{args[:2]} failed: {e!r}")


# ---------------------------------------------------------------------------------------------------
# the catalogue


class Case(frappe._dict):
	"""One request: method, path, requests keyword arguments, the exc_types accepted (any when empty)."""


def case(label, method, path, expected=(), filled_by_app=None, **kwargs) -> Case:
	return Case(
		label=label,
		method=method,
		path=path,
		expected=set(expected),
		filled_by_app=filled_by_app,
		kwargs=kwargs,
	)


def bad_values(df) -> list[tuple[str, object, set[str]]]:
	"""Values the column of `df` cannot hold, each with the exc_types it may answer."""
	column, size = frappe.db.type_map[df.fieldtype]
	link = df.fieldtype in ("Link", "Dynamic Link")
	if column == "varchar":
		limit = cint(df.get("length")) or cint(size)
		values = [("too long", "é" * (limit + 1), LINK_ERRORS if link else {"ValueTooLongError"})]
		if not link:
			values.append(("an object", {"a": 1}, {"NotASingleValueError"}))
		return values
	if column == "text":
		return [("too long", "x" * 65536, {"ValueTooLongError"})]
	if column == "decimal":
		return [
			("1e20", 1e20, {"ValueOutOfRangeError"}),
			("not a number", "12abc", {"NotANumberError"}),
		]
	if column in ("int", "bigint"):
		values = [("not a number", "abc", {"NotANumberError"})]
		if df.fieldtype != "Check":
			values.append(("overflow", "1e20", {"ValueOutOfRangeError"}))
		return values
	if column == "date":
		return [
			("2024-13-45", "2024-13-45", {"InvalidDateError"}),
			("garbage", "garbage", {"InvalidDateError"}),
		]
	if column == "datetime":
		return [
			("garbage", "garbage", {"InvalidDateError"}),
			("Feb 30", "2024-02-30 10:00", {"InvalidDateError"}),
		]
	if column == "time":
		return [("25:99", "25:99", {"InvalidDateError"})]
	return []


def columns(doctype: str):
	for df in frappe.get_meta(doctype).fields:
		if (
			df.fieldtype in frappe.db.type_map
			and df.fieldtype not in table_fields
			and not df.get("is_virtual")
		):
			yield df


def doctype_cases(records) -> list[Case]:
	cases = []
	for doctype in app_doctypes():
		meta = frappe.get_meta(doctype)
		resource = f"/api/resource/{doctype}"
		system_written = doctype in SYSTEM_WRITTEN  # refused to all (403) whatever the values
		if any(df.reqd and not df.default and df.fieldname != "naming_series" for df in meta.fields):
			cases.append(case(f"POST {doctype}: empty body", "POST", resource, json={}))
			cases.append(
				case(f"POST {doctype}: malformed JSON as form data", "POST", resource, data={"data": "{not"})
			)
		cases.append(
			case(
				f"POST {doctype}: a list body",
				"POST",
				resource,
				{"ValidationError", "InvalidBodyError"},
				data="[1, 2]",
				headers={"Content-Type": "text/plain"},
			)
		)
		for table in meta.get_table_fields():
			cases.append(
				case(
					f"POST {doctype}: {table.fieldname} as text",
					"POST",
					resource,
					{"InvalidBodyError"},
					json={table.fieldname: "rows"},
				)
			)
			for df in columns(table.options):
				for what, value, expected in bad_values(df):
					cases.append(
						case(
							f"POST {doctype}: {table.fieldname}.{df.fieldname} {what}",
							"POST",
							resource,
							() if system_written else expected,
							json={table.fieldname: [{df.fieldname: value}]},
						)
					)
		target = records.get(doctype)
		for df in columns(doctype):
			for what, value, expected in bad_values(df):
				cases.append(
					case(
						f"POST {doctype}: {df.fieldname} {what}",
						"POST",
						resource,
						() if system_written else expected,
						json={df.fieldname: value},
					)
				)
				# a fetched field is taken again from its link before any check (harmless, not refused)
				if target and df.fieldname not in TREE_FIELDS and not df.fetch_from:
					cases.append(
						case(
							f"PUT {doctype}: {df.fieldname} {what}",
							"PUT",
							f"{resource}/{target}",
							expected,
							json={df.fieldname: value},
						)
					)
			if target and df.reqd and df.fieldname not in TREE_FIELDS:
				cases.append(
					case(
						f"PUT {doctype}: mandatory {df.fieldname} emptied",
						"PUT",
						f"{resource}/{target}",
						json={df.fieldname: None},
						filled_by_app=df.fieldname,
					)
				)
	return cases


def valid_arguments(records) -> dict:
	return {
		"fiscal_year": records["Fiscal Year"],
		"customer_group": records["Customer Group"],
		"parent_customer_group": get_root_of("Customer Group"),
		"customer": records["Customer"],
		"customers": json.dumps([records["Customer"]]),
		"company": records["Company"],
		"currency": "EUR",
		"sales_target": records["Sales Target"],
		"territory": records["Territory"],
		"item_code": records["Item"],
		"price_list": records["Price List"],
		"source_name": records["Lead"],
		"changes": json.dumps({"default_price_list": records["Price List"]}),
		# the quick entry's customer (every case of it is refused before anything is saved)
		"doc": json.dumps(
			{"customer_name": "_Test bad input entry", "customer_group": records["Customer Group"]}
		),
		"doctype": "Customer Group",
		"from_date": "2026-01-01",
		"to_date": "2026-12-31",
		"period": "Monthly",
		"value": "amount",
		"grouping": "As Grouped Today",
		"segment": records["Customer Segment"],
		"mailing": records["Customer Mailing"],
		"customer_import": records["Customer Import"],
		"doctypes": json.dumps(["Customer Group"]),
		"file_format": "csv",
		"filters": json.dumps({}),
		"dry_run": 1,
		"chart_name": "Customers by Customer Group",
		# selling: drafts (each status action refuses them with a 4xx)
		"sales_order": records["Sales Order"],
		"quotation": records["Quotation"],
		"opportunity": records["Opportunity"],
		"status": "Lost",
		"reason": "Too expensive",
	}


def wrong_value(annotation):
	"""A JSON value the annotation does not accept (None when it accepts anything)."""
	if annotation is typing.Any or annotation is inspect.Parameter.empty:
		return None
	return [1, 2] if "dict" in str(annotation) else {"x": 1}


def method_cases(records) -> list[Case]:
	valid = valid_arguments(records)
	cases = []
	for path, fn in whitelisted_methods():
		params = inspect.signature(fn).parameters
		takes_any = any(p.kind == p.VAR_KEYWORD for p in params.values())
		names = [n for n, p in params.items() if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)]
		required = [n for n in names if params[n].default is inspect.Parameter.empty]
		http = "POST" if frappe.allowed_http_methods_for_whitelisted_func[fn] == ["POST"] else "GET"
		url = f"/api/method/{path}"
		full = {n: valid[n] for n in names if n in valid}

		def call(label, args, expected=(), as_json=False, http=http, url=url):
			if as_json:
				return case(f"{path}: {label}", "POST", url, expected, json=args)
			key = "data" if http == "POST" else "params"
			return case(f"{path}: {label}", http, url, expected, **{key: args})

		if http == "POST":
			cases.append(case(f"{path}: GET on a POST method", "GET", url, {"PermissionError"}, params=full))
		if not takes_any:
			cases.append(call("an unknown argument", {**full, "bogus": 1}, {"UnknownArgumentError"}))
		if required:
			cases.append(call("no arguments", {}, {"MissingArgumentError"}))
		for name in required:
			cases.append(
				call(
					f"{name} left out", {k: v for k, v in full.items() if k != name}, {"MissingArgumentError"}
				)
			)
			cases.append(call(f"{name} empty", {**full, name: ""}, {"MissingArgumentError"}))
			# Frappe's own type check comes first and refuses a null where a text is expected
			cases.append(
				call(
					f"{name} null",
					{**full, name: None},
					{"MissingArgumentError", "FrappeTypeError"},
					as_json=True,
				)
			)
		for name in names:
			wrong = wrong_value(params[name].annotation)
			# filters that are not filters are refused before Frappe's type check (the request guard)
			refusals = {"FrappeTypeError", "InvalidQueryError"} if name == "filters" else {"FrappeTypeError"}
			if wrong is not None:
				cases.append(call(f"{name} of the wrong type", {**full, name: wrong}, refusals, as_json=True))
			if name in NAMED:
				cases.append(
					call(f"{name} unknown", {**full, name: "_Test no such record"}, {"DoesNotExistError"})
				)
	return cases


def hand_written_cases(records) -> list[Case]:
	valid = valid_arguments(records)
	customer, fiscal_year = records["Customer"], records["Fiscal Year"]
	api = "/api/method/crm_app.api"
	cases = [
		case(
			"customers: malformed JSON",
			"GET",
			f"{api}.customer.get_effective_defaults",
			{"MalformedJSONError"},
			params={"customers": '["a", '},
		),
		case(
			"customers: an object",
			"GET",
			f"{api}.customer.get_effective_defaults",
			{"InvalidArgumentError"},
			params={"customers": '{"a": 1}'},
		),
		case(
			"customers: null",
			"GET",
			f"{api}.customer.get_effective_defaults",
			{"InvalidArgumentError"},
			params={"customers": "null"},
		),
		case(
			"customers: a list of numbers",
			"GET",
			f"{api}.customer.get_effective_defaults",
			{"InvalidArgumentError"},
			params={"customers": "[1, 2]"},
		),
		case(
			"customers: a list of numbers (JSON)",
			"POST",
			f"{api}.customer.get_effective_defaults",
			{"FrappeTypeError"},
			json={"customers": [1, 2]},
		),
		case(
			"customers: unknown",
			"GET",
			f"{api}.customer.get_effective_defaults",
			{"DoesNotExistError"},
			params={"customers": '["_Test none"]'},
		),
		case(
			"get_effective_defaults: 2 MB customer",
			"POST",
			f"{api}.customer.get_effective_defaults",
			{"DoesNotExistError"},
			json={"customers": ["x" * 2_000_000]},
		),
		case(
			"get_statistics: 2 MB fiscal year",
			"POST",
			f"{api}.receivables.get_statistics",
			{"DoesNotExistError"},
			json={"fiscal_year": "x" * 2_000_000, "customer_group": valid["customer_group"]},
		),
		case(
			"get_statistics: neither group nor customer",
			"GET",
			f"{api}.receivables.get_statistics",
			{"ValidationError"},
			params={"fiscal_year": fiscal_year},
		),
		case(
			"get_statistics: root group, unknown year",
			"GET",
			f"{api}.receivables.get_statistics",
			{"DoesNotExistError"},
			params={"fiscal_year": "nope", "customer_group": get_root_of("Customer Group")},
		),
		case(
			"get_statistics: customer, unknown year",
			"GET",
			f"{api}.receivables.get_statistics",
			{"DoesNotExistError"},
			params={"fiscal_year": "nope", "customer": customer},
		),
		case(
			"get_group_trends: unknown value",
			"GET",
			f"{api}.receivables.get_group_trends",
			{"InvalidMeasureError"},
			params={"fiscal_year": fiscal_year, "value": "volume"},
		),
		case(
			"get_statistics: unknown grouping",
			"GET",
			f"{api}.receivables.get_statistics",
			{"InvalidGroupingError"},
			params={
				"fiscal_year": fiscal_year,
				"customer_group": get_root_of("Customer Group"),
				"grouping": "x",
			},
		),
		case(
			"get_group_trends: unknown grouping",
			"GET",
			f"{api}.receivables.get_group_trends",
			{"InvalidGroupingError"},
			params={"fiscal_year": fiscal_year, "grouping": "Yesterday"},
		),
		case(
			"get_target_vs_actual: unknown grouping",
			"GET",
			f"{api}.sales_targets.get_target_vs_actual",
			{"InvalidGroupingError"},
			params={"fiscal_year": fiscal_year, "grouping": "Yesterday"},
		),
		case(
			"get_target_vs_actual: unknown period",
			"GET",
			f"{api}.sales_targets.get_target_vs_actual",
			{"InvalidPeriodError"},
			params={"fiscal_year": fiscal_year, "period": "Weekly"},
		),
		case(
			"get_target_vs_actual: unknown year, whole tree",
			"GET",
			f"{api}.sales_targets.get_target_vs_actual",
			{"DoesNotExistError"},
			params={"fiscal_year": "nope"},
		),
		case(
			"get_target_invoice_lines: 2024-13-45",
			"GET",
			f"{api}.sales_targets.get_target_invoice_lines",
			{"InvalidDateError"},
			params={**{k: valid[k] for k in ("sales_target", "to_date")}, "from_date": "2024-13-45"},
		),
		case(
			"get_target_invoice_lines: garbage date",
			"GET",
			f"{api}.sales_targets.get_target_invoice_lines",
			{"InvalidDateError"},
			params={**{k: valid[k] for k in ("sales_target", "from_date")}, "to_date": "garbage"},
		),
		case(
			"get_children: not a tree of the app",
			"GET",
			f"{api}.tree.get_children",
			{"ValidationError"},
			params={"doctype": "User"},
		),
		case(
			"get_national_account: not a head office",
			"GET",
			f"{api}.customer.get_national_account",
			{"NotAHeadOfficeError"},
			params={"customer": customer},
		),
	]
	group = valid["customer_group"]
	for method in ("preview_group_change", "apply_group_change"):
		url = f"{api}.customer.{method}"
		for label, changes, expected in (
			("malformed JSON", "{not json", "MalformedJSONError"),
			("a list", "[1]", "InvalidArgumentError"),
			("null", "null", "InvalidArgumentError"),
			("empty", "{}", "InvalidGroupChangeError"),
			("an unknown field", '{"no_such_field": 1}', "InvalidGroupChangeError"),
			("an object as value", json.dumps({"default_price_list": {"a": 1}}), "NotASingleValueError"),
			("a 2 MB value", json.dumps({"default_price_list": "x" * 2_000_000}), "ValueTooLongError"),
		):
			cases.append(
				case(
					f"{method}: changes {label}",
					"POST",
					url,
					{expected},
					data={"customer_group": group, "changes": changes},
				)
			)
	url = f"{api}.customer.apply_group_change"
	for label, customers, expected in (
		("malformed JSON", "[not json", "MalformedJSONError"),
		("an object", '{"a": 1}', "InvalidArgumentError"),
		("outside the group", '["_Test someone else"]', "InvalidGroupChangeError"),
	):
		cases.append(
			case(
				f"apply_group_change: customers {label}",
				"POST",
				url,
				{expected},
				data={"customer_group": group, "changes": valid["changes"], "customers": customers},
			)
		)

	# documents, by hand: the tester's cases
	cases += [
		case(
			"Customer without customer_name",
			"POST",
			"/api/resource/Customer",
			{"MissingValueError"},
			json={"customer_group": group},
		),
		case(
			"Customer, 2 MB text",
			"POST",
			"/api/resource/Customer",
			{"ValueTooLongError"},
			json={"customer_name": unique("C"), "customer_details": "x" * 2_000_000},
		),
		case(
			"Customer, credit limit 1e20",
			"POST",
			"/api/resource/Customer",
			{"ValueOutOfRangeError"},
			json={
				"customer_name": unique("C"),
				"credit_limits": [{"company": records["Company"], "credit_limit": 1e20}],
			},
		),
		case(
			"Customer, 2 MB customer_name",
			"POST",
			"/api/resource/Customer",
			{"ValueTooLongError"},
			json={"customer_name": "x" * 2_000_000},
		),
		case(
			"Customer Group, 2 MB name over PUT",
			"PUT",
			f"/api/resource/Customer Group/{group}",
			{"ValueTooLongError"},
			json={"customer_group_name": "x" * 2_000_000},
		),
		case(
			"Fiscal Year, 2024-13-45",
			"POST",
			"/api/resource/Fiscal Year",
			{"InvalidDateError"},
			json={"year": unique("FY"), "year_start_date": "2024-13-45", "year_end_date": "2024-12-31"},
		),
		case(
			"Sales Target, 1e20 target",
			"POST",
			"/api/resource/Sales Target",
			{"ValueOutOfRangeError"},
			json={
				"sales_target_name": unique("T"),
				"parent_sales_target": get_root_of("Sales Target"),
				"target_amount": 1e20,
				"fiscal_year": fiscal_year,
			},
		),
		case(
			"Company, no name",
			"POST",
			"/api/resource/Company",
			{"MissingValueError"},
			json={"default_currency": "EUR"},
		),
	]

	# reports whose filters name unknown records or bad values
	run = "/api/method/frappe.desk.query_report.run"
	for report, filters, expected in (
		("Customer Group Statistics", {"fiscal_year": "nope"}, "DoesNotExistError"),
		(
			"Customer Group Statistics",
			{"fiscal_year": fiscal_year, "customer_group": "nope"},
			"DoesNotExistError",
		),
		("Customer Group Statistics", {"fiscal_year": fiscal_year, "company": "nope"}, "DoesNotExistError"),
		("Customer Group Trends", {"fiscal_year": "nope"}, "DoesNotExistError"),
		(
			"Customer Group Trends",
			{"fiscal_year": fiscal_year, "parent_customer_group": "nope"},
			"DoesNotExistError",
		),
		("Customer Group Trends", {"fiscal_year": fiscal_year, "value": "volume"}, "InvalidMeasureError"),
		("Sales Target Variance", {"fiscal_year": "nope"}, "DoesNotExistError"),
		("Sales Target Variance", {"fiscal_year": fiscal_year, "sales_target": "nope"}, "DoesNotExistError"),
		("Sales Target Variance", {"fiscal_year": fiscal_year, "period": "Weekly"}, "InvalidPeriodError"),
		("Sales Target Variance", {"fiscal_year": fiscal_year, "grouping": "x"}, "InvalidGroupingError"),
		("Customer Group Statistics", {"fiscal_year": fiscal_year, "grouping": "x"}, "InvalidGroupingError"),
		("Customer Group Trends", {"fiscal_year": fiscal_year, "grouping": "x"}, "InvalidGroupingError"),
		("Sales Target Invoices", {}, "MandatoryError"),
		(
			"Sales Target Invoices",
			{"sales_target": "nope", "from_date": "2026-01-01", "to_date": "2026-12-31"},
			"DoesNotExistError",
		),
		(
			"Sales Target Invoices",
			{**{k: valid[k] for k in ("sales_target", "to_date")}, "from_date": "garbage"},
			"InvalidDateError",
		),
	):
		cases.append(
			case(
				f"report {report}: {filters}",
				"POST",
				run,
				{expected},
				data={"report_name": report, "filters": json.dumps(filters)},
			)
		)

	# document methods (run_doc_method): an unknown record, a document that is not JSON
	for path, fn in document_methods():
		doctype = frappe.unscrub(fn.__module__.rsplit(".", 1)[-1])
		method = fn.__name__
		link = next(df.fieldname for df in frappe.get_meta(doctype).fields if df.fieldtype == "Link")
		cases += [
			case(
				f"{path}: unknown record",
				"POST",
				"/api/method/run_doc_method",
				{"DoesNotExistError"},
				data={"dt": doctype, "dn": "_Test no such record", "method": method},
			),
			case(
				f"{path}: document not JSON",
				"POST",
				"/api/method/run_doc_method",
				{"InvalidBodyError"},
				data={"docs": "{not json", "method": method},
			),
			case(
				f"{path}: a list in a link of the document",
				"POST",
				"/api/method/run_doc_method",
				{"NotASingleValueError"},
				data={"docs": json.dumps({"doctype": doctype, "name": "x", link: ["a"]}), "method": method},
			),
		]
	return cases


def run_cases(server_url, cases, records) -> tuple[list[str], Counter]:
	"""The cases, PARALLEL at a time, each thread with a session of its own; the cases of one doctype or
	method in order, in one thread (their writes would otherwise wait on each other's locks)."""
	groups = defaultdict(list)
	for c in cases:
		groups[c.path.split("/")[3] if c.path.startswith("/api/resource/") else c.path].append(c)
	local = threading.local()

	def run_group(group):
		if not hasattr(local, "session"):
			local.session = login(server_url)
		return [run_case(local.session, server_url, c, records) for c in group]

	failures, tally = [], Counter()
	with ThreadPoolExecutor(PARALLEL) as pool:
		for outcomes in pool.map(run_group, sorted(groups.values(), key=len, reverse=True)):
			for status, failure in outcomes:
				tally[f"{status // 100}xx"] += 1
				if failure:
					failures.append(failure)
	return failures, tally


def login(server_url) -> requests.Session:
	return http_session(server_url, "Administrator", ADMIN_PASSWORD)


def run_case(session, server_url, c, records) -> tuple[int, str | None]:
	"""The status of the case's answer, and what is wrong with it if anything."""
	response = session.request(c.method, server_url + c.path, timeout=60, **c.kwargs)
	try:
		body = response.json()
	except ValueError:
		body = {}
	exc_type = body.get("exc_type") or (body.get("exception") or "").split(":")[0].rsplit(".", 1)[-1]
	status = response.status_code
	if c.filled_by_app and status == 200:
		# a mandatory field the app fills itself when left empty (a default, a computed value)
		if body["data"].get(c.filled_by_app) in (None, ""):
			return status, f"{c.label}: saved without the mandatory value"
		return status, None
	if status == 200 and c.method == "POST" and c.path.startswith("/api/resource/"):
		records.extra.append((body["data"]["doctype"], body["data"]["name"]))
	if not 400 <= status < 500:
		return status, f"{c.label}: {status} {exc_type} {(body.get('exception') or response.text)[:200]}"
	if c.expected and exc_type not in c.expected:
		return status, f"{c.label}: {status} {exc_type}, expected {sorted(c.expected)}: {_message(body)}"
	return status, None


def test_every_doctype_refuses_bad_values_with_a_4xx(records, server_url):
	cases = doctype_cases(records)
	failures, tally = run_cases(server_url, cases, records)
	endpoints = {(c.method, c.path) for c in cases}
	print(f"\ndoctypes: {len(cases)} requests on {len(endpoints)} endpoints: {dict(tally)}")
	assert len(app_doctypes()) >= 25 and len(cases) > 500
	assert failures == [], "\n".join(failures)


def test_every_method_refuses_bad_arguments_with_a_4xx(records, server_url):
	cases = method_cases(records) + hand_written_cases(records)
	failures, tally = run_cases(server_url, cases, records)
	endpoints = {(c.method, c.path) for c in cases}
	print(f"\nmethods: {len(cases)} requests on {len(endpoints)} endpoints: {dict(tally)}")
	assert len(whitelisted_methods()) >= 20
	assert failures == [], "\n".join(failures)


def test_every_whitelisted_method_has_catalogue_entries(records):
	"""A method added to the app without its bad-input cases fails here: each function needs a valid
	value for each of its arguments (valid_arguments) to build its cases from, each document method
	cases of its own in hand_written_cases."""
	valid = valid_arguments(records)
	covered = Counter(c.path for c in method_cases(records) + hand_written_cases(records))
	missing = []
	for path, fn in whitelisted_methods():
		params = inspect.signature(fn).parameters.values()
		no_value = [
			p.name
			for p in params
			if p.default is p.empty and p.kind == p.POSITIONAL_OR_KEYWORD and p.name not in valid
		]
		if no_value:
			missing.append(f"{path}: no valid value for {no_value} in valid_arguments")
		if not covered[f"/api/method/{path}"]:
			missing.append(f"{path}: no case")
	labels = " ".join(c.label for c in hand_written_cases(records))
	missing += [f"{path}: no case" for path, fn in document_methods() if path not in labels]
	assert len(app_whitelisted()) >= 20
	assert missing == [], "\n".join(missing)


def test_malformed_json_bodies(admin_session, server_url):
	"""Malformed JSON answers 4xx, whether the app reads it or Frappe does (a JSON body is parsed before
	any app code: crm_app.compat.refuse_malformed_json_bodies; its own tests in test_request_guard.py)."""
	resource = f"{server_url}/api/resource/Market Segment"
	for kwargs in (
		{"data": "{not json", "headers": {"Content-Type": "text/plain"}},
		{"data": {"data": "{not json"}},
		{"data": '"a text"', "headers": {"Content-Type": "text/plain"}},
	):
		response = admin_session.post(resource, **kwargs)
		assert 400 <= response.status_code < 500, response.text
	response = admin_session.post(
		f"{server_url}/api/method/crm_app.api.customer.preview_group_change",
		data={"customer_group": get_root_of("Customer Group"), "changes": "{not json"},
	)
	assert response.status_code == 417 and response.json()["exc_type"] == "MalformedJSONError"
	response = admin_session.post(resource, data="{not json", headers={"Content-Type": "application/json"})
	assert response.status_code == 400 and response.json()["exc_type"] == "MalformedBodyError"


def test_messages_are_translated_over_http(admin_session, server_url):
	response = admin_session.post(
		f"{server_url}/api/resource/Market Segment",
		data={"_lang": "fr", "data": json.dumps({"market_segment": "x" * 141})},
	)
	assert response.status_code == 417
	message = json.loads(json.loads(response.json()["_server_messages"])[0])["message"]
	assert "trop long" in message
	response = admin_session.get(
		f"{server_url}/api/method/crm_app.api.receivables.get_default_fiscal_year",
		params={"_lang": "fr", "bogus": 1},
	)
	assert response.status_code == 417
	assert "Arguments inconnus" in response.json()["_server_messages"]


# ---------------------------------------------------------------------------------------------------
# each rule on its own (no HTTP; rolled back)


def new(doctype, **fields):
	return frappe.get_doc({"doctype": doctype, **fields})


def test_a_value_longer_than_its_varchar_column_is_refused():
	check_document(new("Market Segment", market_segment="x" * 140))
	with pytest.raises(ValueTooLongError, match="Market Segment is too long: 141 characters, at most 140"):
		check_document(new("Market Segment", market_segment="x" * 141))


def test_a_text_column_counts_bytes():
	check_document(new("Customer", customer_name="c", customer_details="é" * 32000))  # 64,000 bytes
	with pytest.raises(ValueTooLongError, match="bytes"):
		check_document(new("Customer", customer_name="c", customer_details="é" * 33000))  # 66,000 bytes


def test_an_amount_out_of_decimal_21_9_is_refused_with_its_row():
	doc = new("Customer", customer_name="c", credit_limits=[{"credit_limit": 999_999_999_999.5}])
	check_document(doc)
	doc.credit_limits[0].credit_limit = 1e12
	with pytest.raises(ValueOutOfRangeError, match="Credit Limit in Credit Limit, row 1"):
		check_document(doc)
	doc.credit_limits[0].credit_limit = -1e20
	with pytest.raises(ValueOutOfRangeError):
		check_document(doc)


def test_an_int_beyond_its_column_is_refused():
	doc = new("Payment Terms Template", template_name="t", terms=[{"credit_days": 2**31 - 1}])
	check_document(doc)
	doc.terms[0].credit_days = 2**31
	with pytest.raises(ValueOutOfRangeError):
		check_document(doc)


def test_a_number_field_wants_a_number():
	doc = new("Customer", customer_name="c", credit_limits=[{"credit_limit": "1,000.50"}])
	check_document(doc)  # as Frappe's flt reads it
	for bad in ("12abc", "nan", "inf", "garbage"):
		doc.credit_limits[0].credit_limit = bad
		with pytest.raises(NotANumberError):
			check_document(doc)
	with pytest.raises(NotANumberError):
		check_document(new("Customer", customer_name="c", is_frozen="yes"))


def test_a_date_must_be_a_real_date():
	fields = {"year": "y", "year_end_date": "2024-12-31"}
	check_document(new("Fiscal Year", year_start_date="2024-02-29", **fields))
	check_document(new("Fiscal Year", year_start_date=frappe.utils.getdate("2024-01-01"), **fields))
	for bad in ("2024-13-45", "garbage", "2023-02-29", "5", "0000-00-00", "2024/01/01"):
		with pytest.raises(InvalidDateError, match="Year Start Date is not a valid date"):
			check_document(new("Fiscal Year", year_start_date=bad, **fields))


def test_datetimes_and_times_are_checked_too():
	column = frappe.db.type_map
	check_value = input_checks.check_value
	when = frappe._dict(fieldtype="Datetime")
	for good in ("2024-01-05 10:00:00", "2024-01-05T10:00:00.123456", "2024-01-05"):
		check_value(when, good, "When", column["Datetime"])
	for bad in ("garbage", "2024-01-05 25:00:00", "2024-02-30 10:00"):
		with pytest.raises(InvalidDateError):
			check_value(when, bad, "When", column["Datetime"])
	at = frappe._dict(fieldtype="Time")
	check_value(at, "10:30:00", "At", column["Time"])
	with pytest.raises(InvalidDateError):
		check_value(at, "10:99", "At", column["Time"])


def test_a_single_value_field_refuses_a_list_or_an_object():
	with pytest.raises(NotASingleValueError):
		check_document(new("Market Segment", market_segment={"a": 1}))
	with pytest.raises(NotASingleValueError):
		check_document(new("Customer", customer_name=["a", "b"]))


def test_a_new_document_name_must_fit_its_column():
	with pytest.raises(ValueTooLongError, match="ID"):
		check_document(new("Market Segment", name="x" * 141, market_segment="x"))


def test_the_fields_a_name_is_made_of_are_wanted_before_naming():
	# Customer: its controller names it from customer_name (an AttributeError without this check)
	with pytest.raises(MissingValueError, match="Customer Name is required"):
		new("Customer", customer_group=get_root_of("Customer Group")).insert()
	# Account: named by script from account_name and the company
	with pytest.raises(MissingValueError):
		new("Account", company=make_company().name).insert()
	with pytest.raises(MissingValueError, match="Market Segment is required"):
		new("Market Segment").insert()
	check_document(new("Lead"), at_insert=True)  # named by series: nothing wanted


def test_the_checks_run_as_document_events_of_the_app_only():
	with pytest.raises(ValueTooLongError):
		new("Market Segment", market_segment="x" * 141).insert()
	segment = new("Market Segment", market_segment=unique("Segment")).insert()
	segment.market_segment_description = "ok"
	segment.save()
	with pytest.raises(ValueTooLongError):
		frappe.get_doc("Customer Group", get_root_of("Customer Group")).update(
			{"customer_group_name": "x" * 141}
		).save()
	# a Frappe doctype is left to Frappe
	input_checks.on_document_event(new("ToDo", description="x", date="garbage"), "before_insert")


def test_what_validate_computes_is_checked_before_the_write():
	data = frappe._dict(company=make_company().name, group=make_group_chain(1)[0])
	customer = make_customer(data.group).name
	item = make_item()
	with pytest.raises(ValueOutOfRangeError, match=r"Net Total|Amount"):
		invoice(customer, data.company, item, rate=1e9, qty=1e6, submit=False)  # amount 1e15


def test_messages_are_in_french():
	frappe.local.lang = "fr"
	with pytest.raises(ValueTooLongError, match="trop long"):
		check_document(new("Market Segment", market_segment="x" * 141))


def test_whitelisted_methods_refuse_missing_arguments_when_called_directly():
	with pytest.raises(arguments.MissingArgumentError, match="fiscal_year"):
		receivables_api.get_statistics(customer_group=get_root_of("Customer Group"))
	with pytest.raises(arguments.MissingArgumentError, match="customers"):
		customer_api.get_effective_defaults(customers="")


def test_every_whitelisted_function_of_the_app_checks_its_arguments():
	for path, fn in whitelisted_methods():
		assert getattr(fn.__wrapped__, "__wrapped__", None), f"{path} lacks @strict_arguments"
		assert fn.__wrapped__.__wrapped__.__name__ == fn.__name__, path  # whitelist(strict_arguments(fn))
		params = inspect.signature(fn).parameters.values()
		untyped = [
			p.name for p in params if p.annotation is inspect.Parameter.empty and p.kind != p.VAR_KEYWORD
		]
		assert untyped == [], f"{path}: annotate {untyped} so Frappe checks their types"


def test_json_arguments_have_their_shape():
	assert arguments.name_list("A", "customers") == ["A"]
	assert arguments.name_list('["A", "B"]', "customers") == ["A", "B"]
	assert arguments.name_list(["A"], "customers") == ["A"]
	for bad in ("null", '{"a": 1}', "[1]", [None], {"a": 1}):
		with pytest.raises(arguments.InvalidArgumentError):
			arguments.name_list(bad, "customers")
	with pytest.raises(arguments.MalformedJSONError):
		arguments.name_list("[oops", "customers")
	assert arguments.json_object('{"a": 1}', "changes") == {"a": 1}
	assert arguments.json_object({"a": 1}, "changes") == {"a": 1}
	for bad in ("[1]", "null", None, ["a"], '"text"'):
		with pytest.raises(arguments.InvalidArgumentError):
			arguments.json_object(bad, "changes")
	with pytest.raises(arguments.MalformedJSONError):
		arguments.json_object("{oops", "changes")


def test_group_change_values_are_checked_before_the_preview_writes_them():
	group = make_group_chain(1)[0]
	with pytest.raises(NotASingleValueError):
		preview_group_change(group, {"default_price_list": {"a": 1}})
	with pytest.raises(ValueTooLongError):
		preview_group_change(group, {"default_price_list": "x" * 141})
	with pytest.raises(InvalidGroupChangeError):
		preview_group_change(group, {"no_such_field": 1})


def test_statistics_and_variance_refuse_unknown_records(records):
	fiscal_year = records["Fiscal Year"]
	for call in (
		lambda: statistics.fiscal_periods("_Test none"),
		lambda: statistics.group_statistics(get_root_of("Customer Group"), "_Test none"),
		lambda: statistics.group_statistics("_Test none", fiscal_year),
		lambda: statistics.customer_statistics("x", "_Test none"),
		lambda: statistics.group_trends(fiscal_year, "_Test none"),
		lambda: statistics.tree_statistics(None),
		lambda: variance.fiscal_months("_Test none"),
		lambda: variance.target_vs_actual("_Test none"),
		lambda: variance.target_vs_actual(fiscal_year, root="_Test none"),
	):
		with pytest.raises(frappe.DoesNotExistError):
			call()


def _message(body: dict) -> str:
	try:
		return json.loads(json.loads(body["_server_messages"])[0])["message"][:160]
	except (KeyError, ValueError, IndexError, TypeError):
		return (body.get("exception") or "")[:160]
