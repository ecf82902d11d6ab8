"""Payment entries: receipts allocated to invoices, and returned (bounced) cheques that undo one."""

import frappe
from frappe import _
from frappe.utils import flt

from crm_app.receivables.ledger import ledger_row, post, reverse_voucher
from crm_app.receivables.settlement import open_invoice, settle

RECEIVE, RETURNED_CHEQUE = "Receive", "Returned Cheque"


class InvalidPaymentError(frappe.ValidationError):
	pass


def validate(doc) -> None:
	doc.party_type = "Customer"
	if doc.payment_type == RETURNED_CHEQUE:
		_copy_returned_payment(doc)
	for ref in doc.references:
		ref.reference_doctype = "Sales Invoice"
		invoice = open_invoice(
			ref.reference_name, doc.party, doc.company, doc.currency, ["outstanding_amount", "due_date"]
		)
		if not invoice:
			frappe.throw(
				_("Row {0}: {1} is not a submitted invoice of {2} in {3} and {4}").format(
					ref.idx, ref.reference_name, doc.party, doc.company, doc.currency
				),
				InvalidPaymentError,
			)
		ref.outstanding_amount, ref.due_date, ref.currency = (
			invoice.outstanding_amount,
			invoice.due_date,
			doc.currency,
		)
		if flt(ref.allocated_amount) <= 0 or (
			doc.payment_type == RECEIVE and flt(ref.allocated_amount) > flt(invoice.outstanding_amount)
		):
			frappe.throw(
				_(
					"Row {0}: the amount allocated to {1} must be above zero and at most its outstanding {2}"
				).format(ref.idx, ref.reference_name, invoice.outstanding_amount),
				InvalidPaymentError,
			)
	if flt(doc.discount_amount) < 0:
		frappe.throw(_("The discount cannot be negative"), InvalidPaymentError)
	available = flt(doc.paid_amount) + flt(doc.discount_amount)
	allocated = sum(flt(ref.allocated_amount) for ref in doc.references)
	if flt(doc.paid_amount) <= 0 or allocated > available + 0.005:
		frappe.throw(
			_(
				"The paid amount plus discount ({0}) must be above zero and cover the amounts allocated ({1})"
			).format(available, allocated),
			InvalidPaymentError,
		)
	doc.unallocated_amount = flt(available - allocated, 2)


def _copy_returned_payment(doc) -> None:
	original = frappe.get_doc("Payment Entry", doc.returned_payment)
	if (
		original.docstatus != 1
		or original.payment_type != RECEIVE
		or (original.party, original.company, original.currency) != (doc.party, doc.company, doc.currency)
	):
		frappe.throw(
			_("A returned cheque undoes a submitted receipt of the same customer, company and currency"),
			InvalidPaymentError,
		)
	already = frappe.db.get_value(
		"Payment Entry",
		{"returned_payment": original.name, "docstatus": 1, "name": ("!=", doc.name or "")},
		"name",
	)
	if already:
		frappe.throw(
			_("Payment {0} was already returned by {1}").format(original.name, already), InvalidPaymentError
		)
	doc.paid_amount, doc.discount_amount = original.paid_amount, original.discount_amount
	doc.set(
		"references",
		[
			{"reference_name": r.reference_name, "allocated_amount": r.allocated_amount}
			for r in original.references
		],
	)


def post_payment(doc) -> None:
	if doc.payment_type == RECEIVE:
		rows = [ledger_row(doc, "Receipt", flt(doc.paid_amount))]
		if flt(doc.discount_amount):
			rows.append(ledger_row(doc, "Discount", flt(doc.discount_amount)))
		post(rows)
		for ref in doc.references:
			settle(ref.reference_name, ref.allocated_amount, doc, doc.posting_date)
	else:
		post(
			[
				ledger_row(
					doc,
					"Returned Cheque",
					flt(doc.paid_amount),
					against_voucher_type=doc.doctype,
					against_voucher=doc.returned_payment,
				)
			]
		)
		# the discount was granted for a payment that did not happen
		reverse_voucher(
			doc.doctype, doc.returned_payment, by_voucher=(doc.doctype, doc.name), movement_type="Discount"
		)
		for ref in doc.references:
			settle(ref.reference_name, -flt(ref.allocated_amount), doc, doc.posting_date)


def undo_payment(doc) -> None:
	reverse_voucher(doc.doctype, doc.name, movement_type=("!=", "Invoice Paid"))
	sign = -1 if doc.payment_type == RECEIVE else 1
	for ref in doc.references:
		settle(ref.reference_name, sign * flt(ref.allocated_amount), doc, doc.posting_date)
