"""Sales invoice values: defaults from the customer, prices, totals and the payment schedule."""

import frappe
from frappe import _
from frappe.utils import add_days, flt, getdate

from crm_app.customers.defaults import get_effective_defaults
from crm_app.receivables.settlement import open_invoice


class InvalidReturnError(frappe.ValidationError):
	pass


class InvalidQuantityError(frappe.ValidationError):
	pass


class NothingToPayError(frappe.ValidationError):
	pass


def customer_defaults(customer: str, company: str | None) -> dict:
	"""What a new invoice takes from its customer: price list, payment terms (values in force),
	currency, territory, group and print language."""
	row = frappe.db.get_value(
		"Customer", customer, ["default_currency", "territory", "customer_group", "language"], as_dict=True
	)
	values = get_effective_defaults([customer], company)[customer]["values"]
	price_list = values["default_price_list"]["value"]
	currency = (
		row.default_currency
		or (price_list and frappe.db.get_value("Price List", price_list, "currency"))
		or (company and frappe.db.get_value("Company", company, "default_currency"))
	)
	return {
		"selling_price_list": price_list,
		"payment_terms_template": values["payment_terms"]["value"],
		"currency": currency,
		"territory": row.territory,
		"customer_group": row.customer_group,
		"language": row.language,
		"sales_person": main_sales_person(customer),
	}


def main_sales_person(customer: str) -> str | None:
	"""The customer's sales team member with the largest contribution."""
	return frappe.db.get_value(
		"Sales Team",
		{"parent": customer, "parenttype": "Customer"},
		"sales_person",
		order_by="allocated_percentage desc, idx asc",
	)


def set_missing_values(doc) -> None:
	if not doc.customer:
		return  # nothing to take defaults from (validate refuses a missing customer)
	# Frappe pre-fills `language` with the site's language, and `currency` with the site's default
	# currency: on a new invoice the customer's (else its company's) wins
	site_defaults = {
		"language": frappe.db.get_default("lang")
		or frappe.db.get_single_value("System Settings", "language"),
		"currency": frappe.db.get_default("currency"),
	}
	for field, value in customer_defaults(doc.customer, doc.company).items():
		prefilled = field in site_defaults and doc.is_new() and doc.get(field) == site_defaults[field]
		if value and (not doc.get(field) or prefilled):
			doc.set(field, value)


def price_of(item_code: str, price_list: str | None) -> float | None:
	if not price_list:
		return None
	return frappe.db.get_value(
		"Item Price", {"item_code": item_code, "price_list": price_list}, "price_list_rate"
	)


def calculate_totals(doc) -> None:
	for item in doc.items:
		if not item.item_group:
			item.item_group = frappe.db.get_value("Item", item.item_code, "item_group")
		if not flt(item.rate):
			item.rate = flt(price_of(item.item_code, doc.selling_price_list))
		item.amount = flt(flt(item.qty) * flt(item.rate), 2)
	doc.net_total = flt(sum(flt(item.amount) for item in doc.items), 2)
	if doc.get("is_return") and flt(doc.total_taxes_and_charges) > 0:
		doc.total_taxes_and_charges = -flt(doc.total_taxes_and_charges)  # a credit note gives tax back
	doc.grand_total = flt(doc.net_total + flt(doc.total_taxes_and_charges), 2)


def validate_signs(doc) -> None:
	"""An invoice sells (quantities above zero), a credit note takes back (below zero); rates and an
	invoice's taxes are never negative. So an invoice's totals are positive, a credit note's negative,
	and the ledger posts them as they are."""
	for item in doc.items:
		if flt(item.rate) < 0:
			frappe.throw(_("Row {0}: the rate cannot be negative").format(item.idx), InvalidQuantityError)
		if not doc.get("is_return") and flt(item.qty) <= 0:
			frappe.throw(
				_(
					"Row {0}: the quantity must be above zero (goods are taken back with a credit note)"
				).format(item.idx),
				InvalidQuantityError,
			)
	if not doc.get("is_return") and flt(doc.total_taxes_and_charges) < 0:
		frappe.throw(_("The taxes of an invoice cannot be negative"), InvalidQuantityError)


def natural_amounts(doc) -> tuple[float, float]:
	"""The invoice's total and taxes as the ledger counts them, positive for an invoice and for a credit
	note alike (a credit note's own totals are negative)."""
	sign = -1 if doc.is_return else 1
	return flt(sign * flt(doc.grand_total), 2), flt(sign * flt(doc.total_taxes_and_charges), 2)


def validate_return(doc) -> None:
	if not doc.is_return:
		return
	if any(flt(item.qty) >= 0 for item in doc.items):
		frappe.throw(_("A credit note has negative quantities"), InvalidReturnError)
	if not open_invoice(doc.return_against, doc.customer, doc.company, doc.currency):
		frappe.throw(
			_("A credit note must return a submitted invoice of the same customer, company and currency"),
			InvalidReturnError,
		)


def make_payment_schedule(doc) -> None:
	"""Due dates from the payment terms template (due today without one); the last row takes the
	rounding remainder."""
	doc.set("payment_schedule", [])
	if doc.is_return:
		doc.due_date = doc.posting_date
		return
	terms = (
		frappe.get_all(
			"Payment Terms Template Detail",
			filters={"parent": doc.payment_terms_template, "parenttype": "Payment Terms Template"},
			fields=["invoice_portion", "credit_days"],
			order_by="idx",
		)
		if doc.payment_terms_template
		else [frappe._dict(invoice_portion=100, credit_days=0)]
	)
	remaining = flt(doc.grand_total)
	for index, term in enumerate(terms):
		last = index == len(terms) - 1
		amount = remaining if last else flt(flt(doc.grand_total) * flt(term.invoice_portion) / 100, 2)
		remaining = flt(remaining - amount, 2)
		doc.append(
			"payment_schedule",
			{
				"due_date": add_days(getdate(doc.posting_date), term.credit_days or 0),
				"invoice_portion": term.invoice_portion,
				"payment_amount": amount,
			},
		)
	doc.due_date = max(getdate(row.due_date) for row in doc.payment_schedule)


def payment_for_invoice(invoice_name: str):
	"""A new Payment Entry receiving what a submitted invoice still owes, allocated to it (the invoice's
	Create > Payment). Not saved: the user checks it and saves."""
	invoice = frappe.get_doc("Sales Invoice", invoice_name)
	if invoice.docstatus != 1 or invoice.is_return or flt(invoice.outstanding_amount) <= 0:
		frappe.throw(_("Sales Invoice {0} has nothing left to pay").format(invoice.name), NothingToPayError)
	payment = frappe.new_doc("Payment Entry")
	payment.update(
		{
			"payment_type": "Receive",
			"party_type": "Customer",
			"party": invoice.customer,
			"party_name": invoice.get("customer_name")
			or frappe.db.get_value("Customer", invoice.customer, "customer_name"),
			"company": invoice.company,
			"currency": invoice.currency,
			"posting_date": frappe.utils.nowdate(),
			"paid_amount": invoice.outstanding_amount,
		}
	)
	payment.append(
		"references",
		{
			"reference_doctype": "Sales Invoice",
			"reference_name": invoice.name,
			"due_date": invoice.due_date,
			"outstanding_amount": invoice.outstanding_amount,
			"allocated_amount": invoice.outstanding_amount,
			"currency": invoice.currency,
		},
	)
	return payment
