# Copyright (c) 2026, crm_app contributors and contributors
# For license information, please see license.txt

from frappe.model.document import Document
from frappe.utils import getdate, nowdate

from crm_app.customers import mailings


class CustomerMailing(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_app.customers.doctype.customer_mailing_recipient.customer_mailing_recipient import (
			CustomerMailingRecipient,
		)

		company: DF.Link | None
		customer_group: DF.Link | None
		customer_segment: DF.Link | None
		frequency: DF.Literal["", "Daily", "Weekly", "Monthly"]
		from_date: DF.Date | None
		last_sent_on: DF.Datetime | None
		mailing_type: DF.Literal["Email", "Statement of Account", "Payment Reminder"]
		message: DF.TextEditor | None
		next_send_on: DF.Date | None
		recipients: DF.Table[CustomerMailingRecipient]
		send_on_schedule: DF.Check
		sent_count: DF.Int
		skipped_count: DF.Int
		status: DF.Literal["Draft", "Queued", "Sending", "Sent", "Failed"]
		subject: DF.Data | None
		title: DF.Data
		to_date: DF.Date | None
	# end: auto-generated types

	def validate(self):
		mailings.check(self)
		if self.send_on_schedule and not self.next_send_on:
			self.next_send_on = getdate(nowdate())
