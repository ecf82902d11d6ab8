"""The customer ledger: one append-only row per money movement, and its monthly summary.

Every submitted Sales Invoice, Payment Entry and Customer Adjustment writes rows here; cancelling
writes reversing rows (`is_reversal`), nothing is updated or deleted. `amount` is the effect on what
the customer owes (an invoice raises it, a receipt lowers it).

"Invoice Paid" rows mark the moment an invoice is fully settled (amount 0: no effect on the balance);
they carry the statistics Sage keeps on invoices paid and days to pay.

The summary (Customer Ledger Summary) holds, per customer group, company, currency, month and movement
type, the number of entries and their amounts, in the "natural" sign (an invoice, a receipt, a credit
note all count positive). It is kept by the same SQL aggregate that rebuilds it from scratch, run on
the new rows only, so the two cannot disagree.
"""

import frappe
from frappe import _
from frappe.utils import flt, getdate

from crm_app.customers.membership import AS_AT_THE_TIME, AS_GROUPED_TODAY
from crm_app.events import announce
from crm_app.guards import app_writes
from crm_app.locks import lock_doctype
from crm_app.permissions import permitted_customers_condition
from crm_app.receivables.balances import add_to_balances
from crm_app.receivables.movements import BALANCE_SIGN, LOWERING, sql_list

LEDGER = "Customer Ledger Entry"
SUMMARY = "Customer Ledger Summary"


class InvalidPostingError(frappe.ValidationError):
	pass


LEDGER_FIELDS = (
	"customer",
	"company",
	"customer_group",
	"territory",
	"movement_type",
	"posting_date",
	"due_date",
	"currency",
	"amount",
	"tax_amount",
	"voucher_type",
	"voucher_no",
	"against_voucher_type",
	"against_voucher",
	"is_reversal",
)


def post(rows: list[dict]) -> None:
	"""Append rows to the ledger and add them to the summary and to the customers' kept balances."""
	if not rows:
		return
	names = []
	with app_writes():
		for row in rows:
			entry = frappe.get_doc({"doctype": LEDGER, **{f: row.get(f) for f in LEDGER_FIELDS}})
			entry.is_reversal = entry.is_reversal or 0
			entry.name = frappe.db.get_next_sequence_val(LEDGER)
			entry.db_insert()
			names.append(entry.name)
		add_to_summary(names)
	add_to_balances(rows)
	announce("ledger_posted", customers=sorted({row.get("customer") for row in rows} - {None}))


def reverse_voucher(
	voucher_type: str, voucher_no: str, by_voucher: tuple[str, str] | None = None, **filters
) -> None:
	"""Undo a document's rows (or some of them) with opposite rows, dated as the rows they undo so that
	each period's statistics net out. A row that itself reversed another is undone by a plain row.
	`by_voucher` names the document doing it, when it is not the document itself."""
	rows = frappe.get_all(
		LEDGER,
		filters={"voucher_type": voucher_type, "voucher_no": voucher_no, **filters},
		fields=list(LEDGER_FIELDS),
		order_by="name",
	)
	for row in rows:
		row.amount, row.tax_amount, row.is_reversal = (
			-row.amount,
			-row.tax_amount,
			0 if row.is_reversal else 1,
		)
		if by_voucher:
			row.voucher_type, row.voucher_no = by_voucher
	post(rows)


# The one aggregate that turns ledger rows into summary rows (incremental and full rebuild).
# Reversal rows count -1 entry; amounts are in natural sign; "Invoice Paid" rows take the invoice's
# grand total and the days from invoice to payment. The group is the row's own (as at the time), or the
# customer's current one (as grouped today, never stored).
_AGGREGATE_BY = """
	select
		ifnull({group}, '') as customer_group, l.company, l.currency,
		date_format(l.posting_date, '%%Y-%%m-01') as period_start, l.movement_type,
		sum(if(l.is_reversal, -1, 1)) as entries,
		sum(case
			when l.movement_type = 'Invoice Paid' then if(l.is_reversal, -1, 1) * si.grand_total
			when l.movement_type in ({lowering}) then -l.amount
			else l.amount end) as amount,
		sum(case
			when l.movement_type = 'Invoice Paid' then if(l.is_reversal, -1, 1) * si.total_taxes_and_charges
			when l.movement_type in ({lowering}) then -l.tax_amount
			else l.tax_amount end) as tax_amount,
		sum(if(l.movement_type = 'Invoice Paid',
			if(l.is_reversal, -1, 1) * datediff(l.posting_date, si.posting_date), 0)) as days_to_pay
	from `tabCustomer Ledger Entry` l {join}
	left join `tabSales Invoice` si
		on l.movement_type = 'Invoice Paid' and si.name = l.against_voucher
	{where}
	group by 1, 2, 3, 4, 5
""".replace("{lowering}", sql_list(LOWERING))
_AGGREGATE = _AGGREGATE_BY.replace("{group}", "l.customer_group").replace("{join}", "")
_AGGREGATE_TODAY = _AGGREGATE_BY.replace("{group}", "c.customer_group").replace(
	"{join}", "join `tabCustomer` c on c.name = l.customer"
)

_UPSERT = """
	insert into `tabCustomer Ledger Summary`
		(name, customer_group, company, currency, period_start, movement_type, entries, amount, tax_amount,
		days_to_pay, creation, modified, owner, modified_by)
	select nextval(`customer_ledger_summary_id_seq`), a.*, %(now)s, %(now)s, %(user)s, %(user)s
	from ({aggregate}) a
	on duplicate key update
		entries = `tabCustomer Ledger Summary`.entries + values(entries),
		amount = `tabCustomer Ledger Summary`.amount + values(amount),
		tax_amount = `tabCustomer Ledger Summary`.tax_amount + values(tax_amount),
		days_to_pay = `tabCustomer Ledger Summary`.days_to_pay + values(days_to_pay),
		modified = values(modified)
"""


