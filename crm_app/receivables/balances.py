"""What each customer owes, kept per company and currency as money moves, so that many customers' balances
are read without adding up their ledger (segments, lists).

Two figures are kept, each by the code that changes what it counts, in the same transaction:
- Customer Balance: the sum of the customer's ledger rows, added to by every posting (`ledger.post`).
- Customer Due Amount: what the customer's submitted invoices still have to be paid, per due date, added
  to when an invoice is submitted and taken from as it is settled (payments, credit notes, write-offs) or
  cancelled. The overdue amount is the part due before today: kept by due date, it grows with the date
  alone, with no job to run at midnight, and always says what the invoices' Overdue status says.

Each change adds to its row in one statement (`insert ... on duplicate key update x = x + change`), which
holds the row until commit: concurrent postings of one customer wait for each other there and both count,
whatever their order. A cancellation adds the opposite; nothing is recomputed on the way.

`rebuild_balances` recomputes both from the ledger and the invoices (after an import, or to repair);
`check_balances` lists where they differ.
"""

from collections import defaultdict
from itertools import pairwise

import frappe
from frappe.utils import flt

from crm_app.guards import app_writes
from crm_app.locks import lock_doctype

BALANCE, DUE = "Customer Balance", "Customer Due Amount"

_ADD_BALANCE = """
	insert into `tabCustomer Balance`
		(name, customer, company, currency, balance, creation, modified, owner, modified_by)
	values (nextval(`customer_balance_id_seq`), %(customer)s, %(company)s, %(currency)s, %(amount)s,
		%(now)s, %(now)s, %(user)s, %(user)s)
	on duplicate key update balance = balance + values(balance), modified = values(modified)
"""
_ADD_DUE = """
	insert into `tabCustomer Due Amount`
		(name, customer, company, currency, due_date, outstanding_amount, creation, modified, owner,
		modified_by)
	values (nextval(`customer_due_amount_id_seq`), %(customer)s, %(company)s, %(currency)s, %(due_date)s,
		%(amount)s, %(now)s, %(now)s, %(user)s, %(user)s)
	on duplicate key update outstanding_amount = outstanding_amount + values(outstanding_amount),
		modified = values(modified)
"""


def add_to_balances(rows: list[dict]) -> None:
	"""Ledger rows being posted, added to their customers' balances (in one order, so that two postings
	touching the same customers wait for each other instead of deadlocking)."""
	changes = defaultdict(float)
	for row in rows:
		if row.get("customer") and flt(row.get("amount")):
			changes[(row["customer"], row["company"], row["currency"])] += flt(row["amount"])
	stamps = {"now": frappe.utils.now(), "user": frappe.session.user}
	with app_writes():
		for (customer, company, currency), amount in sorted(changes.items()):
			frappe.db.sql(
				_ADD_BALANCE,
				{"customer": customer, "company": company, "currency": currency, "amount": amount, **stamps},
			)


def add_to_due_amounts(invoice, change: float) -> None:
	"""An invoice's outstanding changed by `change` (its submission, a settlement, its cancellation): its
	customer's amount due on its due date follows. A due date paid off entirely leaves no row."""
	if not flt(change) or not invoice.get("due_date"):
		return
	key = {
		"customer": invoice.get("customer"),
		"company": invoice.get("company"),
		"currency": invoice.get("currency"),
		"due_date": invoice.get("due_date"),
	}
	with app_writes():
		frappe.db.sql(
			_ADD_DUE, {**key, "amount": flt(change), "now": frappe.utils.now(), "user": frappe.session.user}
		)
		frappe.db.sql(
			"""delete from `tabCustomer Due Amount` where customer = %(customer)s and company = %(company)s
			and currency = %(currency)s and due_date = %(due_date)s and outstanding_amount = 0""",
			key,
		)


# What the kept figures are, from the records they count: the ledger and the invoices. An invoice counts
# from its submission to its cancellation, as crm_app.overdue's condition does.
_LEDGER_BALANCES = """
	select customer, company, currency, sum(amount) from `tabCustomer Ledger Entry`
	where {where} group by customer, company, currency
"""
_INVOICE_DUE_AMOUNTS = """
	select customer, company, currency, due_date, sum(outstanding_amount) from `tabSales Invoice`
	where docstatus = 1 and is_return = 0 and due_date is not null and {where}
	group by customer, company, currency, due_date
	having sum(outstanding_amount) != 0
"""
_KEPT_BALANCES = "select customer, company, currency, balance from `tabCustomer Balance` where {where}"
_KEPT_DUE_AMOUNTS = """
	select customer, company, currency, due_date, outstanding_amount from `tabCustomer Due Amount`
	where {where}
"""


