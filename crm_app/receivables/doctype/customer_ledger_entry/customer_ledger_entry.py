# Copyright (c) 2026, crm_app contributors and contributors
# For license information, please see license.txt

import frappe

from crm_app.guards import AppWrittenDocument


class CustomerLedgerEntry(AppWrittenDocument):  # only the app's posting code writes it
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		against_voucher: DF.DynamicLink | None
		against_voucher_type: DF.Link | None
		amount: DF.Currency
		company: DF.Link
		currency: DF.Link
		customer: DF.Link
		customer_group: DF.Link | None
		due_date: DF.Date | None
		is_reversal: DF.Check
		movement_type: DF.Literal[
			"Invoice",
			"Credit Note",
			"Receipt",
			"Discount",
			"Returned Cheque",
			"Debit Note",
			"Adjustment",
			"Write-Off",
			"Interest Charge",
			"Invoice Paid",
		]
		name: DF.Int | None
		posting_date: DF.Date
		tax_amount: DF.Currency
		territory: DF.Link | None
		voucher_no: DF.DynamicLink
		voucher_type: DF.Link
	# end: auto-generated types


def on_doctype_update():
	# balances by customer, the documents' own rows, what settles an invoice, statistics by date
	frappe.db.add_index("Customer Ledger Entry", ["customer", "company", "currency"])
	frappe.db.add_index("Customer Ledger Entry", ["voucher_type", "voucher_no"])
	frappe.db.add_index("Customer Ledger Entry", ["against_voucher"])
	frappe.db.add_index("Customer Ledger Entry", ["posting_date"])
