# Copyright (c) 2026, crm_app contributors and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document


class ItemPrice(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		currency: DF.Link | None
		item_code: DF.Link
		price_list: DF.Link
		price_list_rate: DF.Currency
	# end: auto-generated types

	def validate(self):
		duplicate = frappe.db.get_value(
			"Item Price",
			{"item_code": self.item_code, "price_list": self.price_list, "name": ("!=", self.name)},
			"name",
		)
		if duplicate:
			frappe.throw(
				_("{0} already has a price in {1}").format(self.item_code, self.price_list),
				frappe.DuplicateEntryError,
			)
