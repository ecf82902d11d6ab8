# Copyright (c) 2026, crm_app contributors and contributors
# For license information, please see license.txt

import frappe
from frappe import _

from crm_app.compat import report_refusals_stay_live
from crm_app.sales_targets.actuals import permitted_invoice_lines


@report_refusals_stay_live
def execute(filters=None):
	"""The submitted invoice lines (credit notes negative) that count for a sales target between two dates."""
	filters = frappe._dict(filters or {})
	for field in ("sales_target", "from_date", "to_date"):
		if not filters.get(field):
			frappe.throw(_("Choose a sales target and a date range"), frappe.MandatoryError)
	columns = [
		{
			"fieldname": "sales_invoice",
			"label": _("Sales Invoice"),
			"fieldtype": "Link",
			"options": "Sales Invoice",
			"width": 170,
		},
		{"fieldname": "posting_date", "label": _("Date"), "fieldtype": "Date", "width": 100},
		{
			"fieldname": "customer",
			"label": _("Customer"),
			"fieldtype": "Link",
			"options": "Customer",
			"width": 160,
		},
		{
			"fieldname": "territory",
			"label": _("Territory"),
			"fieldtype": "Link",
			"options": "Territory",
			"width": 130,
		},
		{"fieldname": "item_code", "label": _("Item"), "fieldtype": "Link", "options": "Item", "width": 140},
		{
			"fieldname": "item_group",
			"label": _("Item Group"),
			"fieldtype": "Link",
			"options": "Item Group",
			"width": 130,
		},
		{"fieldname": "qty", "label": _("Quantity"), "fieldtype": "Float", "width": 90},
		{
			"fieldname": "amount",
			"label": _("Amount"),
			"fieldtype": "Currency",
			"options": "currency",
			"width": 120,
		},
	]
	lines = permitted_invoice_lines(
		filters.sales_target, filters.from_date, filters.to_date, filters.grouping
	)
	return columns, with_currency(lines)


def with_currency(lines: list[dict]) -> list[dict]:
	"""Each line in its invoice's currency."""
	names = list({line["sales_invoice"] for line in lines})
	currencies = dict(
		frappe.get_all(
			"Sales Invoice", filters={"name": ("in", names)}, fields=["name", "currency"], as_list=True
		)
		if names
		else []
	)
	return [frappe._dict(line, currency=currencies.get(line["sales_invoice"])) for line in lines]
