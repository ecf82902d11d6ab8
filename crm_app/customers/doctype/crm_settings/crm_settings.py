# Copyright (c) 2026, crm_app contributors and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from crm_app.customers.credit_policy import validate_credit_policy
from crm_app.customers.sensitive_fields import sync_settings_role_grants
from crm_app.trees import validate_leaf


class CRMSettings(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		allow_statistics_adjustment: DF.Check
		credit_control_action: DF.Literal["Refuse", "Hold", "Warn"]
		credit_control_stage: DF.Literal["Order and Invoice", "Order", "Invoice"]
		credit_controller: DF.Link | None
		credit_overdue_days: DF.Int
		credit_tolerance_percent: DF.Percent
		cust_master_name: DF.Literal["Customer Name", "Naming Series"]
		customer_group: DF.Link | None
		customer_naming_series: DF.Data | None
		frozen_accounts_modifier: DF.Link | None
		include_tax_in_statistics: DF.Check
		selling_price_list: DF.Link | None
		territory: DF.Link | None
	# end: auto-generated types

	def validate(self):
		# the defaults must be places a customer can hang on
		validate_leaf("Customer Group", self.customer_group)
		validate_leaf("Territory", self.territory)
		validate_credit_policy(self)

	def on_update(self):
		sync_settings_role_grants(self, self.get_doc_before_save())