def add_to_summary(ledger_names: list[int]) -> None:
	frappe.db.sql(
		_UPSERT.format(aggregate=_AGGREGATE.format(where="where l.name in %(names)s")),
		{"names": tuple(ledger_names), "now": frappe.utils.now(), "user": frappe.session.user},
	)


_INSERT_SUMMARY = """
	insert into `tabCustomer Ledger Summary`
		(name, customer_group, company, currency, period_start, movement_type, entries, amount, tax_amount,
		days_to_pay, creation, modified, owner, modified_by)
	values {rows}
"""
_SUMMARY_ROW = (
	"(nextval(`customer_ledger_summary_id_seq`), %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)


def rebuild_summary() -> int:
	"""Recompute the whole summary from the ledger (after an import, or to check it), in one
	transaction that loses nothing posted meanwhile.

	The aggregate is read first, with a locking read: it sees every row committed until then (whatever
	this transaction read before), waits for the postings under way, and keeps new postings waiting
	until the rebuild commits. Only then are the old summary rows replaced. Deleting first would lock the
	summary while a posting holds its new ledger rows: each would wait for the other (a deadlock)."""
	with app_writes():
		# one rebuild at a time: two would each hold the summary rows the other must delete
		lock_doctype(SUMMARY)
		rows = frappe.db.sql(_AGGREGATE.format(where="") + " lock in share mode", {})
		frappe.db.sql("delete from `tabCustomer Ledger Summary`")
		now, user = frappe.utils.now(), frappe.session.user
		for start in range(0, len(rows), 500):
			chunk = rows[start : start + 500]
			frappe.db.sql(
				_INSERT_SUMMARY.format(rows=", ".join([_SUMMARY_ROW] * len(chunk))),
				[value for row in chunk for value in (*row, now, now, user, user)],
			)
	return len(rows)


def summary_source(user: str | None = None, grouping: str = AS_AT_THE_TIME, ledger_where: str = "") -> str:
	"""What figures of many customers are read from, as a FROM item: the monthly summary, or for a user
	limited to some customers (territory, group) the same aggregate over those customers' ledger rows
	only, so a group's figures never include customers the user may not read.

	`grouping` AS_GROUPED_TODAY: the same aggregate by each customer's current group instead of the group
	its rows were posted under (read from the ledger: the summary keeps the figures as posted).

	`ledger_where`: conditions on the ledger rows (alias `l`, " and ..." form) that the caller applies to
	the summary anyway (dates, company), given again so that an aggregate reads only those rows."""
	permitted = permitted_customers_condition("l.customer", user)
	if grouping != AS_GROUPED_TODAY and not permitted:
		return "`tabCustomer Ledger Summary`"
	where = "where 1 = 1" + (f" and {permitted}" if permitted else "") + ledger_where
	return f"({(_AGGREGATE_TODAY if grouping == AS_GROUPED_TODAY else _AGGREGATE).format(where=where)})"


def aggregate_ledger(where: str, values: dict) -> list[dict]:
	"""The summary's aggregate over any slice of the ledger (a customer's statistics)."""
	return frappe.db.sql(_AGGREGATE.format(where=where), values, as_dict=True)


def balance(customers: list[str], company: str, currency: str, latest: bool = False) -> float:
	"""What the customers owe in one company and currency: the sum of their ledger rows. `latest` reads
	the rows committed up to now (a locking read) rather than the transaction's snapshot: a check made
	after waiting for a lock must count what the session it waited for has posted."""
	if not customers:
		return 0.0
	return frappe.db.sql(
		"""select ifnull(sum(amount), 0) from `tabCustomer Ledger Entry`
		where customer in %(customers)s and company = %(company)s and currency = %(currency)s"""
		+ (" lock in share mode" if latest else ""),
		{"customers": tuple(customers), "company": company, "currency": currency},
	)[0][0]


def ledger_row(doc, movement_type: str, amount: float, tax_amount: float = 0, **extra) -> dict:
	"""A ledger row for a document with the usual party fields; `amount` in natural sign.

	Natural amounts are never negative (an adjustment, whose sign is the user's, excepted): a negative
	one would post the opposite of what the document says."""
	if movement_type != "Adjustment" and (flt(amount) < 0 or flt(tax_amount) < 0):
		frappe.throw(
			_("{0} {1}: a {2} cannot be posted with a negative amount ({3})").format(
				_(doc.doctype),
				doc.name,
				_(movement_type),
				flt(amount) if flt(amount) < 0 else flt(tax_amount),
			),
			InvalidPostingError,
		)
	customer = doc.get("customer") or doc.get("party")
	# the group and territory of the posting's day (the document's, else the customer's now): statistics
	# "as at the time" read them from here, whatever the customer's group becomes
	group, territory = doc.get("customer_group"), doc.get("territory")
	if not (group and territory):
		current = (
			frappe.db.get_value("Customer", customer, ["customer_group", "territory"], as_dict=True) or {}
		)
		group, territory = group or current.get("customer_group"), territory or current.get("territory")
	return {
		"customer": customer,
		"company": doc.company,
		"customer_group": group,
		"territory": territory,
		"movement_type": movement_type,
		"posting_date": getdate(doc.posting_date),
		"currency": doc.currency,
		"amount": BALANCE_SIGN[movement_type] * amount,
		"tax_amount": BALANCE_SIGN[movement_type] * tax_amount,
		"voucher_type": doc.doctype,
		"voucher_no": doc.name,
		**extra,
	}
