"""Bulk import of customers and the trees they hang on, with the rules of a single save, written with
multi-row INSERTs and one tree rebuild per doctype.

Every row is checked first, all sheets together: a link may point to a row of the same file, children
may come before their parents, and two rows with the same customer name get `Name` and `Name-1`. The
rules are the app's own functions (CRM Settings and group defaults, homonym naming, field checks, tree
rules, the freeze rule); they take plain values, so a row is held to what a form save is held to. Then:
- a dry run reports every bad row (sheet, line, column, translated reason) and writes nothing;
- by default a single bad row writes nothing at all (all or nothing, in one transaction);
- `good_rows_only` writes the rows that passed (and none that depends on a bad one);
- a row whose name exists is skipped, or with `update` its changed columns are written: importing the
  same file twice changes nothing.
The trees are written under their locks, as every writer of a tree does.

Customers are read from the file twice, a batch at a time (check, then write), so memory holds a batch and
one name per row, not the file's rows; the trees, contacts and addresses a file carries are held whole.
"""

import itertools
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

import frappe
from frappe import _
from frappe.model import table_fields
from frappe.utils import now, strip_html_tags

from crm_app.customers.contacts import link_quick_entry_records
from crm_app.customers.freeze import normalise_freeze, record_freeze_changes
from crm_app.customers.naming import (
	by_naming_series,
	homonym_index,
	naming_series_name,
	new_customer_defaults,
	next_free_name,
	take_name,
)
from crm_app.customers.sensitive_fields import guarded_fields, refusal, unpermitted_change
from crm_app.data_transfer.columns import (
	ADDRESS_PREFIX,
	DOCUMENT_ORDER,
	IMPORT_ORDER,
	LINK_FIELD,
	column_map,
	doctype_from_headers,
	french,
	normalise,
	sheet_doctype,
)
from crm_app.data_transfer.files import Sheet, read_sheets
from crm_app.events import announce
from crm_app.input_checks import check_value
from crm_app.locks import lock_tree
from crm_app.tree_rebuild import rebuild_tree
from crm_app.trees import TREES as TREE_REGISTRY
from crm_app.trees import (
	LeafHasChildrenError,
	MembersExistError,
	Node,
	NodesInMemory,
	check_leaf,
	check_place,
	parent_field_of,
)
from crm_app.values import yes_no

INSERT_CHUNK = 5000
STREAMED = "Customer"  # the doctype read a batch at a time
TREES = [doctype for doctype in IMPORT_ORDER if doctype != STREAMED]


class InvalidImportError(frappe.ValidationError):
	pass


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
	defaulted: list = field(default_factory=list)  # the fields a new record's defaults filled
	before: dict = field(default_factory=dict)  # an existing record's stored values of the file's fields

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


def name_field(doctype: str) -> str:
	return f"{frappe.scrub(doctype)}_name"


def import_files(
	files: list[tuple[str, bytes]],
	dry_run: bool = False,
	update: bool = False,
	good_rows_only: bool = False,
	progress=None,
) -> dict:
	"""Import (filename, content) files; returns the report. Nothing is committed here: the caller
	commits (a bench command, a background job) or rolls back."""
	report = Report(dry_run=dry_run)
	plan = _Plan(update, french())
	for filename, content in files:
		for sheet in read_sheets(content, filename):
			plan.add_sheet(sheet, report)
	plan.check()
	report.errors.extend(sorted(plan.row_errors(), key=lambda error: (error["sheet"], error["row"])))
	if dry_run or (report.errors and not good_rows_only):
		return report.as_dict()
	plan.write(report, progress)
	return report.as_dict()


def commit_or_roll_back(report: dict, good_rows_only: bool) -> bool:
	"""End an import's transaction: a dry run, or a refused row without `good_rows_only`, writes nothing
	(all or nothing); otherwise what was written is committed. True when committed."""
	if report["dry_run"] or (report["errors"] and not good_rows_only):
		frappe.db.rollback()
		return False
	frappe.db.commit()
	return True


