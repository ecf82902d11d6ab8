"""The selling blocks of the customer's 360 view (registered in hooks.py `customer_overview_blocks`): orders
on the orders tab, open quotations and opportunities on the quotations tab. One aggregate query per block,
over the rows the session user may read (crm_app.permissions)."""

import frappe
from frappe import _
from frappe.utils import flt

from crm_app.customers.activity import documents_source
from crm_app.customers.overview import customer_filter, figure, shared_source
from crm_app.permissions import permitted_where

# the order statuses shown, in this order, after the total (Draft and Cancelled are left out)
ORDER_STATUSES = ("To Deliver and Bill", "To Deliver", "To Bill", "On Hold", "Completed", "Closed")


def _in(customers: list[str]) -> str:
	return ", ".join(frappe.db.escape(c) for c in customers) or "''"


def _figure(label: str, count: int, amount: float, currency: str, route: list) -> dict:
	return figure(label, count=int(count), amount=flt(amount, 2), currency=currency, route=route)


def _route(doctype: str, customers: list[str], **filters) -> list:
	return ["List", doctype, {"customer": customer_filter(customers), **filters}]


def selling_figures(customers: list[str]) -> list[tuple]:
	"""One round trip for both selling blocks: submitted orders per status and currency, open quotations
	and open opportunities per currency, each part over the rows the user may read (left out when the user
	may not read its doctype). Rows: (doctype, status, currency, count, amount)."""
	parts = []
	if frappe.has_permission("Sales Order", "read"):
		where = permitted_where(
			"Sales Order",
			[f"`tabSales Order`.customer in ({_in(customers)})", "`tabSales Order`.docstatus = 1"],
		)
		parts.append(
			f"""select 'Sales Order', `tabSales Order`.status, `tabSales Order`.currency, count(*),
				sum(`tabSales Order`.grand_total)
			from `tabSales Order` where {where}
			group by `tabSales Order`.status, `tabSales Order`.currency"""
		)
	if frappe.has_permission("Quotation", "read"):
		where = permitted_where(
			"Quotation",
			[
				f"`tabQuotation`.customer in ({_in(customers)})",
				"`tabQuotation`.docstatus = 1",
				"`tabQuotation`.status = 'Open'",
			],
		)
		parts.append(
			f"""select 'Quotation', null, `tabQuotation`.currency, count(*), sum(`tabQuotation`.grand_total)
			from `tabQuotation` where {where} group by `tabQuotation`.currency"""
		)
		if frappe.has_permission("Opportunity", "read"):
			where = permitted_where(
				"Opportunity",
				[
					f"`tabOpportunity`.customer in ({_in(customers)})",
					"`tabOpportunity`.status in ('Open', 'Quotation')",
				],
			)
			parts.append(
				f"""select 'Opportunity', null, `tabOpportunity`.currency, count(*),
					sum(`tabOpportunity`.opportunity_amount)
				from `tabOpportunity` where {where} group by `tabOpportunity`.currency"""
			)
	return frappe.db.sql(" union all ".join(parts)) if parts else []


def _selling(customers: list[str], doctype: str) -> list[tuple]:
	rows = shared_source("selling", customers, selling_figures)
	return sorted((row[1:] for row in rows if row[0] == doctype), key=lambda row: row[1] or "")


def orders_block(customers: list[str]) -> dict | None:
	"""Submitted orders: the total, then each status (to deliver / to bill, completed, closed), count and
	amount per currency."""
	if not frappe.has_permission("Sales Order", "read"):
		return None
	rows = _selling(customers, "Sales Order")
	figures = []
	for currency in sorted({row[1] for row in rows}):
		mine = [row for row in rows if row[1] == currency]
		figures.append(
			_figure(
				_("Total"),
				sum(r[2] for r in mine),
				sum(flt(r[3]) for r in mine),
				currency,
				_route("Sales Order", customers, docstatus=1, currency=currency),
			)
		)
		by_status = {r[0]: r for r in mine}
		for status in ORDER_STATUSES:
			if status in by_status:
				row = by_status[status]
				figures.append(
					_figure(
						_(status),
						row[2],
						row[3],
						currency,
						_route("Sales Order", customers, status=status, currency=currency),
					)
				)
	return {"key": "orders", "tab": "orders", "title": _("Sales Orders"), "order": 20, "figures": figures}


def quotations_block(customers: list[str]) -> dict | None:
	"""Quotations in progress (Open) and open opportunities, count and amount per currency."""
	if not frappe.has_permission("Quotation", "read"):
		return None
	labels = {"Quotation": _("Quotations in Progress"), "Opportunity": _("Open Opportunities")}
	filters = {"Quotation": {"status": "Open"}, "Opportunity": {"status": ["in", ["Open", "Quotation"]]}}
	figures = [
		_figure(labels[doctype], count, amount, currency, _route(doctype, customers, **filters[doctype]))
		for doctype in ("Quotation", "Opportunity")
		for _status, currency, count, amount in _selling(customers, doctype)
	]
	return {
		"key": "quotations",
		"tab": "quotations",
		"title": _("Offers and Quotes"),
		"order": 20,
		"figures": figures,
	}


# the selling sources of the customer's activity history (hooks.py `customer_activity_sources`)


def _activity(
	kind: str, doctype: str, customers: list[str], kinds: set[str], limit: int
) -> list[dict] | None:
	return documents_source(
		kind,
		kinds,
		doctype,
		customers,
		limit,
		title=lambda row: f"{_(doctype)} {row.name} ({_(row.status)})",
		date_field="transaction_date",
		amount_field="grand_total",
		columns=("status",),
	)


def quotations_activity(customers: list[str], kinds: set[str], limit: int) -> list[dict] | None:
	"""Quotations to the customers, drafts included, by date."""
	return _activity("quotation", "Quotation", customers, kinds, limit)


def orders_activity(customers: list[str], kinds: set[str], limit: int) -> list[dict] | None:
	"""Sales orders of the customers, drafts included, by date."""
	return _activity("order", "Sales Order", customers, kinds, limit)
