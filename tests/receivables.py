"""Helpers for receivables tests: masters and documents, submitted or not."""

import frappe
from frappe.utils.nestedset import get_root_of

from tests.fixtures import make_company, make_customer, make_group_chain
from tests.trees import make_node, unique


def make_item(rate: float | None = None, price_list: str | None = None, item_group: str | None = None) -> str:
	group = item_group or make_node("Item Group", unique("Goods"), get_root_of("Item Group")).name
	item = frappe.get_doc({"doctype": "Item", "item_code": unique("Item"), "item_group": group}).insert().name
	if rate is not None and price_list:
		frappe.get_doc(
			{"doctype": "Item Price", "item_code": item, "price_list": price_list, "price_list_rate": rate}
		).insert()
	return item


def make_fiscal_year(start: str = "2026-01-01", end: str = "2026-12-31") -> str:
	# the site's own year (the first-run step makes the current calendar year) is reused: another
	# year over the same dates would overlap it
	same = frappe.db.get_value("Fiscal Year", {"year_start_date": start, "year_end_date": end}, "name")
	if same:
		return same
	return (
		frappe.get_doc(
			{"doctype": "Fiscal Year", "year": unique("FY"), "year_start_date": start, "year_end_date": end}
		)
		.insert()
		.name
	)


def invoice(
	customer, company, item, rate=100.0, qty=1, tax=0.0, posting_date="2026-01-10", submit=True, **fields
):
	doc = frappe.get_doc(
		{
			"doctype": "Sales Invoice",
			"customer": customer,
			"company": company,
			"posting_date": posting_date,
			"total_taxes_and_charges": tax,
			"items": [{"item_code": item, "qty": qty, "rate": rate}],
			**fields,
		}
	).insert()
	if submit:
		doc.submit()
	return doc


def credit_note(against, item, rate, qty=-1, tax=0.0, posting_date="2026-01-25", submit=True):
	original = frappe.get_doc("Sales Invoice", against)
	return invoice(
		original.customer,
		original.company,
		item,
		rate=rate,
		qty=qty,
		tax=tax,
		posting_date=posting_date,
		submit=submit,
		is_return=1,
		return_against=against,
		naming_series="ACC-SINV-RET-.YYYY.-",
	)


def payment(
	customer, company, paid, allocations=(), discount=0.0, posting_date="2026-02-15", submit=True, **fields
):
	doc = frappe.get_doc(
		{
			"doctype": "Payment Entry",
			"party": customer,
			"company": company,
			"currency": frappe.db.get_value("Company", company, "default_currency"),
			"posting_date": posting_date,
			"paid_amount": paid,
			"discount_amount": discount,
			"references": [
				{"reference_name": name, "allocated_amount": amount} for name, amount in allocations
			],
			**fields,
		}
	).insert()
	if submit:
		doc.submit()
	return doc


def returned_cheque(original, posting_date="2026-03-10", submit=True):
	source = frappe.get_doc("Payment Entry", original)
	return payment(
		source.party,
		source.company,
		source.paid_amount,
		posting_date=posting_date,
		submit=submit,
		payment_type="Returned Cheque",
		returned_payment=original,
	)


def adjustment(customer, company, kind, amount, tax=0.0, posting_date="2026-03-05", submit=True, **fields):
	doc = frappe.get_doc(
		{
			"doctype": "Customer Adjustment",
			"adjustment_type": kind,
			"customer": customer,
			"company": company,
			"currency": frappe.db.get_value("Company", company, "default_currency"),
			"posting_date": posting_date,
			"amount": amount,
			"tax_amount": tax,
			**fields,
		}
	).insert()
	if submit:
		doc.submit()
	return doc


def setup_customer(**customer_fields):
	"""A company, a leaf group, a customer of it and an item."""
	company = make_company("EUR")
	group = make_group_chain(1)[0]
	customer = make_customer(group, **customer_fields)
	return frappe._dict(company=company.name, group=group, customer=customer.name, item=make_item())


def purge(doctype: str, names: list[str]) -> None:
	"""Remove committed test documents, submitted or not, with their ledger rows (tests only: the
	ledger is append-only everywhere else)."""
	for name in names:
		frappe.db.delete("Customer Ledger Entry", {"voucher_no": name})
		for child in frappe.get_meta(doctype).get_table_fields():
			frappe.db.delete(child.options, {"parent": name, "parenttype": doctype})
		frappe.db.delete(doctype, {"name": name})


def purge_masters(customers=(), groups=(), items=(), companies=()) -> None:
	"""Remove committed test masters, through delete_doc so the trees stay exact."""
	for customer in customers:
		frappe.delete_doc("Customer", customer, force=True, ignore_missing=True)
	for group in groups:  # leaves first
		frappe.delete_doc("Customer Group", group, force=True, ignore_missing=True)
	for item in items:
		item_group = frappe.db.get_value("Item", item, "item_group")
		frappe.db.delete("Item Price", {"item_code": item})
		frappe.delete_doc("Item", item, force=True, ignore_missing=True)
		if item_group and not frappe.db.exists("Item", {"item_group": item_group}):
			frappe.delete_doc("Item Group", item_group, force=True, ignore_missing=True)
	for company in companies:
		# the monthly summary rows its committed documents added (purge removed their ledger rows)
		frappe.db.delete("Customer Ledger Summary", {"company": company})
		# and the customers' kept figures
		frappe.db.delete("Customer Balance", {"company": company})
		frappe.db.delete("Customer Due Amount", {"company": company})
		frappe.db.set_value("Company", company, "default_receivable_account", None)
		frappe.db.delete("Account", {"company": company})
		frappe.delete_doc("Company", company, force=True, ignore_missing=True)
