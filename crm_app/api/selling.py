"""REST and desk API for selling (`/api/method/crm_app.api.selling.<name>`): the mappings behind the
desk's Create buttons, and the status actions of orders, quotations and opportunities."""

import frappe

from crm_app.access import require_permission
from crm_app.arguments import strict_arguments
from crm_app.input_checks import permitted_doc
from crm_app.selling import mapping, orders, quotations


def _mapped(source_doctype: str, source_name: str, target_doctype: str, make):
	permitted_doc(source_doctype, source_name)
	require_permission(target_doctype, "create")
	return make(source_name)


@frappe.whitelist()
@strict_arguments
def make_quotation(source_name: str):
	"""Opportunity > Create > Quotation: a new quotation for the opportunity's party (unsaved)."""
	return _mapped("Opportunity", source_name, "Quotation", mapping.quotation_from_opportunity)


@frappe.whitelist()
@strict_arguments
def make_sales_order(source_name: str):
	"""Quotation > Create > Sales Order: a new order with the quotation's items (unsaved)."""
	return _mapped("Quotation", source_name, "Sales Order", mapping.order_from_quotation)


@frappe.whitelist()
@strict_arguments
def make_sales_invoice(source_name: str):
	"""Sales Order > Create > Sales Invoice: a new invoice for what the order has left to bill (unsaved)."""
	return _mapped("Sales Order", source_name, "Sales Invoice", mapping.invoice_from_order)


@frappe.whitelist()
@strict_arguments
def make_project(source_name: str):
	"""Sales Order > Create > Project: a new project delivering the order (unsaved)."""
	return _mapped("Sales Order", source_name, "Project", mapping.project_from_order)


@frappe.whitelist(methods=["POST"])
@strict_arguments
def close_sales_order(sales_order: str) -> str:
	permitted_doc("Sales Order", sales_order)
	return orders.close(sales_order)


@frappe.whitelist(methods=["POST"])
@strict_arguments
def reopen_sales_order(sales_order: str) -> str:
	permitted_doc("Sales Order", sales_order)
	return orders.close(sales_order, close=False)


@frappe.whitelist(methods=["POST"])
@strict_arguments
def hold_sales_order(sales_order: str, reason: str | None = None) -> str:
	permitted_doc("Sales Order", sales_order)
	return orders.hold(sales_order, reason=reason)


@frappe.whitelist(methods=["POST"])
@strict_arguments
def resume_sales_order(sales_order: str) -> str:
	permitted_doc("Sales Order", sales_order)
	return orders.hold(sales_order, hold=False)


@frappe.whitelist(methods=["POST"])
@strict_arguments
def deliver_sales_order(sales_order: str) -> str:
	"""Record the delivery of what the order has left to deliver."""
	permitted_doc("Sales Order", sales_order)
	return orders.deliver(sales_order)


@frappe.whitelist(methods=["POST"])
@strict_arguments
def declare_quotation_lost(quotation: str, reason: str) -> str:
	permitted_doc("Quotation", quotation)
	return quotations.declare_lost(quotation, reason)


@frappe.whitelist(methods=["POST"])
@strict_arguments
def set_opportunity_status(opportunity: str, status: str, reason: str | None = None) -> str:
	"""Declare an opportunity Lost (with a reason) or Closed, or open it again (status Open)."""
	permitted_doc("Opportunity", opportunity)
	return quotations.set_opportunity_status(opportunity, status, reason)
