# Copyright (c) 2026, crm_app contributors and contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class Account(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		account_currency: DF.Link | None
		account_name: DF.Data
		account_type: DF.Literal["", "Receivable", "Payable", "Bank", "Cash", "Income Account", "Tax"]
		company: DF.Link
		disabled: DF.Check
	# end: auto-generated types

	def autoname(self):
		# ERPNext's convention: "Debtors - ABC" for company ABC
		self.name = f"{self.account_name.strip()} - {frappe.db.get_value('Company', self.company, 'abbr')}"
