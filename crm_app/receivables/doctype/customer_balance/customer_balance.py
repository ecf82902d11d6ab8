# Copyright (c) 2026, crm_app contributors and contributors
# For license information, please see license.txt

import frappe

from crm_app.guards import AppWrittenDocument


class CustomerBalance(AppWrittenDocument):  # only the app's posting code writes it
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		balance: DF.Currency
		company: DF.Link | None
		currency: DF.Link | None
		customer: DF.Link | None
		name: DF.Int | None
	# end: auto-generated types


def on_doctype_update():
	# one row per customer, company and currency: postings add into it; a list reads it by customer
	frappe.db.add_unique(
		"Customer Balance", ["customer", "company", "currency"], constraint_name="balance_key"
	)
