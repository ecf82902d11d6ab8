"""Write step of the import: the checked rows written with multi-row INSERTs (trees and customers, one
tree rebuild per doctype) or as documents (contacts and addresses), announced as a form save would."""

import frappe
from frappe import _
from frappe.utils import now

from crm_app.customers.contacts import link_quick_entry_records
from crm_app.customers.freeze import record_freeze_changes
from crm_app.customers.membership import record_membership_changes
from crm_app.data_transfer.columns import DOCUMENT_ORDER, LINK_FIELD, RECORD_ORDER
from crm_app.data_transfer.rows import INSERT_CHUNK, STREAMED, Report, Row, forget_message
from crm_app.events import announce
from crm_app.locks import lock_tree
from crm_app.receivables import statistics_adjustments
from crm_app.tree_rebuild import rebuild_tree
from crm_app.trees import parent_field_of

MEMBERSHIP_FIELDS = ("customer_group", "territory")  # a file gives no sales team


class Writer:
	def __init__(self, update: bool, report: Report):
		self.update, self.report = update, report
		self._column_defaults = {}

	def write_tree(self, doctype: str, rows: list[Row]) -> None:
		"""A tree's good rows, under its lock; its bounds rebuilt once if nodes were added under a parent
		or moved."""
		lock_tree(doctype)
		new, changed = self.write_rows(doctype, rows)
		moved = moved_nodes(doctype, changed)
		if moved or any(row.values.get(parent_field_of(doctype)) for row in new):
			rebuild_tree(doctype)
		if moved:
			announce("tree_nodes_moved", doctype=doctype, nodes=moved)

	def write_customers(self, batch: list[Row]) -> tuple[list[Row], list[Row]]:
		"""A batch of customers (the caller holds the customer tree's lock and rebuilds it after the last
		batch), announced at once."""
		new, changed = self.write_rows(STREAMED, batch)
		if new or changed:
			announce(
				"customers_changed",
				customers=[row.name for row in [*new, *changed]],
				created=[row.name for row in new],
			)
		return new, changed

	def customers_done(self, moved: list[str], rebuild: bool) -> None:
		if rebuild:
			rebuild_tree(STREAMED)
		if moved:
			announce("tree_nodes_moved", doctype=STREAMED, nodes=moved)

	def write_rows(self, doctype: str, rows: list[Row]) -> tuple[list[Row], list[Row]]:
		"""Insert the new rows, update the changed ones; returns both."""
		new = [row for row in rows if not row.exists]
		changed = changed_rows([row for row in rows if row.exists]) if self.update else []
		self.report.unchanged[doctype] += len(rows) - len(new) - len(changed)
		self.insert(doctype, new)
		update_rows(doctype, changed)
		self.report.created[doctype] += len(new)
		self.report.updated[doctype] += len(changed)
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
			record_membership_changes(membership_changes(new, changed), _("Customer import"))
			make_contacts_and_addresses(new)
		return new, changed

	def insert(self, doctype: str, rows: list[Row]) -> None:
		if not rows:
			return
		parent_field = parent_field_of(doctype)
		columns = sorted({key for row in rows for key in row.values} - {"lft", "rgt", "old_parent"})
		# a column every row leaves at the table's own default is left to the table (less to send)
		if doctype not in self._column_defaults:
			self._column_defaults[doctype] = column_defaults(doctype)
		defaults = self._column_defaults[doctype]
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

	def write_documents(self, held: dict[str, list[Row]]) -> None:
		"""Contacts and addresses, saved as documents (Frappe's own rules, child tables and all)."""
		self._save_each(held, DOCUMENT_ORDER, lambda doctype, row: self.new_document(doctype, row).insert())

	def write_records(self, held: dict[str, list[Row]]) -> None:
		"""Opening statistics, each made and submitted by the function the form and REST use (refused with a
		PermissionError when CRM Settings do not allow them)."""
		self._save_each(
			held,
			RECORD_ORDER,
			lambda _doctype, row: statistics_adjustments.record(row.values),
			(frappe.ValidationError, frappe.PermissionError),
		)

	def _save_each(
		self, held: dict[str, list[Row]], doctypes: list[str], save, refusals=(frappe.ValidationError,)
	):
		"""The good new rows of each doctype, each saved by `save(doctype, row)` on its own savepoint: a
		refused one is rolled back and reported with its line, the others stay."""
		for doctype in doctypes:
			for row in held.get(doctype, ()):
				if row.errors:
					continue
				if row.exists:
					self.report.unchanged[doctype] += 1
					continue
				savepoint = "crm_import_row"
				frappe.db.savepoint(savepoint)
				try:
					save(doctype, row)
				except refusals as error:
					frappe.db.rollback(save_point=savepoint)
					forget_message()
					self.report.errors.append(
						{"sheet": row.sheet, "row": row.line, "column": None, "message": str(error)}
					)
					continue
				self.report.created[doctype] += 1

	def new_document(self, doctype: str, row: Row):
		"""A contact or an address of the file, linked to its customer, not saved yet."""
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
		return doc


def update_rows(doctype: str, rows: list[Row]) -> None:
	stamp, user = now(), frappe.session.user
	for row in rows:
		values = {k: v for k, v in row.values.items() if k != "name"}
		frappe.db.set_value(
			doctype, row.name, {**values, "modified": stamp, "modified_by": user}, update_modified=False
		)


def changed_rows(rows: list[Row]) -> list[Row]:
	"""The existing rows whose file values differ from the stored ones (`row.before`)."""
	return [
		row
		for row in rows
		if any(str(row.before.get(k) or "") != str(v or "") for k, v in row.values.items() if k != "name")
	]


def membership_changes(new: list[Row], changed: list[Row]) -> list[tuple]:
	"""The group and territory of the new customers, and those the file changes on the others."""
	changes = []
	for row in new:
		changes += [(row.name, f, row.values[f]) for f in MEMBERSHIP_FIELDS if row.values.get(f)]
	for row in changed:
		changes += [
			(row.name, f, row.values[f] or None)
			for f in MEMBERSHIP_FIELDS
			if f in row.values and (row.values[f] or "") != (row.before.get(f) or "")
		]
	return changes


def moved_nodes(doctype: str, changed: list[Row]) -> list[str]:
	"""The updated nodes whose parent changed."""
	parent_field = parent_field_of(doctype)
	return [
		row.name
		for row in changed
		if parent_field in row.values
		and (row.values[parent_field] or "") != (row.before.get(parent_field) or "")
	]


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


def make_contacts_and_addresses(rows: list[Row]) -> None:
	"""What a customer's quick entry makes after its insert, by the same function: a Contact from the
	email and mobile columns, an Address from the address columns (a document each, so only for the
	rows that have them)."""
	for row in rows:
		if row.address.get("address_line1") or row.values.get("email_id") or row.values.get("mobile_no"):
			customer = frappe.get_doc("Customer", row.name)
			customer.update(row.address)
			link_quick_entry_records(customer)
