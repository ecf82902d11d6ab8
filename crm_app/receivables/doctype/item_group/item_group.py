# Copyright (c) 2026, crm_app contributors and contributors
# For license information, please see license.txt


from crm_app.trees import TreeNode, validate_node


class ItemGroup(TreeNode):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		is_group: DF.Check
		item_group_name: DF.Data
		lft: DF.Int
		old_parent: DF.Link | None
		parent_item_group: DF.Link | None
		rgt: DF.Int
	# end: auto-generated types

	nsm_parent_field = "parent_item_group"

	def validate(self):
		validate_node(self)
