import frappe


def execute():
	"""The root of the Sales Target tree is a heading: its target is the sum of its children."""
	frappe.db.set_value(
		"Sales Target", {"parent_sales_target": ("is", "not set"), "is_group": 1}, "use_children_total", 1
	)
