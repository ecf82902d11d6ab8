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

The steps: read (`rows`), name (`names`), check (`checks`), write (`writer`); this module runs them and
keeps what ties the rows of different sheets and batches together.
"""

import frappe

from crm_app.customers.naming import new_customer_defaults
from crm_app.data_transfer import checks, selling
from crm_app.data_transfer.columns import (
	DOCUMENT_ORDER,
	IMPORT_ORDER,
	LINK_FIELD,
	SELLING_ORDER,
	STATISTICS,
	french,
)
from crm_app.data_transfer.names import Namer, name_row, with_customer_defaults
from crm_app.data_transfer.rows import STREAMED, TREES, FileRows, Report, Row, Stream, read_files, row_errors
from crm_app.data_transfer.writer import Writer, moved_nodes
from crm_app.locks import lock_tree
from crm_app.trees import Node, NodesInMemory


def import_files(
	files: list[tuple[str, bytes]],
	dry_run: bool = False,
	update: bool = False,
	good_rows_only: bool = False,
	progress=None,
	submit: bool = False,
) -> dict:
	"""Import (filename, content) files; returns the report. Nothing is committed here: the caller ends
	the transaction with `commit_or_roll_back`. `submit`: the selling documents inserted (or drafts
	updated) are submitted, as ERPNext's "Submit After Import"."""
	report = Report(dry_run=dry_run)
	translations = french()
	read = read_files(files, translations, report)
	check = _Check(read, update, checks.ValueRules(translations))
	check.run()
	report.errors.extend(sorted(check.errors(), key=lambda error: (error["sheet"], error["row"])))
	if dry_run:
		# the selling documents' own rules need the documents: saved, then rolled back with the rest
		_write_selling(read, check, report, update, submit)
		return report.as_dict()
	if report.errors and not good_rows_only:
		return report.as_dict()
	_write(read, check, Writer(update, report), progress)
	_write_selling(read, check, report, update, submit, progress)
	return report.as_dict()


def commit_or_roll_back(report: dict, good_rows_only: bool) -> bool:
	"""End an import's transaction: a dry run, or a refused row without `good_rows_only`, writes nothing
	(all or nothing); otherwise what was written is committed. True when committed."""
	if report["dry_run"] or (report["errors"] and not good_rows_only):
		frappe.db.rollback()
		return False
	frappe.db.commit()
	return True


