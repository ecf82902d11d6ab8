"""Customer adjustments: debit notes, adjustments, write-offs, interest charges."""

import frappe
from frappe import _
from frappe.utils import flt

from crm_app.receivables.ledger import ledger_row, post, reverse_voucher
from crm_app.receivables.settlement import open_invoice, settle


class InvalidAdjustmentError(frappe.ValidationError):
	pass


def validate(doc) -> None:
	doc.total = flt(flt(doc.amount) + flt(doc.tax_amount), 2)
	if doc.adjustment_type != "Adjustment" and (doc.total <= 0 or flt(doc.amount) <= 0):
		frappe.throw(
			_("A {0} must be a positive amount").format(_(doc.adjustment_type)), InvalidAdjustmentError
		)
	if doc.adjustment_type != "Adjustment" and flt(doc.tax_amount) < 0:
		frappe.throw(
			_("The tax amount of a {0} cannot be negative").format(_(doc.adjustment_type)),
			InvalidAdjustmentError,
		)
	if doc.adjustment_type == "Adjustment" and (not doc.total or flt(doc.amount) * flt(doc.tax_amount) < 0):
		# its sign is the user's (positive raises what the customer owes): the tax goes the same way
		frappe.throw(
			_("An adjustment needs an amount, and its tax amount must have the same sign"),
			InvalidAdjustmentError,
		)
	if doc.adjustment_type == "Write-Off":
		if not open_invoice(doc.against_invoice, doc.customer, doc.company, doc.currency):
			frappe.throw(
				_("A write-off settles a submitted invoice of the same customer, company and currency"),
				InvalidAdjustmentError,
			)


def post_adjustment(doc) -> None:
	extra = (
		{"against_voucher_type": "Sales Invoice", "against_voucher": doc.against_invoice}
		if doc.against_invoice
		else {}
	)
	# amounts as validated: positive for every type but an adjustment, whose sign is the user's
	post([ledger_row(doc, doc.adjustment_type, flt(doc.total), flt(doc.tax_amount), **extra)])
	if doc.adjustment_type == "Write-Off":
		settle(doc.against_invoice, doc.total, doc, doc.posting_date)


def undo_adjustment(doc) -> None:
	reverse_voucher(doc.doctype, doc.name, movement_type=("!=", "Invoice Paid"))
	if doc.adjustment_type == "Write-Off":
		settle(doc.against_invoice, -doc.total, doc, doc.posting_date)
