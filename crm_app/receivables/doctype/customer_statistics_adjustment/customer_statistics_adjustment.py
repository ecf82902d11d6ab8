# Copyright (c) 2026, crm_app contributors and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from crm_app.guards import refuse_rename, validate_links
from crm_app.receivables import statistics_adjustments


class CustomerStatisticsAdjustment(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		adjusted_by: DF.Link | None
		amended_from: DF.Link | None
		amount: DF.Currency
		company: DF.Link
		currency: DF.Link | None
		customer: DF.Link | None
		customer_group: DF.Link | None
		days_to_pay: DF.Int
		entries: DF.Int
		fiscal_year: DF.Link
		is_opening: DF.Check
		movement_type: DF.Literal[
			"Invoice",
			"Receipt",
			"Discount",
			"Credit Note",
			"Debit Note",
			"Adjustment",
			"Write-Off",
			"Interest Charge",
			"Returned Cheque",
			"Invoice Paid",
		]
		naming_series: DF.Literal["CRM-STAT-.YYYY.-"]
		period: DF.Int
		period_start: DF.Date | None
		reason: DF.SmallText
		tax_amount: DF.Currency
	# end: auto-generated types

	def validate(self):
		validate_links(self, required=("company", "fiscal_year"))
		statistics_adjustments.validate(self)

	def before_cancel(self):
		statistics_adjustments.check_allowed("cancel")

	def before_rename(self, old, new, merge=False):
		refuse_rename(self)
