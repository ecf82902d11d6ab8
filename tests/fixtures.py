"""Small masters for tests: a company with its receivable account, price lists, payment terms."""

import frappe
from frappe.utils.nestedset import get_root_of

from tests.trees import make_node, unique


def make_company(currency: str = "EUR", **fields) -> frappe._dict:
	name = unique("Company")
	company = frappe.get_doc(
		{
			"doctype": "Company",
			"company_name": name,
			"abbr": frappe.generate_hash(length=6).upper(),
			"default_currency": currency,
			**fields,
		}
	).insert()
	receivable = make_account(company.name, "Debtors")
	company.db_set("default_receivable_account", receivable)
	return frappe._dict(name=company.name, receivable=receivable, currency=currency)


def make_account(company: str, label: str) -> str:
	return (
		frappe.get_doc(
			{
				"doctype": "Account",
				"account_name": unique(label),
				"company": company,
				"account_type": "Receivable",
			}
		)
		.insert()
		.name
	)


def make_price_list(currency: str = "EUR") -> str:
	return (
		frappe.get_doc({"doctype": "Price List", "price_list_name": unique("Prices"), "currency": currency})
		.insert()
		.name
	)


def make_payment_terms(*portions: tuple[float, int]) -> str:
	template = frappe.get_doc({"doctype": "Payment Terms Template", "template_name": unique("Terms")})
	for portion, days in portions or ((100, 30),):
		template.append("terms", {"invoice_portion": portion, "credit_days": days})
	return template.insert().name


def make_group_chain(depth: int = 3) -> list[str]:
	"""Groups nested `depth` deep under the root: [top, ..., leaf]; the last one is a leaf."""
	chain, parent = [], get_root_of("Customer Group")
	for level in range(depth):
		is_group = int(level < depth - 1)
		parent = make_node("Customer Group", unique(f"Group L{level}"), parent, is_group=is_group).name
		chain.append(parent)
	return chain


def make_customer(customer_group: str, **fields):
	return frappe.get_doc(
		{
			"doctype": "Customer",
			"customer_name": unique("Customer"),
			"customer_group": customer_group,
			**fields,
		}
	).insert()