@dataclass
class _Stream:
	"""A sheet of customers, read a batch at a time; what the check keeps of each row for the write."""

	sheet: Sheet
	fieldnames: list
	names: list = field(default_factory=list)  # per row: the name it gets, None when it is refused
	exists: bytearray = field(default_factory=bytearray)  # per row: 1 when the record exists

	def rows(self) -> Iterator[Row]:
		return _sheet_rows(self.sheet, STREAMED, self.fieldnames)


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


def _sheet_rows(sheet: Sheet, doctype: str, fieldnames: list) -> Iterator[Row]:
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


def _batches(rows: Iterator[Row]) -> Iterator[list[Row]]:
	while batch := list(itertools.islice(rows, INSERT_CHUNK)):
		yield batch


class _Plan:
	"""The rows of every doctype, what exists already, and the checks that need both."""

	def __init__(self, update: bool, translations: dict[str, str]):
		self.update = update
		self.translations = translations  # French labels of options as well as of columns
		self.rows = defaultdict(list)  # doctype -> rows held whole (for customers: the national accounts)
		self.streams: list[_Stream] = []  # the customer sheets
		self.streamed_errors = []  # errors of the customer rows not held
		self.stored = {}  # doctype -> {name: (parent, is_group)}
		self._good = {}  # doctype -> {name: row} of the rows without errors, as of the last pass
		self._trees = {}  # doctype -> the tree the rules look at, as of the last pass
		self._rules = {}
		self._namers = {}
		# the customers of the file that contacts and addresses name: by ID and by customer name
		self.file_customers = {"name": {}, "customer_name": {}}  # -> (stream, row position)
		self.held_streams = {}  # id(row) -> its stream, for the national accounts held

	def add_sheet(self, sheet: Sheet, report: Report) -> None:
		doctype = sheet_doctype(sheet.name, self.translations) or doctype_from_headers(
			sheet.headers, self.translations
		)
		if not doctype:
			report.errors.append(
				{
					"sheet": sheet.name,
					"row": None,
					"column": None,
					"message": _("{0}: a sheet must be named after what it holds ({1})").format(
						sheet.name, ", ".join(IMPORT_ORDER + DOCUMENT_ORDER)
					),
				}
			)
			return
		fieldnames = _fieldnames(sheet, doctype, self.translations, report)
		if doctype == STREAMED:
			self.streams.append(_Stream(sheet, fieldnames))
		else:
			self.rows[doctype].extend(_sheet_rows(sheet, doctype, fieldnames))

	def row_errors(self) -> Iterator[dict]:
		for rows in self.rows.values():
			for row in rows:
				for column, message in row.errors:
					yield {"sheet": row.sheet, "row": row.line, "column": column, "message": message}
		yield from self.streamed_errors

	def stored_tree(self, doctype: str) -> dict:
		if doctype not in self.stored:
			parent = parent_field_of(doctype)
			self.stored[doctype] = {
				name: Node(node_parent or None, bool(is_group))
				for name, node_parent, is_group in frappe.db.sql(
					f"select name, `{parent}`, is_group from `tab{doctype}`"
				)
			}
		return self.stored[doctype]

	def good(self, doctype: str) -> dict[str, Row]:
		if doctype not in self._good:
			self._good[doctype] = {
				row.name: row for row in self.rows.get(doctype, ()) if row.name and not row.errors
			}
		return self._good[doctype]

	def tree(self, doctype: str) -> NodesInMemory:
		"""The stored tree with the file's good rows laid over it: what the tree rules look at."""
		if doctype not in self._trees:
			nodes, parent_field = dict(self.stored_tree(doctype)), parent_field_of(doctype)
			for name, row in self.good(doctype).items():
				stored = nodes.get(name)
				if stored and not self.update:
					continue
				values = row.values
				nodes[name] = Node(
					(values.get(parent_field) or None)
					if parent_field in values or not stored
					else stored.parent,
					bool(values.get("is_group")) if "is_group" in values or not stored else stored.is_group,
				)
			self._trees[doctype] = NodesInMemory(nodes, self.members(doctype, nodes))
		return self._trees[doctype]

	def members(self, doctype: str, nodes: dict) -> dict:
		"""A record (doctype, name) held by each stored leaf the file makes a group."""
		stored = self.stored_tree(doctype)
		names = [
			name
			for name, node in nodes.items()
			if node.is_group and name in stored and not stored[name].is_group
		]
		found = {}
		for member, link_field in TREE_REGISTRY[doctype].members if names else ():
			for node, record in frappe.db.sql(
				f"select `{link_field}`, min(name) from `tab{member}` where `{link_field}` in %s group by `{link_field}`",
				[names],
			):
				found.setdefault(node, (member, record))
		return found

	def check(self) -> None:
		"""Trees first (they link to nothing else of the file), then the customers a batch at a time against
		the trees as checked, then the national accounts between customers, then contacts and addresses."""
		for doctype in TREES:
			for row in self.rows.get(doctype, ()):
				self.check_values(row)
			self.name_rows(doctype, self.rows.get(doctype, ()))
		for doctype in DOCUMENT_ORDER:
			self.check_documents(doctype)
		for doctype in TREES + DOCUMENT_ORDER:
			self.check_stored(doctype, self.rows.get(doctype, ()))
		self.settle(TREES)
		self.check_customers()
		self.settle([STREAMED])
		for row in self.rows.get(STREAMED, ()):
			if row.errors:  # refused through its head office: not written
				self.stream_of(row).names[row.position] = None
		for doctype in DOCUMENT_ORDER:
			self.check_customer_link(doctype)

	def settle(self, doctypes: list[str]) -> None:
		"""Links and tree rules between held rows: a row that fails may make another fail, until none does."""
		while True:
			failing = sum(bool(row.errors) for doctype in doctypes for row in self.rows.get(doctype, ()))
			self._good, self._trees = {}, {}
			for doctype in doctypes:
				self.check_links(doctype, self.rows.get(doctype, ()))
				self.check_tree(doctype)
			if sum(bool(row.errors) for doctype in doctypes for row in self.rows.get(doctype, ())) == failing:
				break

	def check_customers(self) -> None:
		"""Each customer sheet a batch at a time: the checks of a single save, the name, the links to the
		trees as checked. A row that is a national account (a group, or a branch naming its head office)
		is held for the checks between customers; of the others only the name is kept."""
		wanted = {
			row.values.get(LINK_FIELD) for doctype in DOCUMENT_ORDER for row in self.rows.get(doctype, ())
		} - {None}
		links_to_customers = [
			df.fieldname
			for df in frappe.get_meta(STREAMED).fields
			if df.fieldtype == "Link" and df.options == STREAMED
		]
		for stream in self.streams:
			for batch in _batches(stream.rows()):
				for row in batch:
					self.check_values(row)
				self.name_rows(STREAMED, batch)
				self.check_stored(STREAMED, batch)
				held, alone = [], []
				stored = self.stored_tree(STREAMED)
				for row in batch:
					is_account = (
						row.values.get("is_group")
						or any(row.values.get(f) for f in links_to_customers)
						or (row.exists and self.update and stored[row.name].is_group)  # a group made a leaf?
					)
					(held if is_account else alone).append(row)
				self.check_links(STREAMED, alone)
				for row in batch:
					good = not row.errors
					stream.names.append(row.name if good else None)
					stream.exists.append(row.exists)
					if good and wanted:
						for kind, key in (
							("name", row.name),
							("customer_name", row.values.get("customer_name")),
						):
							if key in wanted:
								self.file_customers[kind].setdefault(key, (stream, row.position))
				for row in held:
					if not row.errors:
						self.rows[STREAMED].append(row)
						self.held_streams[id(row)] = stream
				for row in batch:
					if row.errors:
						self.streamed_errors.extend(
							{"sheet": row.sheet, "row": row.line, "column": column, "message": message}
							for column, message in row.errors
						)

	def stream_of(self, row: Row) -> _Stream:
		return self.held_streams[id(row)]

	def file_customer(self, key: str, kind: str) -> str | None:
		"""The name of the file's customer whose ID (kind `name`) or customer name is `key`, if it passed."""
		stream, position = self.file_customers[kind].get(key, (None, None))
		return stream.names[position] if stream else None

	def check_documents(self, doctype: str) -> None:
		"""Contacts and addresses: field checks, an existing record (by its ID) left as it is."""
		stored = set()
		given = [row.values["name"] for row in self.rows.get(doctype, ()) if row.values.get("name")]
		if given:
			stored = set(frappe.get_all(doctype, filters={"name": ("in", given)}, pluck="name"))
		country = frappe.db.get_single_value("System Settings", "country")
		for row in self.rows.get(doctype, ()):
			if doctype == "Address":  # what a customer's quick entry gives its address
				row.values.setdefault("address_type", "Billing")
				if country:
					row.values.setdefault("country", country)
			self.check_values(row)
			row.name = row.values.get("name") or f"{row.sheet}:{row.line}"  # Frappe names it at insert
			row.exists = row.values.get("name") in stored

	def check_customer_link(self, doctype: str) -> None:
		"""The customer a contact or address belongs to: one of the database or of the file (by ID or by
		customer name)."""
		wanted = {
			row.values.get(LINK_FIELD) for row in self.rows.get(doctype, ()) if row.values.get(LINK_FIELD)
		}
		stored = (
			set(frappe.get_all("Customer", filters={"name": ("in", list(wanted))}, pluck="name"))
			if wanted
			else set()
		)
		for row in self.rows.get(doctype, ()):
			customer = row.values.get(LINK_FIELD)
			if row.errors or row.exists or not customer:
				continue
			resolved = (
				customer
				if customer in stored
				else self.file_customer(customer, "name") or self.file_customer(customer, "customer_name")
			)
			if not resolved:
				row.fail(LINK_FIELD, _("{0} {1} does not exist").format(_("Customer"), customer))
			else:
				row.values[LINK_FIELD] = resolved

	def rules(self, doctype: str) -> dict:
		"""Per doctype, once: static defaults, each field's check with its translated label, required
		fields (a label translated per row would cost more than the check)."""
		if doctype not in self._rules:
			meta, type_map = frappe.get_meta(doctype), frappe.db.type_map
			fields = {}
			for df in meta.fields:
				label = _(df.label or df.fieldname)
				if df.fieldtype == "Check":
					fields[df.fieldname] = ("check", df, label, None)
				elif df.fieldtype == "Select" and df.options:
					options = [o for o in df.options.split("\n") if o]
					by_label = {
						**{self.translations.get(o, o).lower(): o for o in options},
						**{_(o).lower(): o for o in options},
						**{o.lower(): o for o in options},
					}
					fields[df.fieldname] = ("select", df, label, (options, by_label))
				elif df.fieldtype in type_map:
					fields[df.fieldname] = ("value", df, label, type_map[df.fieldtype])
			self._rules[doctype] = {
				"defaults": [
					(df.fieldname, df.default)
					for df in meta.fields
					if df.default
					and not str(df.default).startswith((":", "__"))
					and df.default not in ("Today", "now")
				],
				"fields": fields,
				"required": [(df.fieldname, _(df.label)) for df in meta.fields if df.reqd],
			}
		return self._rules[doctype]

	def check_values(self, row: Row) -> None:
		rules = self.rules(row.doctype)
		for fieldname, default in rules["defaults"]:  # a new document's defaults, as the form sets them
			if fieldname not in row.values:
				row.values[fieldname] = default
				row.defaulted.append(fieldname)
		for fieldname, value in list(row.values.items()):
			rule = rules["fields"].get(fieldname)
			if not rule:
				continue
			kind, df, label, extra = rule
			try:
				if kind == "check":
					answer = yes_no(value)
					if answer is None:
						frappe.throw(_("{0} must be 1 or 0 (yes or no), not {1}").format(label, value))
					row.values[fieldname] = int(answer)
				elif kind == "select":
					options, by_label = extra
					option = by_label.get(str(value).lower())
					if option is None:
						frappe.throw(
							_("{0} must be one of {1}, not {2}").format(label, ", ".join(options), value)
						)
					row.values[fieldname] = option
				else:
					check_value(df, value, label, extra)
			except frappe.ValidationError as error:
				_forget_message()
				row.fail(fieldname, str(error))
		for fieldname, label in rules["required"]:
			if fieldname not in row.values and not self._filled_later(row, fieldname):
				row.fail(fieldname, _("{0} is required").format(label))

	@staticmethod
	def _filled_later(row: Row, fieldname: str) -> bool:
		"""Filled by the naming step: a node's name field from its name, a customer's group and territory
		from the defaults."""
		if row.doctype == "Customer":
			return fieldname in ("customer_group", "territory")
		return fieldname == name_field(row.doctype) and bool(row.values.get("name"))

	def name_rows(self, doctype: str, rows: list[Row]) -> None:
		"""Each row's name: the one given (an export's ID), else the tree node's own name field, else for
		customers the naming rule of CRM Settings; a name twice in the file is refused. Called once per
		tree, and once per batch of customers: what is taken carries over from one batch to the next."""
		namer = self._namers.get(doctype)
		if namer is None:
			stored = self.stored_tree(doctype)
			namer = self._namers[doctype] = {"seen": {}, "stored": stored}
			if doctype == STREAMED:
				namer.update(
					defaults=self.customer_defaults(), taken=homonym_index(stored), series=by_naming_series()
				)
		seen, stored = namer["seen"], namer["stored"]
		for row in rows:
			given = row.values.get("name") or (
				row.values.get(name_field(doctype)) if doctype != STREAMED else None
			)
			if doctype != STREAMED and not given:
				row.fail(name_field(doctype), _("{0} is required").format(_("Name")))
				continue
			if doctype == STREAMED:
				taken = namer["taken"]
				for key, value in namer["defaults"].items():
					if key not in row.values:
						row.values[key] = value
						row.defaulted.append(key)
				if not given:
					given = (
						naming_series_name(frappe._dict(row.values, doctype=STREAMED))
						if namer["series"]
						else take_name(next_free_name(row.values.get("customer_name", ""), taken), taken)
					)
				else:
					take_name(given, taken)
			if doctype != STREAMED:
				row.values.setdefault(name_field(doctype), given)
			if given in seen:
				row.fail("name", _("{0} is already on line {1}").format(given, seen[given]))
				continue
			seen[given] = row.line
			row.name = given
			row.values["name"] = given
			row.exists = given in stored
			keep_stored(row, self.update)

	def customer_defaults(self) -> dict:
		"""The group and territory of a new customer without them, read once: the write must give the rows
		what the check gave them, though the leaf most chosen may change as the rows are written."""
		if "customer_defaults" not in self._rules:
			self._rules["customer_defaults"] = new_customer_defaults()
		return self._rules["customer_defaults"]

	def check_stored(self, doctype: str, rows: list[Row]) -> None:
		"""What depends on the stored record: the freeze rule (a frozen customer keeps its stored reason,
		unfreezing clears it) and the user's rights, each as a form save applies them."""
		rows = [row for row in rows if row.name and not row.errors]
		self.load_before(doctype, rows)
		for row in rows:
			self.normalise_freeze(row)
		self.check_permissions(doctype, [row for row in rows if not row.errors])

	def load_before(self, doctype: str, rows: list[Row]) -> None:
		"""The stored values of the fields the file gives, for the existing rows it updates: one query a
		chunk."""
		if doctype not in IMPORT_ORDER or not self.update:
			return
		rows = [row for row in rows if row.exists and len(row.values) > 1]
		extra = {"is_frozen", "freeze_reason"} if doctype == STREAMED else set()
		for start in range(0, len(rows), INSERT_CHUNK):
			chunk = rows[start : start + INSERT_CHUNK]
			columns = sorted({key for row in chunk for key in row.values} - {"name"} | extra)
			stored = {
				record.name: record
				for record in frappe.get_all(
					doctype, filters={"name": ("in", [row.name for row in chunk])}, fields=["name", *columns]
				)
			}
			for row in chunk:
				row.before = stored.get(row.name) or {}

	@staticmethod
	def normalise_freeze(row: Row) -> None:
		if row.doctype != STREAMED or not {"is_frozen", "freeze_reason"} & row.values.keys():
			return
		values = {**row.before, **row.values}
		try:
			normalise_freeze(values, row.name)
		except frappe.ValidationError as error:
			_forget_message()
			row.fail("freeze_reason", str(error))
			return
		if "freeze_reason" in row.values or row.before.get("freeze_reason"):
			row.values["freeze_reason"] = values["freeze_reason"]

	def check_permissions(self, doctype: str, rows: list[Row]) -> None:
		"""The importing user's rights, as a save checks them: create for new rows, write for updated
		ones, and the freeze and credit fields changed (from the stored value, or a new record's default)
		only by the roles allowed to change them."""
		if not rows or frappe.session.user == "Administrator":
			return
		may = {ptype: frappe.has_permission(doctype, ptype) for ptype in ("create", "write")}
		new_record = frappe.new_doc(doctype)
		guarded = [df for df in guarded_fields(new_record) if df.fieldtype not in table_fields]
		for row in rows:
			if not row.exists and not may["create"]:
				row.fail(None, _("No permission to create {0}").format(_(doctype)))
			elif row.exists and self.update and not may["write"]:
				row.fail(None, _("No permission to change {0}").format(_(doctype)))
			before = row.before if row.exists else new_record
			for df in guarded:
				if df.fieldname in row.values and unpermitted_change([df], row.values, before):
					row.fail(df.fieldname, refusal(df, doctype, row.name))

	def check_links(self, doctype: str, rows: list[Row]) -> None:
		meta = frappe.get_meta(doctype)
		links = [df for df in meta.fields if df.fieldtype == "Link" and df.options]
		wanted = defaultdict(set)
		for row in rows:
			for df in links:
				if row.values.get(df.fieldname):
					wanted[df.options].add(row.values[df.fieldname])
		known = {target: self._existing(target, values) for target, values in wanted.items()}
		for row in rows:
			if row.errors:
				continue
			for df in links:
				value = row.values.get(df.fieldname)
				if value and value not in known[df.options] and value not in self.good(df.options):
					row.fail(df.fieldname, _("{0} {1} does not exist").format(_(df.options), value))
			if doctype == STREAMED:
				self.check_customer_places(row)

	def _existing(self, doctype: str, values: set) -> set:
		if doctype in IMPORT_ORDER:
			return set(self.stored_tree(doctype)) & values
		found, values = set(), list(values)
		for start in range(0, len(values), INSERT_CHUNK):
			found.update(
				frappe.get_all(
					doctype, filters={"name": ("in", values[start : start + INSERT_CHUNK])}, pluck="name"
				)
			)
		return found

	def check_customer_places(self, row: Row) -> None:
		"""Customers hang on leaf groups and territories (of the database or of the file)."""
		for fieldname, doctype in (("customer_group", "Customer Group"), ("territory", "Territory")):
			try:
				check_leaf(doctype, self.tree(doctype), row.values.get(fieldname))
			except frappe.ValidationError as error:
				_forget_message()
				row.fail(fieldname, strip_html_tags(str(error)))

	def check_tree(self, doctype: str) -> None:
		"""The tree rules of a form save (crm_app.trees.check_place) for each row that is new or changes
		its place, over the stored tree with the file's rows laid on it."""
		rows = [
			row
			for row in self.rows.get(doctype, ())
			if row.name and not row.errors and (self.update or not row.exists)
		]
		if not rows:
			return
		nodes, stored, parent_field = self.tree(doctype), self.stored_tree(doctype), parent_field_of(doctype)
		for row in rows:
			node = nodes.node(row.name)
			if row.exists and node == stored.get(row.name):
				continue  # keeps its place: nothing to check, as in a form save
			try:
				check_place(doctype, nodes, row.name, node.parent, node.is_group, stored=row.exists)
			except frappe.ValidationError as error:
				_forget_message()
				column = (
					"is_group"
					if isinstance(error, LeafHasChildrenError | MembersExistError)
					else parent_field
				)
				row.fail(column, strip_html_tags(str(error)))

	def write(self, report: Report, progress=None) -> None:
		for doctype in TREES:
			rows = [row for row in self.rows.get(doctype, ()) if row.name and not row.errors]
			if rows:
				lock_tree(doctype)
				new, changed = self._write_rows(doctype, rows, report)
				moved = _moved(doctype, changed)
				if moved or any(row.values.get(parent_field_of(doctype)) for row in new):
					rebuild_tree(doctype)
				if moved:
					announce("tree_nodes_moved", doctype=doctype, nodes=moved)
				if progress:
					progress(len(rows), len(rows), _(doctype))
		self.write_customers(report, progress)
		self.write_documents(report)

	def write_customers(self, report: Report, progress=None) -> None:
		"""The customer sheets read again a batch at a time: each good row gets the values and the name the
		check gave it (the same conversions, the defaults read then), and is written with its batch."""
		total = sum(len(stream.names) - stream.names.count(None) for stream in self.streams)
		if not total:
			return
		lock_tree(STREAMED)
		done, in_tree, moved = 0, False, []
		for stream in self.streams:
			for batch in _batches(stream.rows()):
				rows = []
				for row in batch:
					name = stream.names[row.position]
					if name is None:
						continue
					self.check_values(row)
					for key, value in self.customer_defaults().items():
						if key not in row.values:
							row.values[key] = value
							row.defaulted.append(key)
					row.name, row.exists = name, bool(stream.exists[row.position])
					row.values["name"] = name
					keep_stored(row, self.update)
					rows.append(row)
				self.load_before(STREAMED, rows)
				for row in rows:
					self.normalise_freeze(row)  # passed the check: changes nothing but the reason
				new, changed = self._write_rows(STREAMED, rows, report)
				if new or changed:
					announce(
						"customers_changed",
						customers=[row.name for row in [*new, *changed]],
						created=[row.name for row in new],
					)
				moved += _moved(STREAMED, changed)
				in_tree = in_tree or bool(moved) or any(row.values.get("parent_customer") for row in new)
				done += len(rows)
				if progress:
					progress(done, total, _(STREAMED))
		if in_tree:
			rebuild_tree(STREAMED)
		if moved:
			announce("tree_nodes_moved", doctype=STREAMED, nodes=moved)

	def _write_rows(self, doctype: str, rows: list[Row], report: Report) -> tuple[list[Row], list[Row]]:
		"""Insert the new rows, update the changed ones; returns both."""
		new = [row for row in rows if not row.exists]
		changed = _changed([row for row in rows if row.exists]) if self.update else []
		report.unchanged[doctype] += len(rows) - len(new) - len(changed)
		self._insert(doctype, new)
		self._update(doctype, changed)
		report.created[doctype] += len(new)
		report.updated[doctype] += len(changed)
		if doctype == STREAMED:
			record_freeze_changes(
				[
					(
						row.name,
						row.before.get("is_frozen"),
						row.values["is_frozen"],
						row.values.get("freeze_reason"),
					)
					for row in [*new, *changed]
					if "is_frozen" in row.values
				]
			)
			_make_contacts_and_addresses(new)
		return new, changed

	def write_documents(self, report: Report) -> None:
		"""Contacts and addresses, saved as documents (Frappe's own rules, child tables and all)."""
		for doctype in DOCUMENT_ORDER:
			for row in self.rows.get(doctype, ()):
				if row.errors:
					continue
				if row.exists:
					report.unchanged[doctype] += 1
					continue
				values = {k: v for k, v in row.values.items() if k not in ("name", LINK_FIELD)}
				doc = frappe.get_doc({"doctype": doctype, **values})
				if doctype == "Contact":
					email, mobile = values.get("email_id"), values.get("mobile_no")
					if email:
						doc.append("email_ids", {"email_id": email, "is_primary": 1})
					if mobile:
						doc.append("phone_nos", {"phone": mobile, "is_primary_mobile_no": 1})
				if row.values.get(LINK_FIELD):
					doc.append("links", {"link_doctype": "Customer", "link_name": row.values[LINK_FIELD]})
				savepoint = "crm_import_document"
				frappe.db.savepoint(savepoint)
				try:
					doc.insert()
				except frappe.ValidationError as error:
					frappe.db.rollback(save_point=savepoint)
					_forget_message()
					report.errors.append(
						{"sheet": row.sheet, "row": row.line, "column": None, "message": str(error)}
					)
					continue
				report.created[doctype] += 1

	def _insert(self, doctype: str, rows: list[Row]) -> None:
		if not rows:
			return
		parent_field = parent_field_of(doctype)
		columns = sorted({key for row in rows for key in row.values} - {"lft", "rgt", "old_parent"})
		# a column every row leaves at the table's own default is left to the table (less to send)
		if ("columns", doctype) not in self._rules:
			self._rules["columns", doctype] = column_defaults(doctype)
		defaults = self._rules["columns", doctype]
		columns = [
			column
			for column in columns
			if column not in defaults or any(str(row.values.get(column)) != defaults[column] for row in rows)
		]
		stamp, user = now(), frappe.session.user
		# a new root goes after the others (nothing moves); a tree with new children is rebuilt after
		end = (frappe.db.sql(f"select ifnull(max(rgt), 0) from `tab{doctype}`")[0][0] or 0) + 1
		fields = [*columns, "lft", "rgt", "old_parent", "creation", "modified", "owner", "modified_by"]
		values = []
		for index, row in enumerate(rows):
			lft = 0 if row.values.get(parent_field) else end + 2 * index
			values.append(
				(
					*(row.values.get(column) for column in columns),
					lft,
					lft + 1 if lft else 0,
					row.values.get(parent_field) or "",
					stamp,
					stamp,
					user,
					user,
				)
			)
		for start in range(0, len(values), INSERT_CHUNK):
			insert_rows(doctype, fields, values[start : start + INSERT_CHUNK])

	def _update(self, doctype: str, rows: list[Row]) -> None:
		stamp, user = now(), frappe.session.user
		for row in rows:
			values = {k: v for k, v in row.values.items() if k != "name"}
			frappe.db.set_value(
				doctype, row.name, {**values, "modified": stamp, "modified_by": user}, update_modified=False
			)


