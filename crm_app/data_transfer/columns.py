"""Which doctype a sheet holds and which field a column is: by ERPNext field name, or by label in English
or in French, so an ERPNext or Dokos export and a French user's spreadsheet both import unchanged."""

import re

import frappe
from frappe.model import no_value_fields, table_fields

from crm_app.trees import IMPORTED_TREES

# the doctypes the import writes, parents before what links to them
IMPORT_ORDER = IMPORTED_TREES
# Frappe's own documents linked to a customer: each row is saved as a document (after the customers)
DOCUMENT_ORDER = ["Contact", "Address"]
# selling documents, each with its item rows (ERPNext's Data Import shape): saved as documents through
# their own insert and submit, after the customers, an opportunity before the quotation that names it
SELLING_ORDER = ["Opportunity", "Quotation", "Sales Order"]
# records made one by one by their own domain function, after the customers: opening statistics
STATISTICS = "Customer Statistics Adjustment"
RECORD_ORDER = [STATISTICS]
# what else a sheet of them may be called (normalised)
SHEET_ALIASES = {
	STATISTICS: {"opening statistics", "statistiques d'ouverture", "statistics adjustments"},
}
# the customer a contact or an address belongs to (ERPNext exports the links table's column)
LINK_HEADERS = {"customer", "client", "link name", "link name (links)", "nom du lien"}
LINK_FIELD = "link:customer"
# the contact's primary email and mobile, which Frappe keeps in child tables
CONTACT_CHILD_HEADERS = {
	"email address": "email_id",
	"email id": "email_id",
	"email": "email_id",
	"adresse e-mail": "email_id",
	"mobile no": "mobile_no",
	"mobile": "mobile_no",
	"n° mobile": "mobile_no",
}
# a column naming the record itself (ERPNext's Data Export calls it "ID")
NAME_HEADERS = {"name", "id", "identifiant", "nom (id)"}


def normalise(header) -> str:
	text = re.sub(r"\s+", " ", str(header or "")).strip().lower()
	return text.rstrip("*").strip()  # a mandatory column's marker in some exports


def french() -> dict[str, str]:
	from frappe.translate import get_all_translations

	return get_all_translations("fr") or {}


def sheet_doctype(sheet_name: str, translations: dict[str, str]) -> str | None:
	"""The doctype a sheet or file is named after: `Customer`, `customer`, `Customers`, `Clients`, ..."""
	wanted = normalise(sheet_name).replace("_", " ")
	for doctype in IMPORT_ORDER + DOCUMENT_ORDER + SELLING_ORDER + RECORD_ORDER:
		names = {doctype.lower(), translations.get(doctype, doctype).lower()}
		if wanted in names | {f"{n}s" for n in names} | {f"{n}x" for n in names} | SHEET_ALIASES.get(
			doctype, set()
		):
			return doctype
	return None


# a customer's quick-entry address columns: kept aside, they make its Address as a form save does
ADDRESS_PREFIX = "address:"


def column_map(doctype: str, translations: dict[str, str]) -> dict[str, str]:
	"""Normalised header -> fieldname (`address:<field>` for a customer's address columns)."""
	from crm_app.customers.contacts import ADDRESS_FIELDS

	mapping = {header: "name" for header in NAME_HEADERS}
	if doctype in DOCUMENT_ORDER:
		mapping.update({header: LINK_FIELD for header in LINK_HEADERS})
	if doctype == "Contact":
		mapping.update(CONTACT_CHILD_HEADERS)
	if doctype == "Customer":
		address = frappe.get_meta("Address")
		for fieldname in ADDRESS_FIELDS:
			label = address.get_label(fieldname)
			for header in (fieldname, label, translations.get(label)):
				if header:
					mapping.setdefault(normalise(header), ADDRESS_PREFIX + fieldname)
	for df in frappe.get_meta(doctype).fields:
		if df.fieldtype in no_value_fields or df.fieldtype in table_fields:
			continue
		for header in (df.fieldname, df.label, translations.get(df.label or "")):
			if header:
				mapping.setdefault(normalise(header), df.fieldname)
	if doctype in SELLING_ORDER:
		mapping.update(child_column_map(doctype, translations))
	return mapping


def child_column_map(doctype: str, translations: dict[str, str]) -> dict[str, str]:
	"""The columns of a document's child rows, as ERPNext's Data Import names them: `Item Code (Items)`
	(or in French), `items.item_code`, `item_code (Items)` -> `items.item_code`."""
	mapping = {}
	for table in frappe.get_meta(doctype).get_table_fields():
		table_labels = {table.label, translations.get(table.label or ""), table.fieldname} - {None, ""}
		for df in frappe.get_meta(table.options).fields:
			if df.fieldtype in no_value_fields or df.fieldtype in table_fields:
				continue
			key = child_key(table.fieldname, df.fieldname)
			mapping[normalise(key)] = key
			for label in (df.label, translations.get(df.label or ""), df.fieldname):
				for table_label in table_labels if label else ():
					mapping.setdefault(normalise(f"{label} ({table_label})"), key)
	return mapping


def child_key(table_field: str, fieldname: str) -> str:
	"""A child row's column among the document's values: `items.item_code`."""
	return f"{table_field}.{fieldname}"


def child_header(doctype: str, table_field: str, fieldname: str) -> str:
	"""The header ERPNext's export gives a child column: `Item Code (Items)`."""
	table = frappe.get_meta(doctype).get_field(table_field)
	label = frappe.get_meta(table.options).get_label(fieldname)
	return f"{label} ({table.label or table.fieldname})"


def doctype_from_headers(headers: list[str], translations: dict[str, str]) -> str | None:
	"""For a sheet whose name says nothing (an uploaded file Frappe renamed): the doctype whose own name
	column is there (`Customer Name`, `Territory Name`, ...) and that knows most of the columns."""
	wanted = [normalise(header) for header in headers]
	best, best_count = None, 0
	for doctype in IMPORT_ORDER:
		mapping = column_map(doctype, translations)
		fields = {mapping.get(header) for header in wanted}
		if f"{frappe.scrub(doctype)}_name" not in fields:
			continue
		count = len(fields - {None})
		if count > best_count:
			best, best_count = doctype, count
	return best
