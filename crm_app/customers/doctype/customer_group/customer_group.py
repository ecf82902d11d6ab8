# Copyright (c) 2026, crm_app contributors and contributors
# For license information, please see license.txt


from crm_app.customers.credit_policy import validate_credit_policy
from crm_app.customers.groups import validate_group_deletion, validate_group_rename
from crm_app.customers.master_checks import validate_master
from crm_app.customers.sensitive_fields import refuse_unpermitted_changes
from crm_app.trees import TreeNode, validate_node


class CustomerGroup(TreeNode):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_app.crm_setup.doctype.customer_credit_limit.customer_credit_limit import CustomerCreditLimit
		from crm_app.crm_setup.doctype.party_account.party_account import PartyAccount

		accounts: DF.Table[PartyAccount]
		credit_control_action: DF.Literal["Refuse", "Hold", "Warn"]
		credit_control_stage: DF.Literal["Order and Invoice", "Order", "Invoice"]
		credit_limit_policy: DF.Literal["Members May Have Their Own", "Every Member Takes the Group Limit"]
		credit_limits: DF.Table[CustomerCreditLimit]
		credit_overdue_days: DF.Int
		credit_tolerance_percent: DF.Percent
		customer_group_name: DF.Data
		default_price_list: DF.Link | None
		is_group: DF.Check
		lft: DF.Int
		old_parent: DF.Link | None
		override_credit_control: DF.Check
		parent_customer_group: DF.Link | None
		payment_terms: DF.Link | None
		rgt: DF.Int
	# end: auto-generated types

	nsm_parent_field = "parent_customer_group"

	def validate_higher_perm_levels(self):
		refuse_unpermitted_changes(self)  # before Frappe silently puts such fields back
		super().validate_higher_perm_levels()

	def validate(self):
		validate_node(self)
		validate_credit_policy(self)
		validate_master(self)

	def before_rename(self, old_name, new_name, merge=False):
		validate_group_rename(old_name, new_name, merge)

	def on_trash(self):
		validate_group_deletion(self)
		super().on_trash()
