# Copyright (c) 2026, crm_app contributors and contributors
# For license information, please see license.txt

import frappe

from crm_app.guards import AppWrittenDocument


class CustomerSegmentMember(AppWrittenDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		customer: DF.Link
		customer_name: DF.Data | None
		name: DF.Int | None
		segment: DF.Link
		source: DF.Literal["Rule", "Manual"]
		status: DF.Literal["Member", "Removed by Hand"]
	# end: auto-generated types
	pass


def on_doctype_update():
	# one row per segment and customer; a customer's memberships, looked up on each of its changes
	frappe.db.add_unique(
		"Customer Segment Member", ["segment", "customer"], constraint_name="segment_customer"
	)
