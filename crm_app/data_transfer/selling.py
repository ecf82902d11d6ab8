"""Opportunities, quotations and sales orders in the import: each document (its columns and its item rows,
`rows.document_rows`) is saved through its own insert, and submitted with `submit` (ERPNext's "Submit
After Import"), so the form's rules hold without being restated here: the customer's values in force
fill what the file leaves empty, the party's links, dates and quantities are checked, a frozen customer's
document is refused at submission, the credit control of an order runs in its before_submit, and the
importing user's permissions (a user limited to a territory) are those of a form save.

A document that exists (by its `ID`) is left as it is; with `update`, a draft gets the file's columns and
items, and a submitted document that the file would change is refused: only a draft is changed by an
import. A refused document is rolled back to its savepoint; the importer ends the transaction (all or
nothing unless `good_rows_only`). A dry run saves the documents as well and rolls everything back, so it
reports what the form would say."""

import json
from collections.abc import Callable

import frappe
from frappe import _
from frappe.utils import cint, flt, getdate, strip_html_tags

from crm_app.data_transfer.checks import ValueRules, existing
from crm_app.data_transfer.columns import SELLING_ORDER
from crm_app.data_transfer.rows import Report, Row

SAVEPOINT = "crm_import_selling"
# the field naming the customer of each document (a quotation's or an opportunity's party may be a lead)
CUSTOMER_FIELD = {"Sales Order": "customer", "Quotation": "party_name", "Opportunity": "party_name"}
PARTY_TYPE_FIELD = {"Quotation": "quotation_to", "Opportunity": "opportunity_from"}


def check_rows(doctype: str, rows: list[Row], value_rules: ValueRules) -> None:
	"""Each value converted and checked as for any row, items included; an ID given twice refused; the
	documents that exist found. What needs the document (required fields, links, the customer's values)
	is left to its own insert."""
	given = [row.values["name"] for row in rows if row.values.get("name")]
	stored = existing(doctype, set(given)) if given else set()
	seen = {}
	for row in rows:
		value_rules.check_values(row)
		for child in row.children:
			value_rules.check_values(child)
			table_field = child.values["parentfield"]
			child.errors = [(f"{table_field}.{column}", message) for column, message in child.errors]
		name = row.values.get("name")
		if name in seen:
			row.fail("name", _("{0} is already on line {1}").format(name, seen[name]))
		elif name:
			seen[name] = row.line
		row.name, row.exists = name, name in stored


def is_good(row: Row) -> bool:
	return not row.errors and not any(child.errors for child in row.children)


def write_documents(
	held: dict[str, list[Row]],
	report: Report,
	update: bool,
	submit: bool,
	new_in_file: Callable[[str], bool],
	progress=None,
) -> None:
	"""The good document rows of each selling doctype, in order; `new_in_file(customer)`: a customer the
	file makes and a dry run has not written (its documents cannot be saved before it)."""
	rows = [(doctype, row) for doctype in SELLING_ORDER for row in held.get(doctype, ()) if is_good(row)]
	for done, (doctype, row) in enumerate(rows, 1):
		customer = row.values.get(CUSTOMER_FIELD[doctype])
		is_customer = row.values.get(PARTY_TYPE_FIELD.get(doctype), "Customer") == "Customer"
		if report.dry_run and customer and is_customer and new_in_file(customer):
			report.warnings.append(
				{
					"sheet": row.sheet,
					"column": None,
					"message": _(
						"Line {0}: checked when imported, its customer {1} is new in this file"
					).format(row.line, customer),
				}
			)
		else:
			outcome = save(doctype, row, update, submit, report)
			if outcome and not report.dry_run:
				getattr(report, outcome)[doctype] += 1
		if progress:
			progress(done, len(rows), _(doctype))


def save(doctype: str, row: Row, update: bool, submit: bool, report: Report) -> str | None:
	"""Insert, update or leave the document; returns "created", "updated" or "unchanged", None when it is
	refused (the form's message in the report, what it wrote rolled back)."""
	messages = len(frappe.local.message_log)
	frappe.db.savepoint(SAVEPOINT)
	try:
		outcome = _save(doctype, row, update, submit)
	except (frappe.ValidationError, frappe.PermissionError) as error:
		frappe.db.rollback(save_point=SAVEPOINT)
		said = _messages(messages)
		# a refused permission says why in the response's error message, as Frappe answers it over REST
		message = str(error) or frappe.flags.pop("error_message", None) or (said[-1] if said else "")
		report.errors.append(
			{
				"sheet": row.sheet,
				"row": row.line,
				"column": None,
				"message": strip_html_tags(message or type(error).__name__),
			}
		)
		return None
	for message in _messages(messages):  # a credit warning or hold, as the form shows it
		report.warnings.append({"sheet": row.sheet, "column": None, "message": f"{row.line}: {message}"})
	return outcome


def _messages(since: int) -> list[str]:
	"""The messages the save gave the user, taken out of the response: the report carries them."""
	said = frappe.local.message_log[since:]
	del frappe.local.message_log[since:]
	texts = []
	for message in said:
		message = json.loads(message) if isinstance(message, str) else message
		texts.append(strip_html_tags(str(message.get("message", ""))))
	return texts


def _save(doctype: str, row: Row, update: bool, submit: bool) -> str:
	values = {key: value for key, value in row.values.items() if key != "name"}
	items = _items(row)
	if not row.exists:
		doc = frappe.get_doc({"doctype": doctype, **values, **items})
		doc.insert(set_name=row.name)
		if submit:
			doc.submit()
		return "created"
	if not update:
		return "unchanged"
	doc = frappe.get_doc(doctype, row.name)
	given = {key: value for key, value in values.items() if key not in row.defaulted}
	if not _differs(doc, given, items):
		if submit and doc.docstatus == 0:
			doc.submit()
			return "updated"
		return "unchanged"
	if doc.docstatus != 0:
		frappe.throw(
			_("{0} {1} is submitted: an import changes only a draft").format(_(doctype), row.name),
			frappe.ValidationError,
		)
	doc.update(given)
	for table_field, children in items.items():
		doc.set(table_field, children)
	doc.save()
	if submit:
		doc.submit()
	return "updated"


def _items(row: Row) -> dict[str, list[dict]]:
	"""The file's item rows by table field, each without what a new record's defaults alone gave it."""
	items = {}
	for child in row.children:
		values = {k: v for k, v in child.values.items() if k != "parentfield"}
		items.setdefault(child.values["parentfield"], []).append(values)
	return items


def _differs(doc, values: dict, items: dict[str, list[dict]]) -> bool:
	"""Whether the file's columns, or its items, differ from the stored document."""
	if any(not _same(doc, key, value) for key, value in values.items()):
		return True
	for table_field, children in items.items():
		stored = doc.get(table_field)
		if len(stored) != len(children):
			return True
		if any(
			not _same(d, k, v) for d, given in zip(stored, children, strict=True) for k, v in given.items()
		):
			return True
	return False


def _same(doc, fieldname: str, value) -> bool:
	df, stored = doc.meta.get_field(fieldname), doc.get(fieldname)
	if not df:
		return True  # not a field: the insert would ignore it too
	if df.fieldtype in ("Float", "Currency", "Percent", "Int"):
		return flt(stored) == flt(value)
	if df.fieldtype == "Check":
		return cint(stored) == cint(value)
	if df.fieldtype in ("Date", "Datetime") and stored and value:
		return str(stored) == str(value) or getdate(stored) == getdate(value)
	return str(stored or "") == str(value or "")
