# Copyright (c) 2026, crm_app contributors and contributors
# For license information, please see license.txt

from frappe.model.document import Document


class BankAccount(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		account_name: DF.Data
		bank: DF.Data
		company: DF.Link | None
		iban: DF.Data | None
		is_company_account: DF.Check
	# end: auto-generated types

	def autoname(self):
		self.name = f"{self.account_name.strip()} - {self.bank.strip()}"
