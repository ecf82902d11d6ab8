from frappe import _


def get_data():
	"""The customer form's connections: its receivables documents and its membership history, with counts
	and filtered lists."""
	return {
		"fieldname": "customer",
		"non_standard_fieldnames": {"Payment Entry": "party"},
		"transactions": [
			{"label": _("Receivables"), "items": ["Sales Invoice", "Payment Entry", "Customer Adjustment"]},
			{"label": _("Credit"), "items": ["Credit Control Decision"]},
			# its group, territory and sales team over time (crm_app.customers.membership)
			{"label": _("History"), "items": ["Customer Membership History"]},
		],
	}