def column_defaults(doctype: str) -> dict[str, str]:
	"""The table's column defaults (as text), for the columns that have one."""
	rows = frappe.db.sql(
		"""select column_name, column_default from information_schema.columns
		where table_schema = database() and table_name = %s and column_default is not null
			and column_default != 'NULL'""",
		f"tab{doctype}",
	)
	return {name: str(default).strip("'") for name, default in rows}


def insert_rows(doctype: str, fields: list[str], rows: list[tuple]) -> None:
	"""One multi-row INSERT (Frappe's bulk_insert builds the same statement through the query builder,
	several times slower for large batches)."""
	if not rows:
		return
	columns = ", ".join(f"`{field}`" for field in fields)
	placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
	frappe.db.sql(
		f"insert into `tab{doctype}` ({columns}) values " + ", ".join([placeholders] * len(rows)),
		[value for row in rows for value in row],
	)


def _forget_message() -> None:
	"""A caught frappe.throw leaves its message for the response: the report carries it instead."""
	if frappe.local.message_log:
		frappe.local.message_log.pop()


def _make_contacts_and_addresses(rows: list[Row]) -> None:
	"""What a customer's quick entry makes after its insert, by the same function: a Contact from the
	email and mobile columns, an Address from the address columns (a document each, so only for the
	rows that have them)."""
	for row in rows:
		if row.address.get("address_line1") or row.values.get("email_id") or row.values.get("mobile_no"):
			customer = frappe.get_doc("Customer", row.name)
			customer.update(row.address)
			link_quick_entry_records(customer)


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


def _changed(rows: list[Row]) -> list[Row]:
	"""The existing rows whose file values differ from the stored ones (`row.before`)."""
	return [
		row
		for row in rows
		if any(str(row.before.get(k) or "") != str(v or "") for k, v in row.values.items() if k != "name")
	]


def _moved(doctype: str, changed: list[Row]) -> list[str]:
	"""The updated nodes whose parent changed."""
	parent_field = parent_field_of(doctype)
	return [
		row.name
		for row in changed
		if parent_field in row.values
		and (row.values[parent_field] or "") != (row.before.get(parent_field) or "")
	]
