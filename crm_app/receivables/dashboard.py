"""Figures of the CRM workspace's number cards: what the user may see of the receivables, in the company's
currency (a stock "Sum" card formats with the site's default currency, which a fresh site lacks)."""

import frappe
from frappe import _
from frappe.utils import fmt_money, nowdate

from crm_app.arguments import strict_arguments
from crm_app.currency import company_currency, default_company
from crm_app.permissions import permitted_where


def permitted_aggregate(doctype: str, expression: str, conditions: list[str], values: dict) -> float:
	"""An aggregate over the rows of doctype the user may read."""
	where = permitted_where(doctype, conditions)
	return float(frappe.db.sql(f"select {expression} from `tab{doctype}` where {where}", values)[0][0] or 0)


def invoice_outstanding(overdue_only: bool = False) -> str:
	"""Outstanding of the submitted invoices of the default company, in its currency."""
	company = default_company()
	conditions = ["docstatus = 1", "company = %(company)s"]
	if overdue_only:
		conditions.append("outstanding_amount > 0 and due_date < %(today)s")
	total = permitted_aggregate(
		"Sales Invoice", "sum(outstanding_amount)", conditions, {"company": company, "today": nowdate()}
	)
	return fmt_money(total, currency=company_currency(company))


@frappe.whitelist()
@strict_arguments
def total_outstanding(filters: str | dict | None = None) -> str:
	return invoice_outstanding()


@frappe.whitelist()
@strict_arguments
def overdue_outstanding(filters: str | dict | None = None) -> str:
	return invoice_outstanding(overdue_only=True)


@frappe.whitelist()
@strict_arguments
def active_customers(filters: str | dict | None = None) -> dict:
	count = permitted_aggregate("Customer", "count(*)", ["disabled = 0"], {})
	return {"value": int(count), "fieldtype": "Int"}
