"""What settles an invoice (payments, credit notes, write-offs) and the status it gets."""

import frappe
from frappe import _
from frappe.utils import flt, getdate, nowdate

from crm_app.events import announce
from crm_app.overdue import overdue_invoices_condition
from crm_app.receivables.balances import add_to_due_amounts
from crm_app.receivables.ledger import ledger_row, post


class OverAllocationError(frappe.ValidationError):
	pass


def open_invoice(name: str | None, customer: str, company: str, currency: str, extra_fields=()):
	"""The invoice, if it is a submitted invoice (not a credit note) of this customer, company and
	currency: only such an invoice can be settled, returned or written off by a document of theirs."""
	invoice = name and frappe.db.get_value(
		"Sales Invoice",
		name,
		["docstatus", "is_return", "customer", "company", "currency", *extra_fields],
		as_dict=True,
	)
	if (
		invoice
		and invoice.docstatus == 1
		and not invoice.is_return
		and (invoice.customer, invoice.company, invoice.currency) == (customer, company, currency)
	):
		return invoice
	return None


def invoice_status(invoice) -> str:
	if invoice.docstatus == 0:
		return "Draft"
	if invoice.docstatus == 2:
		return "Cancelled"
	if invoice.is_return:
		return "Return"
	outstanding = flt(invoice.outstanding_amount)
	if outstanding <= 0:
		return "Paid"
	if invoice.due_date and getdate(invoice.due_date) < getdate(nowdate()):
		return "Overdue"
	if outstanding < flt(invoice.grand_total):
		return "Partly Paid"
	return "Unpaid"


INVOICE_FIELDS = [
	"name",
	"docstatus",
	"is_return",
	"outstanding_amount",
	"grand_total",
	"due_date",
	"customer",
	"customer_group",
	"company",
	"currency",
	"posting_date",
]


def settle(invoice_name: str, amount: float, by_doc, posting_date) -> None:
	"""Lower an invoice's outstanding by `amount` (raise it if negative), set its status, and mark the
	moment it becomes fully paid (or paid no more) in the ledger."""
	invoice = frappe.db.get_value(
		"Sales Invoice", invoice_name, INVOICE_FIELDS, as_dict=True, for_update=True
	)
	if invoice.docstatus != 1:
		frappe.throw(_("Sales Invoice {0} is not submitted").format(invoice_name), OverAllocationError)
	was_paid = flt(invoice.outstanding_amount) <= 0
	outstanding = flt(flt(invoice.outstanding_amount) - flt(amount), 2)
	if outstanding < 0:
		frappe.throw(
			_("{0} is more than the outstanding {1} of Sales Invoice {2}").format(
				amount, invoice.outstanding_amount, invoice_name
			),
			OverAllocationError,
		)
	add_to_due_amounts(invoice, outstanding - flt(invoice.outstanding_amount))
	invoice.outstanding_amount = outstanding
	frappe.db.set_value(
		"Sales Invoice",
		invoice_name,
		{"outstanding_amount": outstanding, "status": invoice_status(invoice)},
		update_modified=False,
	)
	paid = outstanding <= 0
	if paid and not was_paid:
		post([_paid_row(invoice, by_doc, posting_date)])
	elif was_paid and not paid:
		_unmark_paid(invoice, by_doc)
	# the document posted its rows before it settled: what reads the amounts due hears of them now
	announce("ledger_posted", customers=[invoice.customer])


def _paid_row(invoice, by_doc, posting_date, **extra) -> dict:
	row = ledger_row(invoice, "Invoice Paid", 0)
	row.update(
		posting_date=getdate(posting_date),
		voucher_type=by_doc.doctype,
		voucher_no=by_doc.name,
		against_voucher_type="Sales Invoice",
		against_voucher=invoice.name,
		**extra,
	)
	return row


def _unmark_paid(invoice, by_doc) -> None:
	"""Reverse the "Invoice Paid" row in force, dated as it was, so the statistics net out."""
	rows = frappe.get_all(
		"Customer Ledger Entry",
		filters={"movement_type": "Invoice Paid", "against_voucher": invoice.name},
		fields=["posting_date", "is_reversal"],
		order_by="name",
	)
	in_force = [r for r in rows if not r.is_reversal][sum(1 for r in rows if r.is_reversal) :]
	if in_force:
		post([_paid_row(invoice, by_doc, in_force[-1].posting_date, is_reversal=1)])


def update_overdue_statuses() -> None:
	"""Daily: unpaid invoices whose due date has passed become Overdue."""
	for name in frappe.db.sql(
		f"""select si.name from `tabSales Invoice` si
		where {overdue_invoices_condition("si")} and si.status != 'Overdue'""",
		pluck=True,
	):
		frappe.db.set_value("Sales Invoice", name, "status", "Overdue", update_modified=False)
