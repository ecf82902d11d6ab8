# Copyright (c) 2026, crm_app contributors and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import formatdate

from crm_app.compat import report_refusals_stay_live
from crm_app.sales_targets.variance import permitted_target_vs_actual


@report_refusals_stay_live
def execute(filters=None):
	"""Target against actual per Sales Target node and period, rolled up along the tree."""
	filters = frappe._dict(filters or {})
	if not filters.fiscal_year:
		frappe.throw(_("Choose a fiscal year"), frappe.MandatoryError)
	result = permitted_target_vs_actual(
		filters.fiscal_year, filters.period or "Monthly", filters.sales_target, filters.grouping
	)
	measure = "qty" if filters.based_on == "Quantity" else "amount"
	fieldtype = "Float" if measure == "qty" else "Currency"
	# amounts in the targets' currency (a Float with options would be drawn as money too)
	money = {"options": "currency"} if fieldtype == "Currency" else {}
	columns = [
		{
			"fieldname": "sales_target",
			"label": _("Sales Target"),
			"fieldtype": "Link",
			"options": "Sales Target",
			"width": 220,
		},
		{"fieldname": "scope", "label": _("What Counts"), "fieldtype": "Data", "width": 200},
	]
	for p in result["periods"]:
		label = formatdate(p["start"], "MMM yy")
		for kind, title in (("target", _("Target")), ("actual", _("Actual")), ("variance", _("Variance"))):
			columns.append(
				{
					"fieldname": f"{kind}_{p['period']}",
					"label": f"{label} {title}",
					"fieldtype": fieldtype,
					**money,
					"width": 110,
					# the drill-down to the invoices behind an actual figure
					"period_start": str(p["start"]),
					"period_end": str(p["end"]),
				}
			)
	columns += [
		{
			"fieldname": "total_target",
			"label": _("Total Target"),
			"fieldtype": fieldtype,
			**money,
			"width": 120,
		},
		{
			"fieldname": "total_actual",
			"label": _("Total Actual"),
			"fieldtype": fieldtype,
			**money,
			"width": 120,
		},
		{"fieldname": "achieved_pct", "label": _("% Achieved"), "fieldtype": "Percent", "width": 100},
		{
			"fieldname": "unallocated",
			"label": _("Unallocated"),
			"fieldtype": fieldtype,
			**money,
			"width": 120,
		},
	]
	depth = {}
	data = []
	for node in result["nodes"]:
		depth[node["sales_target"]] = depth.get(node["parent_sales_target"], -1) + 1
		row = {
			"sales_target": node["sales_target"],
			"parent_sales_target": node["parent_sales_target"],
			"indent": depth[node["sales_target"]],
			"scope": ", ".join(
				filter(None, (node[f] for f in ("territory", "customer_group", "sales_person", "item_group")))
			),
			"total_target": node["total"][f"target_{measure}"],
			"total_actual": node["total"][f"actual_{measure}"],
			"achieved_pct": node["total"]["achieved_pct"],
			"unallocated": node[f"unallocated_{measure}"],
			"currency": result["currency"],
		}
		for p in node["periods"]:
			for kind in ("target", "actual", "variance"):
				row[f"{kind}_{p['period']}"] = p[f"{kind}_{measure}"]
		data.append(row)
	top = result["nodes"][0] if result["nodes"] else None
	chart = top and {
		"data": {
			"labels": [formatdate(p["start"], "MMM yy") for p in result["periods"]],
			"datasets": [
				{"name": _("Target"), "values": [p[f"target_{measure}"] for p in top["periods"]]},
				{"name": _("Actual"), "values": [p[f"actual_{measure}"] for p in top["periods"]]},
			],
		},
		"type": "bar",
	}
	return columns, data, None, chart
