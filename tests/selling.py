"""Helpers for selling tests: a customer with values in force, opportunities, quotations, orders."""

import frappe

from tests.fixtures import make_company, make_customer, make_group_chain, make_payment_terms, make_price_list
from tests.receivables import make_item
from tests.trees import unique


def selling_world(**customer_fields) -> frappe._dict:
	"""A company, a customer whose group gives a price list and payment terms, and two priced items."""
	company = make_company("EUR")
	price_list = make_price_list("EUR")
	terms = make_payment_terms((100, 30))
	group = make_group_chain(1)[0]
	frappe.db.set_value("Customer Group", group, {"default_price_list": price_list, "payment_terms": terms})
	customer = make_customer(group, **customer_fields).name
	return frappe._dict(
		company=company.name,
		group=group,
		customer=customer,
		price_list=price_list,
		terms=terms,
		item_codes=[make_item(rate=10, price_list=price_list), make_item(rate=25, price_list=price_list)],
	)


def make_lead() -> str:
	return frappe.get_doc({"doctype": "Lead", "lead_name": unique("Lead")}).insert().name


def opportunity(world, party=None, party_type="Customer", amount=500.0, **fields):
	return frappe.get_doc(
		{
			"doctype": "Opportunity",
			"opportunity_from": party_type,
			"party_name": party or world.customer,
			"company": world.company,
			"opportunity_amount": amount,
			**fields,
		}
	).insert()


def quotation(world, items=((0, 2),), submit=True, **fields):
	"""Rows (index into world.item_codes, qty) at the price list's rates."""
	doc = frappe.get_doc(
		{
			"doctype": "Quotation",
			"quotation_to": "Customer",
			"party_name": world.customer,
			"company": world.company,
			"transaction_date": "2026-11-01",
			"items": [{"item_code": world.item_codes[i], "qty": qty} for i, qty in items],
			**fields,
		}
	).insert()
	if submit:
		doc.submit()
	return doc


def sales_order(world, items=((0, 2), (1, 4)), submit=True, **fields):
	doc = frappe.get_doc(
		{
			"doctype": "Sales Order",
			"customer": world.customer,
			"company": world.company,
			"transaction_date": "2026-11-01",
			"delivery_date": "2026-11-20",
			"items": [{"item_code": world.item_codes[i], "qty": qty} for i, qty in items],
			**fields,
		}
	).insert()
	if submit:
		doc.submit()
	return doc
