# Copyright (c) 2026, crm_app contributors and contributors
# For license information, please see license.txt

# import frappe
from frappe.model.document import Document


class SalesTeam(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		allocated_percentage: DF.Percent
		commission_rate: DF.Float
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		sales_person: DF.Link
	# end: auto-generated types
	pass