class _Check:
	"""The check step over the whole file: what a row is compared with (the stored trees, the file's good
	rows) and what ties rows together (names taken, the customers contacts name, the national accounts
	held between batches)."""

	def __init__(self, read: FileRows, update: bool, value_rules: checks.ValueRules):
		self.held, self.streams = read.held, read.streams
		self.update, self.value_rules = update, value_rules
		self._stored, self._namers, self._customer_defaults = {}, {}, None
		self._good, self._trees = {}, {}  # as of the last pass over the held rows
		self._group_names = None  # read once the groups are settled
		# the customers of the file that contacts and addresses name: by ID and by customer name
		self.file_customers = {"name": {}, "customer_name": {}}  # -> (stream, row position)
		self.held_streams = {}  # id(row) -> its stream, for the national accounts held
		self.streamed_errors = []  # errors of the customer rows not held

	def run(self) -> None:
		for doctype in SELLING_ORDER:
			selling.check_rows(doctype, self.held.get(doctype, ()), self.value_rules)
		self._check_trees_and_customers()

	def _check_trees_and_customers(self) -> None:
		"""Trees first (they link to nothing else of the file), then the customers a batch at a time against
		the trees as checked, then the national accounts between customers, then contacts and addresses."""
		for doctype in TREES:
			for row in self.held.get(doctype, ()):
				self.value_rules.check_values(row)
			self.namer(doctype).name_rows(self.held.get(doctype, ()))
		for doctype in DOCUMENT_ORDER:
			checks.check_documents(doctype, self.held.get(doctype, ()), self.value_rules)
		for doctype in TREES + DOCUMENT_ORDER:
			checks.check_stored(doctype, self.held.get(doctype, ()), self.update)
		self.settle(TREES)
		self.check_customers()
		self.settle([STREAMED])
		for row in self.held.get(STREAMED, ()):
			if row.errors:  # refused through its head office: not written
				self.held_streams[id(row)].names[row.position] = None
		for doctype in DOCUMENT_ORDER:
			checks.check_customer_link(self.held.get(doctype, ()), self.file_customer)
		# opening statistics name customers and groups already stored (not those of the same file)
		checks.check_statistics(self.held.get(STATISTICS, ()), self.value_rules)

	def errors(self):
		for rows in self.held.values():
			yield from row_errors(rows)
		yield from self.streamed_errors

	def stored_tree(self, doctype: str) -> dict[str, Node]:
		if doctype not in self._stored:
			self._stored[doctype] = checks.stored_tree(doctype)
		return self._stored[doctype]

	def good(self, doctype: str) -> dict[str, Row]:
		if doctype not in self._good:
			self._good[doctype] = {
				row.name: row for row in self.held.get(doctype, ()) if row.name and not row.errors
			}
		return self._good[doctype]

	def tree(self, doctype: str) -> NodesInMemory:
		if doctype not in self._trees:
			self._trees[doctype] = checks.laid_over(
				doctype, self.stored_tree(doctype), self.good(doctype), self.update
			)
		return self._trees[doctype]

	def existing(self, doctype: str, names: set) -> set:
		if doctype in IMPORT_ORDER:
			return set(self.stored_tree(doctype)) & names
		return checks.existing(doctype, names)

	def namer(self, doctype: str) -> Namer:
		if doctype not in self._namers:
			self._namers[doctype] = Namer(
				doctype,
				self.stored_tree(doctype),
				self.update,
				self.customer_defaults() if doctype == STREAMED else None,
			)
		return self._namers[doctype]

	def customer_defaults(self) -> dict:
		"""The group and territory of a new customer without them, read once: the write must give the rows
		what the check gave them, though the leaf most chosen may change as the rows are written."""
		if self._customer_defaults is None:
			self._customer_defaults = new_customer_defaults()
		return self._customer_defaults

	def check_links(self, doctype: str, rows: list[Row]) -> None:
		checks.check_links(doctype, rows, self.existing, self.good, self.tree)

	def settle(self, doctypes: list[str]) -> None:
		"""Links and tree rules between held rows: a row that fails may make another fail, until none does."""
		while True:
			failing = sum(bool(row.errors) for doctype in doctypes for row in self.held.get(doctype, ()))
			self._good, self._trees = {}, {}
			for doctype in doctypes:
				rows = self.held.get(doctype, ())
				self.check_links(doctype, rows)
				checks.check_tree(doctype, rows, self.tree(doctype), self.stored_tree(doctype), self.update)
			if sum(bool(row.errors) for doctype in doctypes for row in self.held.get(doctype, ())) == failing:
				break

	def check_customers(self) -> None:
		"""Each customer sheet a batch at a time: the checks of a single save, the name, the links to the
		trees as checked. A row that is a national account (a group, a branch naming its head office, a
		head office the file may make a leaf) is held for the checks between customers; of the others only
		the name is kept."""
		wanted = {
			row.values.get(LINK_FIELD) for doctype in DOCUMENT_ORDER for row in self.held.get(doctype, ())
		}
		wanted |= {
			row.values.get(selling.CUSTOMER_FIELD[doctype])
			for doctype in SELLING_ORDER
			for row in self.held.get(doctype, ())
		}
		wanted -= {None}
		links_to_customers = [
			df.fieldname
			for df in frappe.get_meta(STREAMED).fields
			if df.fieldtype == "Link" and df.options == STREAMED
		]
		stored, namer = self.stored_tree(STREAMED), self.namer(STREAMED)
		for stream in self.streams:
			for batch in stream.batches():
				for row in batch:
					self.value_rules.check_values(row)
				namer.name_rows(batch)
				checks.check_stored(STREAMED, batch, self.update)
				checks.check_names_free(STREAMED, batch, self.group_names())
				held, alone = [], []
				for row in batch:
					is_account = (
						row.values.get("is_group")
						or any(row.values.get(f) for f in links_to_customers)
						or (row.exists and self.update and stored[row.name].is_group)
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
						self.held[STREAMED].append(row)
						self.held_streams[id(row)] = stream
				self.streamed_errors.extend(row_errors(row for row in batch if row.errors))

	def group_names(self) -> set:
		"""The customer groups stored or in the file (a new customer may not take one's name)."""
		if self._group_names is None:
			self._group_names = set(self.stored_tree("Customer Group")) | set(self.good("Customer Group"))
		return self._group_names

	def file_customer(self, key: str) -> str | None:
		"""The name of the file's customer whose ID, else whose customer name, is `key`, if it passed."""
		for kind in ("name", "customer_name"):
			stream, position = self.file_customers[kind].get(key, (None, None))
			if stream and stream.names[position]:
				return stream.names[position]
		return None

	def again(self, row: Row, stream: Stream) -> bool:
		"""A customer read again for the write: the values and the name the check gave it (the same
		conversions, the defaults read then); False when it was refused."""
		name = stream.names[row.position]
		if name is None:
			return False
		self.value_rules.check_values(row)
		with_customer_defaults(row, self.customer_defaults())
		name_row(row, name, bool(stream.exists[row.position]), self.update)
		return True


def _write(read: FileRows, check: _Check, writer: Writer, progress=None) -> None:
	for doctype in TREES:
		rows = [row for row in read.held.get(doctype, ()) if row.name and not row.errors]
		if rows:
			writer.write_tree(doctype, rows)
			if progress:
				progress(len(rows), len(rows), frappe._(doctype))
	_write_customers(read.streams, check, writer, progress)
	writer.write_documents(read.held)
	writer.write_records(read.held)


def _write_selling(read: FileRows, check: _Check, report: Report, update: bool, submit: bool, progress=None):
	"""After the customers (a document may be for a customer of the file): each document saved as a form
	saves it."""
	if not any(read.held.get(doctype) for doctype in SELLING_ORDER):
		return

	def new_in_file(customer: str) -> bool:
		return bool(check.file_customer(customer)) and not frappe.db.exists(STREAMED, customer)

	selling.write_documents(read.held, report, update, submit, new_in_file, progress)


def _write_customers(streams: list[Stream], check: _Check, writer: Writer, progress=None) -> None:
	"""The customer sheets read again a batch at a time, each batch written at once."""
	total = sum(len(stream.names) - stream.names.count(None) for stream in streams)
	if not total:
		return
	lock_tree(STREAMED)
	done, added_under_parent, moved = 0, False, []
	for stream in streams:
		for batch in stream.batches():
			written, batch_moved, under_parent = _write_customer_batch(batch, stream, check, writer)
			moved += batch_moved
			added_under_parent = added_under_parent or under_parent
			done += written
			if progress:
				progress(done, total, frappe._(STREAMED))
	writer.customers_done(moved, rebuild=added_under_parent or bool(moved))


def _write_customer_batch(batch: list[Row], stream: Stream, check: _Check, writer: Writer) -> tuple:
	"""One batch (a function of its own: its rows are freed before the next batch is read). Returns how
	many rows it wrote or left unchanged, the nodes it moved, whether it added a branch under a head
	office."""
	rows = [row for row in batch if check.again(row, stream)]
	checks.load_before(STREAMED, rows, writer.update)
	for row in rows:
		checks.freeze_rule(row)  # passed the check: changes nothing but the reason
	new, changed = writer.write_customers(rows)
	return len(rows), moved_nodes(STREAMED, changed), any(row.values.get("parent_customer") for row in new)
