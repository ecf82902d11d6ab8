"""Locks that serialise the app's concurrent writers, and conflicts answered as "busy, try again".

MariaDB runs transactions in REPEATABLE READ: a plain SELECT sees the database as it was when the
transaction first read it, so a value read after waiting for a lock can be stale. Code that decides on
what it read under a lock (a tree position, an outstanding balance) must read it with a locking read
(`for_update=True`, `FOR UPDATE`, `LOCK IN SHARE MODE`), which sees the latest committed rows.
"""

from contextlib import contextmanager

import frappe
from frappe import _

# One wait for a lock, and how many times a wait that timed out is tried again before giving up.
LOCK_WAIT_SECONDS = 10
LOCK_ATTEMPTS = 3


class ConcurrentWriteError(frappe.ValidationError):
	"""Another user is changing the same records: nothing was written, the request can be sent again."""

	http_status_code = 409


def _is_conflict(error: Exception) -> bool:
	return isinstance(error, frappe.QueryDeadlockError | frappe.QueryTimeoutError)


def raise_busy(what: str) -> None:
	frappe.throw(
		_("{0} is being changed by another user at this moment: nothing was saved, please try again").format(
			what
		),
		ConcurrentWriteError,
		title=_("Busy, try again"),
	)


@contextmanager
def conflicts_as_busy(what: str):
	"""A deadlock or lock wait timeout inside the block is answered as a translated 409, not a 500."""
	try:
		yield
	except Exception as error:
		if _is_conflict(error):
			raise_busy(what)
		raise


def lock_tree(doctype: str) -> None:
	"""Serialise the writers of one tree until the end of the transaction.

	The lock is the tree's own DocType row, locked FOR UPDATE: every tree has one, it needs no table of
	its own, plain reads of it (meta) never wait, and the lock ends with the transaction whatever way
	it ends. A lock wait that times out only fails the statement, so it is tried again; a deadlock
	while waiting undoes the transaction, so it is tried again only when the transaction had written
	nothing yet (nothing is lost by the undo)."""
	for attempt in range(LOCK_ATTEMPTS):
		wrote_nothing = not getattr(frappe.db, "transaction_writes", 1)
		try:
			frappe.db.sql(
				f"select name from `tabDocType` where name = %s for update{_wait_clause()}", doctype
			)
			return
		except Exception as error:
			retry = isinstance(error, frappe.QueryTimeoutError) or (
				isinstance(error, frappe.QueryDeadlockError) and wrote_nothing
			)
			if not (retry and attempt < LOCK_ATTEMPTS - 1) and _is_conflict(error):
				raise_busy(_(doctype))
			if not retry:
				raise


def _wait_clause() -> str:
	# MariaDB (10.3+) bounds the wait of one statement; elsewhere the server's lock wait timeout applies
	return f" wait {LOCK_WAIT_SECONDS}" if frappe.db.db_type == "mariadb" else ""


def lock_row(doctype: str, name: str, fields: list[str]) -> frappe._dict | None:
	"""Lock one record until the end of the transaction and read its latest committed values."""
	with conflicts_as_busy(_("{0} {1}").format(_(doctype), name)):
		return frappe.db.get_value(doctype, name, fields, as_dict=True, for_update=True)
