"""Figures of the CRM workspace's number cards: what the user may see of the receivables, in the company's
currency (a stock "Sum" card formats with the site's default currency, which a fresh site lacks)."""

import json

import frappe
from frappe import _
from frappe.utils import escape_html, fmt_money, nowdate

from crm_app.arguments import strict_arguments
from crm_app.currency import company_currency, default_company
from crm_app.permissions import permitted_where


def permitted_aggregate(doctype: str, expression: str, conditions: list[str], values: dict) -> float:
	"""An aggregate over the rows of doctype the user may read."""
	where = permitted_where(doctype, conditions)
	return float(frappe.db.sql(f"select {expression} from `tab{doctype}` where {where}", values)[0][0] or 0)


def company_filter(filters: str | dict | list | None) -> str | None:
	"""The company a card's filters name (Frappe sends filters_json with dynamic_filters_json evaluated, as
	a list of [doctype, field, "=", value] or a dict), else None."""
	if isinstance(filters, str):
		try:
			filters = json.loads(filters) if filters.strip() else None
		except ValueError:
			frappe.throw(_("The filters of a card are JSON"), frappe.ValidationError)
	if isinstance(filters, dict):
		company = filters.get("company")
	elif isinstance(filters, list):
		conditions = [f for f in filters if isinstance(f, list | tuple) and len(f) >= 4 and f[1] == "company"]
		company = conditions[-1][3] if conditions and conditions[-1][2] == "=" else None
		if conditions and conditions[-1][2] != "=":
			frappe.throw(_("The company filter of a card takes one company (=)"), frappe.ValidationError)
	else:
		company = None
	if company and not isinstance(company, str):
		frappe.throw(_("The company filter of a card takes one company (=)"), frappe.ValidationError)
	if company and not frappe.db.exists("Company", company):
		frappe.throw(_("Company {0} does not exist").format(company), frappe.DoesNotExistError)
	return company or None


def outstanding_by_company(overdue_only: bool = False, company: str | None = None) -> dict[str, float]:
	"""Outstanding of the submitted invoices the user may read, per company (each in its own currency):
	the given company, else every company with invoices, the user's default one first even at zero."""
	conditions = ["docstatus = 1"]
	if company:
		conditions.append("company = %(company)s")
	if overdue_only:
		conditions.append("outstanding_amount > 0 and due_date < %(today)s")
	where = permitted_where("Sales Invoice", conditions)
	rows = frappe.db.sql(
		f"""select company, sum(outstanding_amount) from `tabSales Invoice` where {where}
		group by company order by company""",
		{"company": company, "today": nowdate()},
	)
	first = company or default_company()
	totals = {first: 0.0} if first else {}
	totals.update({name: float(total or 0) for name, total in rows})
	return totals


def invoice_outstanding(overdue_only: bool = False, filters: str | dict | list | None = None) -> str:
	"""The card's figure: one line per company (amount in the company's currency, then the company's
	name), so a card never shows a company's total without saying which company it counts."""
	totals = outstanding_by_company(overdue_only, company_filter(filters))
	return "".join(
		f'<div class="crm-company-figure">{escape_html(fmt_money(total, currency=company_currency(company)))}'
		f' <span class="crm-company-name text-muted small">{escape_html(company)}</span></div>'
		for company, total in totals.items()
	)


@frappe.whitelist()
@strict_arguments
def total_outstanding(filters: str | dict | None = None) -> str:
	return invoice_outstanding(filters=filters)


@frappe.whitelist()
@strict_arguments
def overdue_outstanding(filters: str | dict | None = None) -> str:
	return invoice_outstanding(overdue_only=True, filters=filters)


@frappe.whitelist()
@strict_arguments
def active_customers(filters: str | dict | None = None) -> dict:
	count = permitted_aggregate("Customer", "count(*)", ["disabled = 0"], {})
	return {"value": int(count), "fieldtype": "Int"}
