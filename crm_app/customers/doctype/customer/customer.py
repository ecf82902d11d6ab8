# Copyright (c) 2026, crm_app contributors and contributors
# For license information, please see license.txt

from frappe.utils.nestedset import NestedSet

from crm_app.customers.naming import (
	apply_new_customer_defaults,
	by_naming_series,
	free_customer_name,
	insert_under_free_name,
	naming_series_name,
)
from crm_app.trees import validate_leaf, validate_node


class Customer(NestedSet):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		customer_group: DF.Link | None
		customer_name: DF.Data
		customer_type: DF.Literal["Company", "Individual"]
		is_group: DF.Check
		lft: DF.Int
		old_parent: DF.Link | None
		parent_customer: DF.Link | None
		rgt: DF.Int
		territory: DF.Link | None
	# end: auto-generated types

	# Customers form a forest: each independent customer is a root; a head office (national account)
	# is a group whose branches are its children.
	nsm_parent_field = "parent_customer"

	def autoname(self):
		self.flags.named_by_customer_name = not by_naming_series()
		if self.flags.named_by_customer_name:
			self.name = free_customer_name(self.customer_name)
		else:
			self.name = naming_series_name(self)

	def db_insert(self, *args, **kwargs):
		if not self.flags.named_by_customer_name:
			return super().db_insert(*args, **kwargs)
		return insert_under_free_name(self, super().db_insert, *args, **kwargs)

	def before_insert(self):
		apply_new_customer_defaults(self)

	def validate(self):
		validate_node(self, single_root=False)
		validate_leaf("Customer Group", self.customer_group)
		validate_leaf("Territory", self.territory)
