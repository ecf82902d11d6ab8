# Copyright (c) 2026, crm_app contributors and contributors
# For license information, please see license.txt

from crm_app.guards import AppWrittenDocument


class CreditControlDecision(AppWrittenDocument):  # written by the credit control only
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		company: DF.Link | None
		credit_customer: DF.Link | None
		credit_limit: DF.Currency
		currency: DF.Link | None
		customer: DF.Link
		decision: DF.Literal["Refuse", "Hold", "Warn", "Bypass"]
		document_amount: DF.Currency
		limit_source: DF.Data | None
		oldest_overdue_days: DF.Int
		outstanding: DF.Currency
		overdue_amount: DF.Currency
		policy_source: DF.Data | None
		reason: DF.SmallText | None
		reference_doctype: DF.Link | None
		reference_name: DF.DynamicLink | None
		stage: DF.Literal["Order", "Invoice"]
		tolerance_percent: DF.Percent
		user: DF.Link | None
	# end: auto-generated types
