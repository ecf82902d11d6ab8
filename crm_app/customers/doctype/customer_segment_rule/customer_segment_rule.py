# Copyright (c) 2026, crm_app contributors and contributors
# For license information, please see license.txt

# import frappe
from frappe.model.document import Document


class CustomerSegmentRule(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		field: DF.Data
		operator: DF.Literal[
			"equals",
			"not equals",
			"one of",
			"none of",
			"contains",
			"starts with",
			"is set",
			"is not set",
			"greater than",
			"at least",
			"less than",
			"at most",
			"between",
			"in subtree of",
			"not in subtree of",
			"before",
			"after",
			"in the last days",
		]
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		value: DF.Data | None
		value_to: DF.Data | None
	# end: auto-generated types
	pass
