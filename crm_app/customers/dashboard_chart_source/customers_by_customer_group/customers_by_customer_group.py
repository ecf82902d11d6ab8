"""The CRM workspace's chart: how many customers each customer group has, among those the user may read,
with the group names in the user's language (the seeded ones have a French line)."""

import frappe
from frappe import _


@frappe.whitelist()
def get(
	chart_name=None,
	chart=None,
	no_cache=None,
	filters=None,
	from_date=None,
	to_date=None,
	timespan=None,
	time_interval=None,
	heatmap_year=None,
	refresh=None,
) -> dict:
	"""The Dashboard Chart Source method (Frappe passes the chart's settings; only the data is used)."""
	rows = frappe.get_list(
		"Customer",
		filters={"disabled": 0},
		fields=["customer_group", "count(*) as customers"],
		group_by="customer_group",
		order_by="customers desc",
		limit=20,
	)
	return {
		"labels": [_(row.customer_group) if row.customer_group else _("Not Specified") for row in rows],
		"datasets": [{"name": _("Customers"), "values": [row.customers for row in rows]}],
	}
