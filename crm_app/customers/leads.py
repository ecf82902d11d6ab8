"""A customer made from a lead carries the lead's data over and links back (seed 1)."""

import frappe
from frappe import _
from frappe.model.mapper import get_mapped_doc


class LeadAlreadyConvertedError(frappe.ValidationError):
	pass


def customer_from_lead(lead: str):
	source = frappe.get_doc("Lead", lead)
	existing = frappe.db.get_value("Customer", {"lead_name": lead}, "name")
	if existing:
		frappe.throw(
			_("Lead {0} is already customer {1}").format(lead, frappe.bold(existing)),
			LeadAlreadyConvertedError,
		)

	def set_missing_values(source, target):
		target.customer_name = source.company_name or source.lead_name
		target.customer_type = "Company" if source.company_name else "Individual"
		target.contact_first_name = source.lead_name if source.company_name else None

	return get_mapped_doc(
		"Lead",
		source.name,
		{
			"Lead": {
				"doctype": "Customer",
				"field_map": {
					"name": "lead_name",
					"email_id": "email_id",
					"mobile_no": "mobile_no",
					"territory": "territory",
					"market_segment": "market_segment",
					"industry": "industry",
					"language": "language",
				},
				"field_no_map": ["naming_series", "status"],
			}
		},
		None,
		set_missing_values,
	)


def mark_leads_converted(customers: list[str], created: list[str] | None = None) -> None:
	"""Reaction to `customers_changed`: the leads named on the new customers become Converted, in one
	statement whatever their number (an import, a form or REST alike)."""
	if not created:
		return
	frappe.db.sql(
		"""update `tabLead` lead join `tabCustomer` c on c.lead_name = lead.name
		set lead.status = 'Converted'
		where c.name in %(created)s and lead.status != 'Converted'""",
		{"created": tuple(created)},
	)
