"""What a customer's open orders commit it to beyond its ledger, for credit control (hooks.py
`credit_commitments`): the unbilled part of its submitted orders that are neither closed, completed nor on
hold, read with a locking read so that an order submitted by another user just before (under the same
customer lock) counts."""

import frappe
from frappe.utils import flt

# the orders whose unbilled amount the customer is committed to
COMMITTING = ("To Deliver and Bill", "To Bill", "To Deliver")


def open_orders(customers: list[str], company: str, currency: str, doc) -> float:
	"""The unbilled amount of the customers' open orders, leaving out `doc` when it is an order and, when it
	is an invoice, what it bills of them (counted once, by the invoice itself)."""
	if not customers:
		return 0.0
	leave_out = doc.name if doc.doctype == "Sales Order" else ""
	unbilled = frappe.db.sql(
		"""select so.name, sum(soi.amount - soi.billed_amt)
		from `tabSales Order Item` soi join `tabSales Order` so on so.name = soi.parent
		where so.docstatus = 1 and so.status in %(statuses)s and so.customer in %(customers)s
			and so.company = %(company)s and so.currency = %(currency)s and so.name != %(leave_out)s
			and soi.amount > soi.billed_amt
		group by so.name
		lock in share mode""",
		{
			"statuses": COMMITTING,
			"customers": tuple(customers),
			"company": company,
			"currency": currency,
			"leave_out": leave_out,
		},
	)
	billed_now = {}
	if doc.doctype == "Sales Invoice":
		for row in doc.get("items") or []:
			if row.get("sales_order"):
				billed_now[row.sales_order] = billed_now.get(row.sales_order, 0.0) + flt(row.amount)
	return sum(max(flt(amount) - billed_now.get(order, 0.0), 0.0) for order, amount in unbilled)
