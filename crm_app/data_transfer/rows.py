"""Read step of the import: the files' sheets as rows of plain values, per doctype. Customers are not held:
their sheets are read again a batch at a time by each step that needs them (`Stream`)."""

import itertools
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import frappe
from frappe import _

from crm_app.data_transfer.columns import (
	ADDRESS_PREFIX,
	DOCUMENT_ORDER,
	IMPORT_ORDER,
	RECORD_ORDER,
	SELLING_ORDER,
	column_map,
	doctype_from_headers,
	normalise,
	sheet_doctype,
)
from crm_app.data_transfer.files import Sheet, read_sheets

INSERT_CHUNK = 5000  # rows a batch, a query or an INSERT handles at once
STREAMED = "Customer"  # the doctype read a batch at a time
TREES = [doctype for doctype in IMPORT_ORDER if doctype != STREAMED]  # held whole
NOTHING = MappingProxyType({})  # shared by the rows that have no stored values (a dict each would cost)


@dataclass(slots=True)
class Row:
	doctype: str
	sheet: str
	line: int
	values: dict
	name: str | None = None
	exists: bool = False
	errors: list = field(default_factory=list)  # (column, message)
	address: dict = field(default_factory=dict)  # a customer's address columns
	position: int = 0  # index of the row in its sheet
	defaulted: tuple = ()  # the fields a new record's defaults filled
	before: Mapping = field(
		default_factory=lambda: NOTHING
	)  # an existing record's stored values of the file's fields
	children: (
		list | tuple
	) = ()  # a selling document's item rows (Rows of the child doctype); shared when none

	def fail(self, column: str | None, message: str) -> None:
		self.errors.append((column, message))


@dataclass
class Report:
	dry_run: bool
	created: dict = field(default_factory=lambda: defaultdict(int))
	updated: dict = field(default_factory=lambda: defaultdict(int))
	unchanged: dict = field(default_factory=lambda: defaultdict(int))
	errors: list = field(default_factory=list)
	warnings: list = field(default_factory=list)

	@property
	def written(self) -> bool:
		return not self.dry_run and bool(sum(self.created.values()) + sum(self.updated.values()))

	def as_dict(self) -> dict:
		return {
			"dry_run": self.dry_run,
			"created": {k: v for k, v in self.created.items() if v},
			"updated": {k: v for k, v in self.updated.items() if v},
			"unchanged": {k: v for k, v in self.unchanged.items() if v},
			"errors": self.errors,
			"warnings": self.warnings,
		}


@dataclass
class Stream:
	"""A sheet of customers, read a batch at a time; what the check keeps of each row for the write."""

	sheet: Sheet
	fieldnames: list
	names: list = field(default_factory=list)  # per row: the name it gets, None when it is refused
	exists: bytearray = field(default_factory=bytearray)  # per row: 1 when the record exists

	def batches(self) -> Iterator[list[Row]]:
		rows = sheet_rows(self.sheet, STREAMED, self.fieldnames)
		while batch := list(itertools.islice(rows, INSERT_CHUNK)):
			yield batch


@dataclass
class FileRows:
	"""What the read step gives the others: the rows held whole, per doctype, and the customer sheets."""

	held: dict = field(default_factory=lambda: defaultdict(list))
	streams: list[Stream] = field(default_factory=list)


def read_files(files: list[tuple[str, bytes]], translations: dict[str, str], report: Report) -> FileRows:
	"""(filename, content) files as rows; a sheet named after nothing known, or an unknown column, is
	reported."""
	read = FileRows()
	for filename, content in files:
		for sheet in read_sheets(content, filename):
			doctype = sheet_doctype(sheet.name, translations) or doctype_from_headers(
				sheet.headers, translations
			)
			if not doctype:
				report.errors.append(
					{
						"sheet": sheet.name,
						"row": None,
						"column": None,
						"message": _("{0}: a sheet must be named after what it holds ({1})").format(
							sheet.name,
							", ".join(IMPORT_ORDER + DOCUMENT_ORDER + SELLING_ORDER + RECORD_ORDER),
						),
					}
				)
				continue
			fieldnames = _fieldnames(sheet, doctype, translations, report)
			if doctype == STREAMED:
				read.streams.append(Stream(sheet, fieldnames))
			elif doctype in SELLING_ORDER:
				read.held[doctype].extend(document_rows(sheet_rows(sheet, doctype, fieldnames)))
			else:
				read.held[doctype].extend(sheet_rows(sheet, doctype, fieldnames))
	return read


def _fieldnames(sheet: Sheet, doctype: str, translations: dict, report: Report) -> list:
	mapping = column_map(doctype, translations)
	fieldnames = [mapping.get(normalise(header)) for header in sheet.headers]
	for header, fieldname in zip(sheet.headers, fieldnames, strict=True):
		if header and not fieldname:
			report.warnings.append(
				{
					"sheet": sheet.name,
					"column": header,
					"message": _("Column {0} is not imported").format(header),
				}
			)
	return fieldnames


def sheet_rows(sheet: Sheet, doctype: str, fieldnames: list) -> Iterator[Row]:
	for index, cells in enumerate(sheet.rows):
		values, address = {}, {}
		for fieldname, cell in zip(fieldnames, cells, strict=False):
			if fieldname and cell is not None and str(cell).strip() != "":
				value = cell.strip() if isinstance(cell, str) else cell
				if fieldname.startswith(ADDRESS_PREFIX):
					address[fieldname[len(ADDRESS_PREFIX) :]] = value
				else:
					values[fieldname] = value
		yield Row(
			doctype=doctype,
			sheet=sheet.name,
			line=index + 2,
			values=values,
			address=address,
			position=index,
		)


def document_rows(rows: Iterator[Row]) -> Iterator[Row]:
	"""ERPNext's Data Import shape: a document's first line gives its columns and its first item, the
	following lines with every document column empty give its other items; a line repeating the document's
	ID also belongs to it (one line per item, the document's columns repeated). An item column is
	`items.item_code` among the values; each item becomes a Row of the child doctype, with its own line."""
	document = None
	for row in rows:
		own = {key: value for key, value in row.values.items() if "." not in key}
		items = {key: value for key, value in row.values.items() if "." in key}
		continues = document is not None and (
			not own or (own.get("name") and own.get("name") == document.values.get("name"))
		)
		if not continues:
			if document is not None:
				yield document
			document = Row(
				doctype=row.doctype,
				sheet=row.sheet,
				line=row.line,
				values=own,
				position=row.position,
				children=[],
			)
		for table_field in sorted({key.split(".", 1)[0] for key in items}):
			child_doctype = frappe.get_meta(row.doctype).get_field(table_field).options
			values = {
				key.split(".", 1)[1]: value
				for key, value in items.items()
				if key.startswith(f"{table_field}.")
			}
			document.children.append(
				Row(
					doctype=child_doctype,
					sheet=row.sheet,
					line=row.line,
					values={"parentfield": table_field, **values},
				)
			)
	if document is not None:
		yield document


def row_errors(rows) -> Iterator[dict]:
	for row in rows:
		for column, message in row.errors:
			yield {"sheet": row.sheet, "row": row.line, "column": column, "message": message}
		if row.children:
			yield from row_errors(row.children)


def forget_message() -> None:
	"""A caught frappe.throw leaves its message for the response: the report carries it instead."""
	if frappe.local.message_log:
		frappe.local.message_log.pop()
