"""The CRM workspace's chart: how many customers each customer group has, among those the user may read,
with the group names in the user's language (the seeded ones have a French line)."""

from typing import Any

import frappe
from frappe import _

from crm_app.arguments import strict_arguments
from crm_app.permissions import permitted_where

# bars the chart draws by name (then "Others"): a full-width card reads about a dozen letters under each
TOP_GROUPS = 6


@frappe.whitelist()
@strict_arguments
def get(
	chart_name: str | None = None,
	chart: Any = None,
	no_cache: Any = None,
	filters: str | dict | None = None,
	from_date: Any = None,
	to_date: Any = None,
	timespan: Any = None,
	time_interval: Any = None,
	heatmap_year: Any = None,
	refresh: Any = None,
) -> dict:
	"""The Dashboard Chart Source method (Frappe passes the chart's settings; only the data is used)."""
	where = permitted_where("Customer", ["disabled = 0"])
	rows = frappe.db.sql(
		f"""select customer_group, count(*) as customers from `tabCustomer` where {where}
		group by customer_group order by customers desc, customer_group""",
		as_dict=True,
	)
	return group_chart(rows)


def group_chart(rows: list[dict]) -> dict:
	"""The largest groups by name and the rest summed under "Others": the chart shortens each label to
	the width of its bar, and twenty bars left "A ..." of every name."""
	top, rest = rows[:TOP_GROUPS], rows[TOP_GROUPS:]
	labels = [_(row.customer_group) if row.customer_group else _("Not Specified") for row in top]
	values = [row.customers for row in top]
	if rest:
		labels.append(_("Others"))
		values.append(sum(row.customers for row in rest))
	return {"labels": labels, "datasets": [{"name": _("Customers"), "values": values}]}
