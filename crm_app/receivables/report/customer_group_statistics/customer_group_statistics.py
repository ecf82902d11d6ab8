# Copyright (c) 2026, crm_app contributors and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import formatdate
from frappe.utils.nestedset import get_root_of

from crm_app.compat import report_refusals_stay_live
from crm_app.receivables.statistics_adjustments import permitted_adjusted_statistics


@report_refusals_stay_live
def execute(filters=None):
	"""Sage's customer group statistics: per movement, the count and amount for the fiscal year and
	the amount of each period; for a customer when one is chosen."""
	filters = frappe._dict(filters or {})
	if not filters.fiscal_year:
		frappe.throw(_("Choose a fiscal year"), frappe.MandatoryError)
	stats = permitted_adjusted_statistics(
		filters.fiscal_year,
		customer_group=None
		if filters.customer
		else (filters.customer_group or get_root_of("Customer Group")),
		customer=filters.customer,
		company=filters.company,
		currency=filters.currency,
		grouping=filters.grouping,
	)
	periods = stats["periods"]
	columns = [
		{"fieldname": "movement", "label": _("Movement"), "fieldtype": "Data", "width": 160},
		{"fieldname": "count", "label": _("Count"), "fieldtype": "Int", "width": 80},
		{
			"fieldname": "amount",
			"label": _("Amount"),
			"fieldtype": "Currency",
			"options": "currency",
			"width": 130,
		},
	] + [
		{
			"fieldname": f"period_{p['period']}",
			"label": _("P{0} ({1})").format(p["period"], formatdate(p["start"], "MMM yy")),
			"fieldtype": "Currency",
			"options": "currency",
			"width": 110,
		}
		for p in periods
	]
	# money columns are drawn in each row's "currency": the filter's, else the company's
	currency = stats["currency"]
	data = []
	for movement, values in stats["movements"].items():
		row = {
			"movement": _(movement),
			"count": values["count"],
			"amount": values["amount"],
			"currency": currency,
		}
		row.update({f"period_{i + 1}": p["amount"] for i, p in enumerate(values["periods"])})
		data.append(row)
	data.append({"movement": _("Total days to pay"), "count": stats["total_days_to_pay"]})
	data.append({"movement": _("Average days to pay"), "count": stats["average_days_to_pay"]})
	if stats["adjustments"]:  # the report stays as it was where nothing was adjusted
		columns.append({"fieldname": "reason", "label": _("Reason"), "fieldtype": "Data", "width": 240})
		data += adjustment_rows(stats, currency)
	chart = {
		"data": {
			"labels": [_("P{0}").format(p["period"]) for p in periods],
			"datasets": [
				{"name": _(kind), "values": [p["amount"] for p in stats["movements"][kind]["periods"]]}
				for kind in ("Invoice", "Receipt", "Credit Note")
			],
		},
		"type": "bar",
	}
	summary = [
		{
			"label": _("Invoices"),
			"value": stats["movements"]["Invoice"]["amount"],
			"datatype": "Currency",
			"currency": currency,
		},
		{
			"label": _("Receipts"),
			"value": stats["movements"]["Receipt"]["amount"],
			"datatype": "Currency",
			"currency": currency,
		},
		{"label": _("Average days to pay"), "value": stats["average_days_to_pay"] or 0, "datatype": "Float"},
	]
	if stats["adjustments"]:
		summary.append(
			{
				"label": _("Invoices, adjustments included"),
				"value": stats["adjusted"]["movements"]["Invoice"]["amount"],
				"datatype": "Currency",
				"currency": currency,
			}
		)
	return columns, data, None, chart, summary


def adjustment_rows(stats: dict, currency: str) -> list[dict]:
	"""Below the ledger's figures: each statistics adjustment with its reason, then the totals including
	them, each labelled so that neither reads as the ledger's."""
	rows = [{"movement": _("Statistics adjustments"), "bold": 1}]
	for adjustment in stats["adjustments"]:
		label = _("Opening statistics: {0}") if adjustment["is_opening"] else _("Adjustment: {0}")
		row = {
			"movement": label.format(_(adjustment["movement_type"])),
			"count": adjustment["count"],
			"amount": adjustment["amount"],
			"currency": currency,
			"reason": adjustment["reason"],
			f"period_{adjustment['period']}": adjustment["amount"],
		}
		rows.append(row)
	rows.append({"movement": _("Totals, adjustments included"), "bold": 1})
	adjusted = stats["adjusted"]
	for movement, values in adjusted["movements"].items():
		row = {
			"movement": _("{0}, adjustments included").format(_(movement)),
			"count": values["count"],
			"amount": values["amount"],
			"currency": currency,
		}
		row.update({f"period_{i + 1}": p["amount"] for i, p in enumerate(values["periods"])})
		rows.append(row)
	rows.append(
		{
			"movement": _("Total days to pay, adjustments included"),
			"count": adjusted["total_days_to_pay"],
		}
	)
	rows.append(
		{
			"movement": _("Average days to pay, adjustments included"),
			"count": adjusted["average_days_to_pay"],
		}
	)
	return rows
