# Copyright (c) 2026, crm_app contributors and contributors
# For license information, please see license.txt

from crm_app.trees import TreeNode, validate_node


class SalesPerson(TreeNode):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		enabled: DF.Check
		is_group: DF.Check
		lft: DF.Int
		old_parent: DF.Link | None
		parent_sales_person: DF.Link | None
		rgt: DF.Int
		sales_person_name: DF.Data
		user: DF.Link | None
	# end: auto-generated types

	nsm_parent_field = "parent_sales_person"

	def validate(self):
		validate_node(self)
