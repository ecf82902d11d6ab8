# Copyright (c) 2026, crm_app contributors and contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document

from crm_app.compat import keep_unset_on_insert
from crm_app.customers import segment_members
from crm_app.customers.segment_rules import compile_rules


class CustomerSegment(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_app.customers.doctype.customer_segment_rule.customer_segment_rule import CustomerSegmentRule

		auto_update: DF.Check
		company: DF.Link | None
		description: DF.SmallText | None
		last_refreshed: DF.Datetime | None
		match: DF.Literal["All", "Any"]
		member_count: DF.Int
		refresh_fingerprint: DF.Data | None
		restrict_role: DF.Link | None
		rules: DF.Table[CustomerSegmentRule]
		segment_name: DF.Data
	# end: auto-generated types

	def __setup__(self):
		# an empty company means every company's ledger, on save as in the dry run: never the default
		# company filled in behind the user's back
		keep_unset_on_insert(self, "company")

	def validate(self):
		compile_rules(self.rules, self.match, self.company)  # refuses an unknown field, operator or value
		# a save evaluates the rules again, whatever fingerprint the form sent back
		self.refresh_fingerprint = None

	def on_update(self):
		if self.auto_update:
			segment_members.refresh(self.name)
			# the response and the form show the count the refresh wrote
			self.member_count, self.last_refreshed = frappe.db.get_value(
				self.doctype, self.name, ["member_count", "last_refreshed"]
			)

	def on_trash(self):
		segment_members.refuse_delete_in_use(self)
		# the members go with the segment; its history (Customer Segment Log) stays
		frappe.db.delete(segment_members.MEMBER, {"segment": self.name})
