"""What no user may do to the money records: write the derived tables by hand, rename a posted
document, or point a document at records that do not exist.

The customer ledger, its monthly summary and the sales target actuals are derived from submitted
documents: only the app's posting code writes them (with `db_insert` and SQL). Their permissions give no
one create, write or delete; their controllers also refuse the document API (even with
`ignore_permissions`) unless the app's own code says it is writing, through `app_writes()`.
"""

from contextlib import contextmanager

import frappe
from frappe import _
from frappe.model.document import Document

_FLAG = "crm_app_writes_derived"


class DerivedRecordWriteError(frappe.PermissionError):
	"""A ledger, summary or actuals row created, changed or deleted by hand."""


class RenameNotAllowedError(frappe.ValidationError):
	pass


class MissingLinkError(frappe.LinkValidationError):
	"""A document names a record that does not exist."""


@contextmanager
def app_writes():
	"""Mark the app's own posting code: derived records may be written inside the block."""
	previous = frappe.flags.get(_FLAG)
	frappe.flags[_FLAG] = True
	try:
		yield
	finally:
		frappe.flags[_FLAG] = previous


def refuse_direct_write(doc) -> None:
	if frappe.flags.get(_FLAG):
		return
	frappe.throw(
		_("{0} is written by the app only: it cannot be created, changed or deleted by hand").format(
			_(doc.doctype)
		),
		DerivedRecordWriteError,
	)


class AppWrittenDocument(Document):
	"""A record only the app's posting code writes (ledger, its summary, target actuals): inserting,
	saving, deleting or renaming it any other way is refused."""

	def before_insert(self):
		refuse_direct_write(self)

	def validate(self):
		refuse_direct_write(self)

	def on_trash(self):
		refuse_direct_write(self)

	def before_rename(self, old, new, merge=False):
		refuse_rename(self)


def refuse_rename(doc) -> None:
	"""The ledger and the statistics point at a financial document by the name it was posted under."""
	frappe.throw(
		_("{0} {1} cannot be renamed: financial records keep the name they were posted under").format(
			_(doc.doctype), doc.name
		),
		RenameNotAllowedError,
	)


def validate_links(doc, required: tuple[str, ...] = ()) -> None:
	"""The `required` fields are set, and every Link and Dynamic Link of the document and its rows names
	an existing record.

	Frappe checks links before `validate`, but lets a link through when the target is missing and a
	field fetches from it (`fetch_from`: the customer's name, the item's group), and the defaults read
	from the customer would then fail with a server error; and Frappe's mandatory check comes after
	`validate`. Checked first thing in `validate`, so nothing is read from, nor written for, a record
	that is missing or does not exist."""
	for fieldname in required:
		if not doc.get(fieldname):
			frappe.throw(_("{0} is required").format(_(doc.meta.get_label(fieldname))), frappe.MandatoryError)
	seen = set()
	for row in [doc, *doc.get_all_children()]:
		for df in row.meta.get_link_fields() + row.meta.get("fields", {"fieldtype": "Dynamic Link"}):
			value = row.get(df.fieldname)
			if not value or df.fieldname == "amended_from":
				continue
			doctype = df.options if df.fieldtype == "Link" else row.get(df.options)
			if not doctype or (doctype, value) in seen:
				continue
			seen.add((doctype, value))
			if frappe.get_meta(doctype).issingle or frappe.get_meta(doctype).get("is_virtual"):
				continue
			if not frappe.db.exists(doctype, value):
				label = _(df.label or df.fieldname)
				where = _("Row {0}: {1}").format(row.idx, label) if row.get("parentfield") else label
				frappe.throw(
					_("{0}: {1} {2} does not exist").format(where, _(doctype), frappe.bold(value)),
					MissingLinkError,
				)
