"""What a customer is told about their account: the statement of account (opening balance, movements,
closing balance, per currency, from the ledger) and the overdue invoices of a payment reminder, both
rendered in the customer's print language."""

from contextlib import contextmanager

import frappe
from frappe import _
from frappe.translate import print_language
from frappe.utils import flt, fmt_money, formatdate, getdate

from crm_app.overdue import overdue_invoices_condition

STATEMENT_TEMPLATE = "templates/statement_of_account.html"
OVERDUE_TEMPLATE = "templates/overdue_invoices.html"


class InvalidStatementError(frappe.ValidationError):
	pass


@contextmanager
def in_language(language: str | None):
	"""Frappe's print_language, with the user's language back even when the block raises (Frappe's own
	restores it only on a normal exit, leaving the rest of the request in the customer's language)."""
	lang, jenv = frappe.local.lang, getattr(frappe.local, "jenv", None)
	try:
		with print_language(language):
			yield
	finally:
		frappe.local.lang, frappe.local.jenv = lang, jenv


def customer_language(customer: str) -> str:
	"""The language a customer's documents are printed in: theirs, else the system's."""
	return (
		frappe.db.get_value("Customer", customer, "language")
		or frappe.db.get_single_value("System Settings", "language")
		or "en"
	)


def statement(customer: str, company: str, from_date, to_date) -> list[dict]:
	"""A customer's account over a period, one block per currency: opening balance, the movements
	("Invoice Paid" markers, which move nothing, left out) with a running balance, and closing balance.
	A currency with no balance and no movement has no block."""
	from_date, to_date = getdate(from_date), getdate(to_date)
	if from_date > to_date:
		frappe.throw(
			_("From Date {0} is after To Date {1}").format(formatdate(from_date), formatdate(to_date)),
			InvalidStatementError,
		)
	values = {"customer": customer, "company": company, "from_date": from_date, "to_date": to_date}
	opening = dict(
		frappe.db.sql(
			"""select currency, sum(amount) from `tabCustomer Ledger Entry`
			where customer = %(customer)s and company = %(company)s and posting_date < %(from_date)s
			group by currency""",
			values,
		)
	)
	movements = frappe.db.sql(
		"""select posting_date, movement_type, voucher_type, voucher_no, due_date, currency, amount,
			is_reversal
		from `tabCustomer Ledger Entry`
		where customer = %(customer)s and company = %(company)s
			and posting_date between %(from_date)s and %(to_date)s and movement_type != 'Invoice Paid'
		order by posting_date, name""",
		values,
		as_dict=True,
	)
	blocks = []
	for currency in sorted(set(opening) | {row.currency for row in movements}):
		rows = [row for row in movements if row.currency == currency]
		running = flt(opening.get(currency))
		if not rows and not running:
			continue
		block = {"currency": currency, "opening": running, "rows": rows, "debit": 0.0, "credit": 0.0}
		for row in rows:
			running += flt(row.amount)
			row.balance = running
			row.debit, row.credit = max(flt(row.amount), 0), max(-flt(row.amount), 0)
			block["debit"] += row.debit
			block["credit"] += row.credit
		block["closing"] = running
		blocks.append(block)
	return blocks


def overdue_invoices(customer: str, company: str) -> list[dict]:
	"""The customer's overdue invoices in a company, the longest overdue first."""
	return frappe.db.sql(
		f"""select si.name, si.posting_date, si.due_date, si.currency, si.grand_total, si.outstanding_amount,
			datediff(curdate(), si.due_date) as days_overdue
		from `tabSales Invoice` si
		where si.customer = %(customer)s and si.company = %(company)s and {overdue_invoices_condition("si")}
		order by si.due_date, si.name""",
		{"customer": customer, "company": company},
		as_dict=True,
	)


def _money(amount, currency) -> str:
	return fmt_money(amount, currency=currency)


def statement_html(customer: str, company: str, from_date, to_date, blocks: list[dict] | None = None) -> str:
	"""The statement as HTML, in the customer's language."""
	if blocks is None:
		blocks = statement(customer, company, from_date, to_date)
	with in_language(customer_language(customer)):
		return frappe.render_template(
			STATEMENT_TEMPLATE,
			{
				"_": _,
				"customer": frappe.get_doc("Customer", customer),
				"company": company,
				"from_date": formatdate(from_date),
				"to_date": formatdate(to_date),
				"blocks": blocks,
				"money": _money,
				"formatdate": formatdate,
			},
		)


def statement_pdf(customer: str, company: str, from_date, to_date, blocks: list[dict] | None = None) -> bytes:
	from frappe.utils.pdf import get_pdf

	return get_pdf(statement_html(customer, company, from_date, to_date, blocks))


def statement_filename(customer: str, to_date) -> str:
	return f"{_('Statement of Account')} {customer} {getdate(to_date)}.pdf".replace("/", "-")


def overdue_table(invoices: list[dict], language: str | None = None) -> str:
	"""The overdue invoices as an HTML table (a payment reminder's body), in `language`."""
	with in_language(language):
		return frappe.render_template(
			OVERDUE_TEMPLATE,
			{"_": _, "invoices": invoices, "money": _money, "formatdate": formatdate},
		)
