# Copyright (c) 2026, crm_app contributors and contributors
# For license information, please see license.txt

from crm_app.guards import AppWrittenDocument


class CustomerMembershipHistory(AppWrittenDocument):  # written by crm_app.customers.membership only
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		changed_by: DF.Link | None
		customer: DF.Link
		field: DF.Literal["Customer Group", "Territory", "Sales Team"]
		reason: DF.SmallText | None
		valid_from: DF.Datetime
		valid_to: DF.Datetime | None
		value: DF.SmallText | None
	# end: auto-generated types
