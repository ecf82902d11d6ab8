# Copyright (c) 2026, crm_app contributors and contributors
# For license information, please see license.txt

import frappe

from crm_app.guards import AppWrittenDocument


class CustomerSegmentLog(AppWrittenDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		action: DF.Literal["Joined", "Left"]
		customer: DF.Link
		name: DF.Int | None
		reason: DF.Literal["Rule", "Manual"]
		segment: DF.Link
		user: DF.Link | None
	# end: auto-generated types
	pass


def on_doctype_update():
	# a segment's history and a customer's, newest first
	frappe.db.add_index("Customer Segment Log", ["segment", "creation"])
	frappe.db.add_index("Customer Segment Log", ["customer", "creation"])
