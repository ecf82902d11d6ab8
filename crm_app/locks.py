"""Locks that serialise the app's concurrent writers, and conflicts answered as "busy, try again".

MariaDB runs transactions in REPEATABLE READ: a plain SELECT sees the database as it was when the
transaction first read it, so a value read after waiting for a lock can be stale. Code that decides on
what it read under a lock (a tree position, an outstanding balance) must read it with a locking read
(`for_update=True`, `FOR UPDATE`, `LOCK IN SHARE MODE`), which sees the latest committed rows.
"""

import functools
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


def runs_again_after_deadlock(what: str):
	"""For a unit of work that takes its locks as it reads (a locking read over many rows cannot take them
	all first): InnoDB undoes the whole transaction of a deadlock's victim. When the transaction had written
	nothing before the work began, nothing of the caller's is lost: the work runs again from its start, a
	few times; otherwise, or at the last attempt, the answer is "busy, try again" (409)."""

	def decorate(function):
		@functools.wraps(function)
		def wrapper(*args, **kwargs):
			wrote_nothing = not getattr(frappe.db, "transaction_writes", 1)
			for attempt in range(LOCK_ATTEMPTS):
				try:
					return function(*args, **kwargs)
				except frappe.QueryDeadlockError:
					if not wrote_nothing or attempt == LOCK_ATTEMPTS - 1:
						raise_busy(_(what))

		return wrapper

	return decorate


def lock_doctype(doctype: str, doc=None, nowait: bool = False, what: str | None = None) -> None:
	"""A named mutex: serialise the writers of one kind of record (a tree, the ledger summary's rebuild,
	the sales target actuals' recount) until the end of the transaction.

	The lock is the DocType's own row, locked FOR UPDATE: every doctype has one, it needs no table of its
	own, plain reads of it (meta) never wait, and the lock ends with the transaction whatever way it ends.
	The wait is bounded and a lock held too long is answered busy (409). With `nowait`, a lock another
	writer holds is answered busy at once (for a transaction that already holds a row that writer may
	need)."""
	_lock(
		f"select name from `tabDocType` where name = %s for update{' nowait' if nowait else _wait_clause()}",
		(doctype,),
		what or _(doctype),
		doc,
	)


def lock_tree(doctype: str, doc=None, nowait: bool = False) -> None:
	"""Serialise the writers of one tree until the end of the transaction (see `lock_doctype`)."""
	lock_doctype(doctype, doc, nowait)


def lock_row(doctype: str, name: str, fields: list[str], doc=None) -> frappe._dict | None:
	"""Lock one record until the end of the transaction and read its latest committed values."""
	columns = ", ".join(f"`{field}`" for field in fields)
	rows = _lock(
		f"select {columns} from `tab{doctype}` where name = %s for update{_wait_clause()}",
		(name,),
		f"{_(doctype)} {name}",
		doc,
	)
	return frappe._dict(zip(fields, rows[0], strict=True)) if rows else None


def _lock(query: str, values: tuple, what: str, doc=None):
	"""Run a locking read, waiting a bounded time, a few times.

	A lock wait that times out fails only the statement, so it is tried again. A deadlock undoes the
	whole transaction (InnoDB picks the waiter as its victim): when the transaction had written nothing
	yet, nothing is lost, so the lock is tried again and `doc`, the document being saved, is checked
	again against the database (Frappe's check_if_latest, which also takes its row lock back). Anything
	else is answered "busy, try again" (409)."""
	for attempt in range(LOCK_ATTEMPTS):
		wrote_nothing = not getattr(frappe.db, "transaction_writes", 1)
		try:
			rows = frappe.db.sql(query, values)
			if attempt and doc is not None and not doc.is_new():
				doc.check_if_latest()
			return rows
		except Exception as error:
			retry = isinstance(error, frappe.QueryTimeoutError) or (
				isinstance(error, frappe.QueryDeadlockError) and wrote_nothing
			)
			if not _is_conflict(error):
				raise
			if not retry or attempt == LOCK_ATTEMPTS - 1:
				raise_busy(what)


def _wait_clause() -> str:
	# MariaDB (10.3+) bounds the wait of one statement; elsewhere the server's lock wait timeout applies
	return f" wait {LOCK_WAIT_SECONDS}" if frappe.db.db_type == "mariadb" else ""
