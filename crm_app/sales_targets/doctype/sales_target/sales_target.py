# Copyright (c) 2026, crm_app contributors and contributors
# For license information, please see license.txt

import frappe

from crm_app.sales_targets.targets import after_target_change, validate_target
from crm_app.trees import TreeNode, validate_node


class SalesTarget(TreeNode):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		customer_group: DF.Link | None
		distribution_id: DF.Link | None
		fiscal_year: DF.Link | None
		is_group: DF.Check
		item_group: DF.Link | None
		lft: DF.Int
		old_parent: DF.Link | None
		parent_sales_target: DF.Link | None
		rgt: DF.Int
		sales_person: DF.Link | None
		sales_target_name: DF.Data
		target_amount: DF.Currency
		target_qty: DF.Float
		territory: DF.Link | None
		use_children_total: DF.Check
	# end: auto-generated types

	nsm_parent_field = "parent_sales_target"

	def validate(self):
		validate_node(self)
		validate_target(self)

	def on_update(self):
		super().on_update()
		after_target_change(self)

	def on_trash(self):
		super().on_trash()
		frappe.db.delete("Sales Target Actual", {"sales_target": self.name})