def _customer_range(low: str | None, high: str | None) -> tuple[str, dict]:
	conditions = (["customer >= %(low)s"] if low is not None else []) + (
		["customer < %(high)s"] if high is not None else []
	)
	return " and ".join(conditions) or "1 = 1", {"low": low, "high": high}


def _figures(query: str, where: str, values: dict) -> dict[tuple, float]:
	return {tuple(row[:-1]): flt(row[-1]) for row in frappe.db.sql(query.format(where=where), values)}


def rebuild_balances(customers_per_step: int = 5000) -> int:
	"""Recompute the kept figures from the ledger and the invoices, a range of customers at a time, each
	in its own transaction (this commits what the caller did before); returns the rows written.

	Each step first locks its customers' kept rows, and the gaps where new ones would go: a posting that
	changed them has committed, one that would is kept waiting until the step commits, then adds its
	change to the rebuilt figure. Only then are the ledger and the invoices read, with a plain read whose
	snapshot starts after the lock (the transaction's first plain read), so it counts every posting that
	committed and none that has yet to add its change. Plain reads, not locking ones: a posting may hold
	its document's row while it waits for the kept rows, and a locking read of that row would deadlock."""
	frappe.db.commit()
	names = frappe.db.sql("select name from `tabCustomer` order by name", pluck=True)
	bounds = [None, *names[customers_per_step::customers_per_step], None]
	written = 0
	stamps = (frappe.utils.now(), frappe.utils.now(), frappe.session.user, frappe.session.user)
	for low, high in pairwise(bounds):
		where, values = _customer_range(low, high)
		with app_writes():
			lock_doctype(BALANCE)  # one rebuild at a time
			frappe.db.sql(f"select name from `tabCustomer Balance` where {where} for update", values)
			frappe.db.sql(f"select name from `tabCustomer Due Amount` where {where} for update", values)
			balances = _figures(_LEDGER_BALANCES, where, values)
			due_amounts = _figures(_INVOICE_DUE_AMOUNTS, where, values)
			frappe.db.sql(f"delete from `tabCustomer Balance` where {where}", values)
			frappe.db.sql(f"delete from `tabCustomer Due Amount` where {where}", values)
			written += _insert(
				"tabCustomer Balance",
				"customer_balance_id_seq",
				["customer", "company", "currency", "balance"],
				[(*key, amount) for key, amount in sorted(balances.items())],
				stamps,
			)
			written += _insert(
				"tabCustomer Due Amount",
				"customer_due_amount_id_seq",
				["customer", "company", "currency", "due_date", "outstanding_amount"],
				[(*key, amount) for key, amount in sorted(due_amounts.items())],
				stamps,
			)
		frappe.db.commit()
	return written


def _insert(table: str, sequence: str, columns: list[str], rows: list[tuple], stamps: tuple) -> int:
	placeholders = f"(nextval(`{sequence}`), {', '.join(['%s'] * (len(columns) + len(stamps)))})"
	for start in range(0, len(rows), 1000):
		chunk = rows[start : start + 1000]
		frappe.db.sql(
			f"""insert into `{table}` (name, {", ".join(columns)}, creation, modified, owner, modified_by)
			values {", ".join([placeholders] * len(chunk))}""",
			[value for row in chunk for value in (*row, *stamps)],
		)
	return len(rows)


def check_balances(customers: list[str] | None = None) -> list[dict]:
	"""Where the kept figures differ from the ledger and the invoices (all customers, or those named):
	one dict per difference, with the figure kept and the one counted (a missing row counts zero)."""
	where, values = "1 = 1", {}
	if customers is not None:
		if not customers:
			return []
		where, values = "customer in %(customers)s", {"customers": tuple(customers)}
	differences = []
	for kind, kept_query, counted_query in (
		("balance", _KEPT_BALANCES, _LEDGER_BALANCES),
		("due amount", _KEPT_DUE_AMOUNTS, _INVOICE_DUE_AMOUNTS),
	):
		kept, counted = _figures(kept_query, where, values), _figures(counted_query, where, values)
		for key in sorted(set(kept) | set(counted), key=str):
			if abs(kept.get(key, 0.0) - counted.get(key, 0.0)) > 0.005:
				differences.append(
					{
						"figure": kind,
						"key": key,
						"kept": kept.get(key, 0.0),
						"counted": counted.get(key, 0.0),
					}
				)
	return differences
