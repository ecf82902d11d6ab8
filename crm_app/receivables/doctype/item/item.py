# Copyright (c) 2026, crm_app contributors and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from crm_app.trees import validate_leaf


class Item(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		disabled: DF.Check
		item_code: DF.Data
		item_group: DF.Link
		item_name: DF.Data | None
	# end: auto-generated types

	def validate(self):
		self.item_name = self.item_name or self.item_code
		validate_leaf("Item Group", self.item_group)
