# Copyright (c) 2026, crm_app contributors and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import flt, formatdate

from crm_app.compat import report_refusals_stay_live
from crm_app.receivables.statistics import permitted_group_trends


@report_refusals_stay_live
def execute(filters=None):
	"""Net sales (invoices less credit notes) of each child group of a parent, period by period."""
	filters = frappe._dict(filters or {})
	if not filters.fiscal_year:
		frappe.throw(_("Choose a fiscal year"), frappe.MandatoryError)
	trends = permitted_group_trends(
		filters.fiscal_year,
		filters.parent_customer_group,
		filters.company,
		filters.currency,
		filters.value or "amount",
		filters.grouping,
	)
	periods = trends["periods"]
	fieldtype = "Int" if trends["value"] == "count" else "Currency"
	# amounts drawn in each row's "currency" (the filter's, else the company's)
	money = {"options": "currency"} if fieldtype == "Currency" else {}
	columns = [
		{
			"fieldname": "customer_group",
			"label": _("Customer Group"),
			"fieldtype": "Link",
			"options": "Customer Group",
			"width": 200,
		}
	]
	columns += [
		{
			"fieldname": f"period_{p['period']}",
			"label": formatdate(p["start"], "MMM yy"),
			"fieldtype": fieldtype,
			**money,
			"width": 100,
		}
		for p in periods
	]
	columns.append(
		{
			"fieldname": "total",
			"label": _("Total"),
			"fieldtype": fieldtype,
			**money,
			"width": 120,
		}
	)
	data = []
	for group, values in trends["series"].items():
		row = {"customer_group": group, "total": flt(sum(values), 2), "currency": trends["currency"]}
		row.update({f"period_{i + 1}": v for i, v in enumerate(values)})
		data.append(row)
	chart = {
		"data": {
			"labels": [formatdate(p["start"], "MMM yy") for p in periods],
			"datasets": [{"name": _(group), "values": values} for group, values in trends["series"].items()],
		},
		"type": "line",
	}
	return columns, data, None, chart
