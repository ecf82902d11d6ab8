# Copyright (c) 2026, crm_app contributors and contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document

from crm_app.receivables.guards import refuse_direct_write, refuse_rename


class CustomerLedgerSummary(Document):
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

	# only the app's posting code writes this table (see crm_app.receivables.guards)
	def before_insert(self):
		refuse_direct_write(self)

	def validate(self):
		refuse_direct_write(self)

	def on_trash(self):
		refuse_direct_write(self)

	def before_rename(self, old, new, merge=False):
		refuse_rename(self)


def on_doctype_update():
	# one row per group, company, currency, month and movement type: the ledger adds into it
	frappe.db.add_unique(
		"Customer Ledger Summary",
		["customer_group", "company", "currency", "period_start", "movement_type"],
		constraint_name="summary_key",
	)
	frappe.db.add_index("Customer Ledger Summary", ["period_start"])
