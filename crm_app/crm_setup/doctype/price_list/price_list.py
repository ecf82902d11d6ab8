# Copyright (c) 2026, crm_app contributors and contributors
# For license information, please see license.txt

# import frappe
from frappe.model.document import Document


class PriceList(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		buying: DF.Check
		currency: DF.Link
		enabled: DF.Check
		price_list_name: DF.Data
		selling: DF.Check
	# end: auto-generated types
	pass
