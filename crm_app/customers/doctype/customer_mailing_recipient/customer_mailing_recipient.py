# Copyright (c) 2026, crm_app contributors and contributors
# For license information, please see license.txt

# import frappe
from frappe.model.document import Document


class CustomerMailingRecipient(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		contact: DF.Link | None
		customer: DF.Link
		customer_name: DF.Data | None
		email_id: DF.Data
		last_sent_on: DF.Datetime | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		send: DF.Check
	# end: auto-generated types
	pass
