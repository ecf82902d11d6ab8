"""Opportunity -> Quotation -> Sales Order -> Sales Invoice, with Frappe's mapper (ERPNext's field names, so
each new document keeps its links: quotation.opportunity, order row prevdoc_docname, invoice row
sales_order / so_detail). The new document is returned unsaved, as the desk's Create buttons expect."""

import frappe
from frappe import _
from frappe.model.mapper import get_mapped_doc
from frappe.utils import flt, nowdate

from crm_app.receivables import invoicing
from crm_app.selling.quotations import is_expired


class NotMappableError(frappe.ValidationError):
	pass


def refuse(doctype: str, name: str, status: str, target: str) -> None:
	frappe.throw(
		_("{0} {1} is {2}: no {3} can be made from it").format(_(doctype), name, _(status), _(target)),
		NotMappableError,
	)


def fill_defaults(target) -> None:
	"""The new document's empty values from the customer's values in force (as a new invoice)."""
	if target.get("customer"):
		invoicing.set_missing_values(target)


def quotation_from_opportunity(source_name: str):
	source = frappe.get_doc("Opportunity", source_name)
	if source.status not in ("Open", "Quotation"):
		refuse("Opportunity", source_name, source.status, "Quotation")

	def post_process(source, target):
		target.customer = source.customer
		fill_defaults(target)

	return get_mapped_doc(
		"Opportunity",
		source_name,
		{
			"Opportunity": {
				"doctype": "Quotation",
				"field_map": {"opportunity_from": "quotation_to", "name": "opportunity"},
				"field_no_map": ["transaction_date", "status"],
			}
		},
		None,
		post_process,
	)


def order_from_quotation(source_name: str):
	source = frappe.get_doc("Quotation", source_name)
	if source.docstatus != 1 or source.status not in ("Open",) or is_expired(source.valid_till):
		refuse(
			"Quotation", source_name, "Expired" if source.status == "Open" else source.status, "Sales Order"
		)
	if source.quotation_to != "Customer":
		frappe.throw(
			_("Quotation {0} is for a lead: make the lead a customer first").format(source_name),
			NotMappableError,
		)

	def post_process(source, target):
		target.customer = source.party_name
		fill_defaults(target)

	return get_mapped_doc(
		"Quotation",
		source_name,
		{
			"Quotation": {
				"doctype": "Sales Order",
				"field_no_map": ["transaction_date", "valid_till", "status", "naming_series"],
			},
			"Quotation Item": {"doctype": "Sales Order Item", "field_map": {"parent": "prevdoc_docname"}},
		},
		None,
		post_process,
	)


def invoice_from_order(source_name: str):
	"""What the order still has to bill, row by row (its amount less what invoices billed)."""
	source = frappe.get_doc("Sales Order", source_name)
	if source.docstatus != 1 or source.status not in ("To Deliver and Bill", "To Bill"):
		refuse("Sales Order", source_name, source.status, "Sales Invoice")

	def update_item(source_row, target_row, source_parent):
		left = flt(source_row.amount) - flt(source_row.billed_amt)
		target_row.qty = flt(left / flt(source_row.rate), 6) if flt(source_row.rate) else source_row.qty
		target_row.amount = flt(left, 2)

	def post_process(source, target):
		target.posting_date = nowdate()
		if flt(source.per_billed):
			target.total_taxes_and_charges = 0  # the order's taxes went on its first invoice
		invoicing.set_missing_values(target)
		invoicing.calculate_totals(target)

	return get_mapped_doc(
		"Sales Order",
		source_name,
		{
			"Sales Order": {
				"doctype": "Sales Invoice",
				"field_no_map": ["transaction_date", "status", "naming_series", "delivery_date"],
			},
			"Sales Order Item": {
				"doctype": "Sales Invoice Item",
				"field_map": {"name": "so_detail", "parent": "sales_order"},
				"postprocess": update_item,
				"condition": lambda row: flt(row.billed_amt) < flt(row.amount) - 0.005,
			},
		},
		None,
		post_process,
	)


def project_from_order(source_name: str):
	"""Sales Order > Create > Project (ERPNext's make_project): the order's customer and company, due on its
	delivery date."""
	source = frappe.get_doc("Sales Order", source_name)
	if source.docstatus != 1 or source.status in ("Closed", "Cancelled"):
		refuse("Sales Order", source_name, source.status, "Project")
	return get_mapped_doc(
		"Sales Order",
		source_name,
		{
			"Sales Order": {
				"doctype": "Project",
				"field_map": {"name": "sales_order", "delivery_date": "expected_end_date"},
				"field_no_map": ["status", "naming_series"],
			}
		},
		None,
		lambda source, target: target.update(
			{"project_name": source.name, "expected_start_date": source.transaction_date}
		),
	)
