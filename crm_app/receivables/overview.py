"""The customer's 360 view (seed 004): invoices, balance, payments, tasks, attachments, linked records."""

import frappe
from frappe.utils import flt, getdate, nowdate

from crm_app.currency import company_currency
from crm_app.receivables.ledger import aggregate_ledger


def invoice_figures(customer: str, today: str) -> dict:
	"""The count and amount of the customer's authorised (submitted), pending (draft) and overdue
	(submitted, unpaid, past due) invoices the user may read: one get_list (permissions, user permissions)
	for the three, summed here (newer Frappe refuses SQL functions in get_list's fields)."""
	figures = {kind: {"count": 0, "amount": 0.0} for kind in ("authorised", "pending", "overdue")}
	if not frappe.has_permission("Sales Invoice", "read"):
		return figures
	invoices = frappe.get_list(
		"Sales Invoice",
		filters={"customer": customer, "is_return": 0, "docstatus": ("<", 2)},
		fields=["docstatus", "grand_total", "outstanding_amount", "due_date"],
		limit_page_length=0,
	)
	for invoice in invoices:
		kinds = ["pending"] if invoice.docstatus == 0 else ["authorised"]
		if (
			invoice.docstatus == 1
			and flt(invoice.outstanding_amount) > 0
			and invoice.due_date
			and getdate(invoice.due_date) < getdate(today)
		):
			kinds.append("overdue")
		for kind in kinds:
			figures[kind]["count"] += 1
			figures[kind]["amount"] += flt(invoice.grand_total)
	for values in figures.values():
		values["amount"] = flt(values["amount"], 9)
	return figures


def _readable_count(doctype: str, filters: dict) -> int | None:
	"""How many of these records the user may read; None when the user may read none of that doctype
	(the overview then leaves the line out rather than show a count it would not let the user open)."""
	if not frappe.has_permission(doctype, "read"):
		return None
	# distinct: a contact linked twice to the customer counts once
	return len(set(frappe.get_list(doctype, filters=filters, pluck="name", limit_page_length=0)))


def customer_overview(customer: str) -> dict:
	today = nowdate()
	invoices = invoice_figures(customer, today)
	outstanding = frappe.db.sql(
		"""select company, currency, sum(amount) as amount from `tabCustomer Ledger Entry`
		where customer = %s group by company, currency having sum(amount) != 0""",
		customer,
		as_dict=True,
	)
	last_payment = frappe.has_permission("Payment Entry", "read") and frappe.get_list(
		"Payment Entry",
		filters={"party": customer, "docstatus": 1, "payment_type": "Receive"},
		fields=["name", "posting_date", "paid_amount", "currency"],
		order_by="posting_date desc, creation desc",
		limit=1,
	)
	paid = [
		r
		for r in aggregate_ledger("where l.customer = %(customer)s", {"customer": customer})
		if r.movement_type == "Invoice Paid"
	]
	paid_count, paid_days = sum(int(r.entries) for r in paid), sum(int(r.days_to_pay) for r in paid)
	# the user's own tasks and those they assigned (Frappe's ToDo rule), not everyone's
	todos = frappe.get_list(
		"ToDo",
		filters={"reference_type": "Customer", "reference_name": customer, "status": "Open"},
		fields=["name", "description", "date", "allocated_to"],
		order_by="date",
	)
	tasks = {"overdue": [], "to_do": [], "upcoming": []}
	for todo in todos:
		if todo.date and getdate(todo.date) < getdate(today):
			tasks["overdue"].append(todo)
		elif todo.date and getdate(todo.date) > getdate(today):
			tasks["upcoming"].append(todo)
		else:
			tasks["to_do"].append(todo)
	return {
		"customer": customer,
		"currency": overview_currency(customer),
		"invoices": invoices,
		"outstanding": outstanding,
		"last_payment": last_payment[0] if last_payment else None,
		"average_days_to_pay": flt(paid_days / paid_count, 1) if paid_count else None,
		"tasks": tasks,
		# another user's private files are not counted (Frappe's File rule)
		"attachments": _readable_count(
			"File", {"attached_to_doctype": "Customer", "attached_to_name": customer}
		)
		or 0,
		"linked": linked_counts(customer),
	}


def overview_currency(customer: str) -> str | None:
	"""The currency of the invoice figures: the one the customer's invoices share, else the customer's
	billing currency, else the company's."""
	currencies = frappe.get_all(
		"Sales Invoice", filters={"customer": customer}, pluck="currency", distinct=True, limit=2
	)
	if len(currencies) == 1:
		return currencies[0]
	return frappe.db.get_value("Customer", customer, "default_currency") or company_currency()


def linked_counts(customer: str) -> list[dict]:
	"""Each kind of linked record with its count and the filtered list it opens."""

	lead = frappe.db.get_value("Customer", customer, "lead_name")
	linked = {
		"Sales Invoice": {"customer": customer},
		"Payment Entry": {"party_type": "Customer", "party": customer},
		"Customer Adjustment": {"customer": customer},
		"Contact": {"link_doctype": "Customer", "link_name": customer},
		"Address": {"link_doctype": "Customer", "link_name": customer},
		"Lead": {"name": lead},
	}
	counts = []
	for doctype, filters in linked.items():
		# a contact or address links to the customer through its "links" table (Dynamic Link)
		query = (
			[["Dynamic Link", "link_doctype", "=", "Customer"], ["Dynamic Link", "link_name", "=", customer]]
			if doctype in ("Contact", "Address")
			else filters
		)
		count = 0 if doctype == "Lead" and not lead else _readable_count(doctype, query)
		if count is not None:
			counts.append(
				{"doctype": doctype, "count": count, "filters": filters if lead or doctype != "Lead" else {}}
			)
	return counts
