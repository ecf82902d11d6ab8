from frappe import _


def get_data():
	"""The customer form's connections: its receivables documents, with counts and filtered lists."""
	return {
		"fieldname": "customer",
		"non_standard_fieldnames": {"Payment Entry": "party"},
		"transactions": [
			{"label": _("Receivables"), "items": ["Sales Invoice", "Payment Entry", "Customer Adjustment"]},
			{"label": _("Credit"), "items": ["Credit Control Decision"]},
		],
	}
