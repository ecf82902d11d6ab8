# Copyright (c) 2026, crm_app contributors and contributors
# For license information, please see license.txt


from crm_app.customers.contacts import link_quick_entry_records
from crm_app.customers.freeze import record_freeze_change, validate_freeze
from crm_app.customers.master_checks import check_name_free, validate_master
from crm_app.customers.membership import record_customer_membership
from crm_app.customers.naming import (
	apply_new_customer_defaults,
	by_naming_series,
	free_customer_name,
	insert_under_free_name,
	naming_series_name,
)
from crm_app.customers.sensitive_fields import refuse_unpermitted_changes
from crm_app.customers.validation import validate_sales_team
from crm_app.trees import TreeNode, validate_leaf, validate_node


class Customer(TreeNode):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_app.crm_setup.doctype.customer_credit_limit.customer_credit_limit import CustomerCreditLimit
		from crm_app.crm_setup.doctype.party_account.party_account import PartyAccount
		from crm_app.crm_setup.doctype.sales_team.sales_team import SalesTeam

		account_manager: DF.Link | None
		accounts: DF.Table[PartyAccount]
		credit_limit_covers_branches: DF.Check
		credit_limits: DF.Table[CustomerCreditLimit]
		customer_details: DF.Text | None
		customer_group: DF.Link | None
		customer_name: DF.Data
		customer_primary_address: DF.Link | None
		customer_primary_contact: DF.Link | None
		customer_type: DF.Literal["Company", "Individual"]
		default_bank_account: DF.Link | None
		default_commission_rate: DF.Float
		default_currency: DF.Link | None
		default_price_list: DF.Link | None
		default_sales_partner: DF.Link | None
		disabled: DF.Check
		dn_required: DF.Check
		email_id: DF.Data | None
		freeze_reason: DF.SmallText | None
		industry: DF.Link | None
		is_frozen: DF.Check
		is_group: DF.Check
		is_internal_customer: DF.Check
		language: DF.Link | None
		lead_name: DF.Link | None
		lft: DF.Int
		loyalty_program: DF.Link | None
		market_segment: DF.Link | None
		mobile_no: DF.Data | None
		old_parent: DF.Link | None
		pan: DF.Data | None
		parent_customer: DF.Link | None
		payment_terms: DF.Link | None
		primary_address: DF.Text | None
		represents_company: DF.Link | None
		rgt: DF.Int
		sales_team: DF.Table[SalesTeam]
		so_required: DF.Check
		tax_category: DF.Link | None
		tax_id: DF.Data | None
		tax_withholding_category: DF.Link | None
		territory: DF.Link | None
	# end: auto-generated types

	# Customers form a forest: each independent customer is a root; a head office (national account)
	# is a group whose branches are its children.
	nsm_parent_field = "parent_customer"

	def validate_higher_perm_levels(self):
		refuse_unpermitted_changes(self)  # before Frappe silently puts such fields back
		super().validate_higher_perm_levels()

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
		super().before_insert()  # the customer tree's lock: names are chosen under it too
		apply_new_customer_defaults(self)

	def validate(self):
		validate_node(self)
		validate_leaf("Customer Group", self.customer_group)
		validate_leaf("Territory", self.territory)
		validate_sales_team(self.sales_team)
		validate_freeze(self)
		validate_master(self)

	def before_rename(self, old_name, new_name, merge=False):
		if not merge:
			check_name_free(self.doctype, new_name)
		super().before_rename(old_name, new_name, merge)

	def on_update(self):
		super().on_update()
		record_freeze_change(self)
		record_customer_membership(self)  # in this save's transaction: a rolled back save leaves none

	def after_insert(self):
		link_quick_entry_records(self)
