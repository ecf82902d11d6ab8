import frappe

from tests.trees import unique


def make_group_segment(label: str, group: str, operator: str = "equals", auto: int = 1, **fields):
	"""A segment of one rule on the customer group (a company in fields keeps its figures on that ledger)."""
	return frappe.get_doc(
		{
			"doctype": "Customer Segment",
			"segment_name": unique(label),
			"auto_update": auto,
			"rules": [{"field": "customer_group", "operator": operator, "value": group}],
			**fields,
		}
	).insert()
