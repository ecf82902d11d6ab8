# Copyright (c) 2026, crm_app contributors and contributors
# For license information, please see license.txt

import frappe

from crm_app.guards import AppWrittenDocument


class SalesTargetActual(AppWrittenDocument):  # only the app's posting code writes it
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		amount: DF.Currency
		name: DF.Int | None
		period_start: DF.Date | None
		qty: DF.Float
		sales_target: DF.Link | None
	# end: auto-generated types


def on_doctype_update():
	# one row per target and month: invoices add into it
	frappe.db.add_unique(
		"Sales Target Actual", ["sales_target", "period_start"], constraint_name="target_month"
	)
