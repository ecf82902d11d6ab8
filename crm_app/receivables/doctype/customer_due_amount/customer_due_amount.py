# Copyright (c) 2026, crm_app contributors and contributors
# For license information, please see license.txt

import frappe

from crm_app.guards import AppWrittenDocument


class CustomerDueAmount(AppWrittenDocument):  # only the app's posting code writes it
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		company: DF.Link | None
		currency: DF.Link | None
		customer: DF.Link | None
		due_date: DF.Date | None
		name: DF.Int | None
		outstanding_amount: DF.Currency
	# end: auto-generated types


def on_doctype_update():
	# one row per customer, company, currency and due date: invoices add into it, settlements take out
	frappe.db.add_unique(
		"Customer Due Amount", ["customer", "company", "currency", "due_date"], constraint_name="due_key"
	)
