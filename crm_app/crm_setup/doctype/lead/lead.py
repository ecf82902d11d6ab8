# Copyright (c) 2026, crm_app contributors and contributors
# For license information, please see license.txt

# import frappe
from frappe.model.document import Document


class Lead(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		company_name: DF.Data | None
		email_id: DF.Data | None
		industry: DF.Link | None
		language: DF.Link | None
		lead_name: DF.Data | None
		market_segment: DF.Link | None
		mobile_no: DF.Data | None
		naming_series: DF.Literal["CRM-LEAD-.YYYY.-"]
		status: DF.Literal[
			"Lead",
			"Open",
			"Replied",
			"Opportunity",
			"Quotation",
			"Lost Quotation",
			"Interested",
			"Converted",
			"Do Not Contact",
		]
		territory: DF.Link | None
	# end: auto-generated types
	pass
