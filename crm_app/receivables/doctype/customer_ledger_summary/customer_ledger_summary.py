# Copyright (c) 2026, crm_app contributors and contributors
# For license information, please see license.txt

import frappe

from crm_app.guards import AppWrittenDocument


class CustomerLedgerSummary(AppWrittenDocument):  # only the app's posting code writes it
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		amount: DF.Currency
		company: DF.Link | None
		currency: DF.Link | None
		customer_group: DF.Link | None
		days_to_pay: DF.Int
		entries: DF.Int
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
		period_start: DF.Date | None
		tax_amount: DF.Currency
	# end: auto-generated types


def on_doctype_update():
	# one row per group, company, currency, month and movement type: the ledger adds into it
	frappe.db.add_unique(
		"Customer Ledger Summary",
		["customer_group", "company", "currency", "period_start", "movement_type"],
		constraint_name="summary_key",
	)
	frappe.db.add_index("Customer Ledger Summary", ["period_start"])
