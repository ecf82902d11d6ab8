"""Name step of the import: each row's name, and whether that record exists."""

import frappe
from frappe import _

from crm_app.customers.naming import (
	by_naming_series,
	homonym_index,
	naming_series_name,
	next_free_name,
	take_name,
)
from crm_app.data_transfer.rows import STREAMED, Row


def name_field(doctype: str) -> str:
	return f"{frappe.scrub(doctype)}_name"


class Namer:
	"""The names of one doctype's rows: the one given (an export's ID), else a tree node's own name field,
	else for customers the naming rule of CRM Settings; a name twice in the file is refused. One namer a
	doctype for the whole file: what is taken carries over from one batch of customers to the next."""

	def __init__(self, doctype: str, stored: dict, update: bool, customer_defaults: dict | None = None):
		self.doctype, self.stored, self.update = doctype, stored, update
		self.seen = {}  # name -> the line that took it
		if doctype == STREAMED:
			self.defaults, self.taken, self.series = (
				customer_defaults,
				homonym_index(stored),
				by_naming_series(),
			)

	def name_rows(self, rows: list[Row]) -> None:
		doctype, streamed = self.doctype, self.doctype == STREAMED
		for row in rows:
			given = row.values.get("name") or (None if streamed else row.values.get(name_field(doctype)))
			if not streamed and not given:
				row.fail(name_field(doctype), _("{0} is required").format(_("Name")))
				continue
			if streamed:
				with_customer_defaults(row, self.defaults)
				if not given:
					given = (
						naming_series_name(frappe._dict(row.values, doctype=STREAMED))
						if self.series
						else take_name(
							next_free_name(row.values.get("customer_name", ""), self.taken), self.taken
						)
					)
				else:
					take_name(given, self.taken)
			else:
				row.values.setdefault(name_field(doctype), given)
			if given in self.seen:
				row.fail("name", _("{0} is already on line {1}").format(given, self.seen[given]))
				continue
			self.seen[given] = row.line
			name_row(row, given, given in self.stored, self.update)


def name_row(row: Row, name: str, exists: bool, update: bool) -> None:
	row.name, row.exists = name, exists
	row.values["name"] = name
	keep_stored(row, update)


def with_customer_defaults(row: Row, defaults: dict) -> None:
	"""The group and territory a new customer without them gets (read once for the file)."""
	values, added = row.values, []
	for key, value in defaults.items():
		if key not in values:
			values[key] = value
			added.append(key)
	if added:
		row.defaulted = (*row.defaulted, *added)


def keep_stored(row: Row, update: bool) -> None:
	"""An existing record keeps what the file does not give: everything without `update`, with it the
	fields that only a new record's defaults filled."""
	if not row.exists:
		return
	if not update:
		row.values = {"name": row.name}  # nothing else to check or write
		return
	for key in row.defaulted:
		row.values.pop(key, None)
