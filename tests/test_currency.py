"""Money in the right currency: with a EUR company and no site default currency (as Frappe's setup
wizard leaves a site), the APIs give the currency of their amounts, the reports' money columns carry it,
and the site's missing default is never what an amount falls back to."""

import frappe
import pytest
from frappe.utils.nestedset import get_root_of

from crm_app.api.receivables import get_customer_overview, get_group_trends, get_statistics
from crm_app.api.sales_targets import get_target_vs_actual, get_territory_targets
from crm_app.currency import company_currency, default_company, stored_default
from crm_app.receivables.report.customer_group_statistics import customer_group_statistics
from crm_app.receivables.report.customer_group_trends import customer_group_trends
from crm_app.sales_targets.report.sales_target_invoices import sales_target_invoices
from crm_app.sales_targets.report.sales_target_variance import sales_target_variance
from tests.browser import DESK, page_errors
from tests.fixtures import make_company, make_customer
from tests.receivables import invoice, make_fiscal_year, make_item, purge, purge_masters
from tests.trees import make_node, unique


def forget_cached_defaults():
	for parent in ("__default", "__global"):
		frappe.cache.hdel("defaults", parent)


def drop_site_defaults():
	frappe.db.delete("DefaultValue", {"parent": "__default", "defkey": ("in", ("currency", "company"))})
	forget_cached_defaults()


@pytest.fixture(autouse=True)
def cached_defaults_follow_the_rollback():
	yield
	frappe.db.rollback()
	forget_cached_defaults()


@pytest.fixture
def eur_site():
	"""The only company is in EUR; the site has no default currency nor company."""
	company = make_company("EUR").name
	frappe.db.delete("Company", {"name": ("!=", company)})
	drop_site_defaults()
	assert not stored_default("currency")
	fy = make_fiscal_year("2026-01-01", "2026-12-31")
	group = make_node("Customer Group", unique("G"), get_root_of("Customer Group")).name
	territory = make_node("Territory", unique("T"), get_root_of("Territory")).name
	customer = make_customer(group, territory=territory).name
	item = make_item()
	inv = invoice(customer, company, item, rate=1200, posting_date="2026-03-10")
	target = make_node(
		"Sales Target",
		unique("Target"),
		get_root_of("Sales Target"),
		is_group=0,
		fiscal_year=fy,
		territory=territory,
		target_amount=5000,
	).name
	return frappe._dict(
		company=company,
		fy=fy,
		group=group,
		territory=territory,
		customer=customer,
		invoice=inv.name,
		target=target,
	)


def test_amounts_fall_back_to_the_companys_currency_not_the_sites(eur_site):
	assert default_company() == eur_site.company
	assert company_currency() == "EUR"
	usd = make_company("USD").name
	assert company_currency(usd) == "USD"
	assert company_currency("_Test no such company") == "EUR"


def test_the_apis_give_the_currency_of_their_amounts(eur_site):
	figures = invoice_figures(eur_site.customer)
	assert {f["currency"] for f in figures} == {"EUR"}
	assert sum(f["amount"] for f in figures) == 1200

	for stats in (
		get_statistics(eur_site.fy, customer_group=eur_site.group),
		get_statistics(eur_site.fy, customer=eur_site.customer),
	):
		assert stats["currency"] == "EUR"
		assert stats["movements"]["Invoice"]["amount"] == 1200
	assert get_group_trends(eur_site.fy)["currency"] == "EUR"

	progress = get_target_vs_actual(eur_site.fy, "Quarterly", eur_site.target)
	assert progress["currency"] == "EUR"
	assert progress["nodes"][0]["total"]["actual_amount"] == 1200
	[row] = get_territory_targets(eur_site.territory)
	assert (row["currency"], row["total"]["target_amount"]) == ("EUR", 5000)


def test_a_currency_or_company_asked_for_is_the_currency_given(eur_site):
	usd = make_company("USD").name
	assert get_statistics(eur_site.fy, customer_group=eur_site.group, company=usd)["currency"] == "USD"
	assert get_statistics(eur_site.fy, customer_group=eur_site.group, currency="CHF")["currency"] == "CHF"
	assert get_group_trends(eur_site.fy, company=usd)["currency"] == "USD"
	# a customer billed in another currency: its overview's invoices are in the currency of its invoices
	frappe.db.set_value("Sales Invoice", eur_site.invoice, "currency", "CHF")
	assert {f["currency"] for f in invoice_figures(eur_site.customer)} == {"CHF"}


def invoice_figures(customer: str) -> list[dict]:
	"""The overview's sales invoice figures that count something."""
	blocks = [b for tab in get_customer_overview(customer)["tabs"] for b in tab["blocks"]]
	(invoices,) = [b for b in blocks if b["key"] == "sales_invoices"]
	return [f for f in invoices["figures"] if f["count"]]


def money_columns(columns):
	return [c for c in columns if c.get("fieldtype") == "Currency"]


def assert_rows_in(columns, rows, currency):
	"""Every money column is drawn in the row's "currency", and every row with an amount carries it
	(the desk's report view hands the whole row to the formatter)."""
	assert money_columns(columns)
	assert all(c.get("options") == "currency" for c in money_columns(columns))
	assert rows and all(
		row.get("currency") == currency
		for row in rows
		if any(row.get(c["fieldname"]) for c in money_columns(columns))
	)


def test_the_reports_money_columns_carry_the_currency(eur_site):
	columns, data, _message, _chart, summary = customer_group_statistics.execute(
		{"fiscal_year": eur_site.fy, "customer_group": eur_site.group}
	)
	assert_rows_in(columns, data, "EUR")
	assert all(s.get("currency") == "EUR" for s in summary if s["datatype"] == "Currency")

	columns, data, *_ = customer_group_trends.execute({"fiscal_year": eur_site.fy})
	assert_rows_in(columns, data, "EUR")

	columns, data, *_ = sales_target_variance.execute(
		{"fiscal_year": eur_site.fy, "sales_target": eur_site.target, "based_on": "Amount"}
	)
	assert_rows_in(columns, data, "EUR")
	# quantities are not money: no currency on them
	columns, *_ = sales_target_variance.execute(
		{"fiscal_year": eur_site.fy, "sales_target": eur_site.target, "based_on": "Quantity"}
	)
	assert not money_columns(columns)
	assert all(not c.get("options") for c in columns if c.get("fieldtype") == "Float")

	frappe.db.set_value("Sales Invoice", eur_site.invoice, "currency", "CHF")
	columns, data = sales_target_invoices.execute(
		{"sales_target": eur_site.target, "from_date": "2026-01-01", "to_date": "2026-12-31"}
	)
	assert_rows_in(columns, data, "CHF")


def test_a_new_company_on_a_site_without_defaults_becomes_its_default():
	frappe.db.delete("Company")
	drop_site_defaults()
	company = make_company("CHF").name
	assert stored_default("company") == company
	assert stored_default("currency") == "CHF"
	# and a second one changes neither
	make_company("USD")
	assert (stored_default("company"), stored_default("currency")) == (company, "CHF")


def test_the_company_form_asks_only_for_the_name():
	meta = frappe.get_meta("Company")
	assert [f.fieldname for f in meta.fields if f.reqd] == ["company_name"]
	name = unique("Société Générale des Eaux")
	doc = frappe.get_doc({"doctype": "Company", "company_name": name, "country": "Switzerland"}).insert()
	assert doc.default_currency == "CHF"
	assert doc.abbr == "_SGDE"  # the initials, at most five: "_Test Société Générale des Eaux ..."
	# the same initials again: numbered
	twin = frappe.get_doc({"doctype": "Company", "company_name": name + " bis"}).insert()
	assert twin.abbr.startswith(doc.abbr) and twin.abbr != doc.abbr


def test_the_desk_draws_a_customers_figures_in_their_currency(desk_page, server_url):
	"""A customer billed by a CHF company: the overview on its form is in francs, not in the site's
	default currency."""
	company = make_company("CHF").name
	group = make_node("Customer Group", unique("G"), get_root_of("Customer Group")).name
	customer = make_customer(group).name
	item = make_item()
	invoices = [invoice(customer, company, item, rate=1200, posting_date="2026-03-10", currency="CHF").name]
	frappe.db.commit()
	try:
		assert frappe.db.get_value("Sales Invoice", invoices[0], "currency") == "CHF"
		desk_page.goto(f"{server_url}{DESK}/customer/{customer}")
		section = desk_page.locator(".form-dashboard-section:has-text('Ageing')")
		section.wait_for(timeout=60_000)
		text = section.inner_text()
		symbol = frappe.db.get_value("Currency", "CHF", "symbol") or "CHF"
		assert symbol in text and "€" not in text and "د.إ" not in text, text
		assert page_errors(desk_page) == []
	finally:
		frappe.db.rollback()
		purge("Sales Invoice", invoices)
		frappe.db.delete("Customer Ledger Summary", {"customer_group": group})
		purge_masters([customer], [group], [item], [company])
		frappe.db.commit()


def test_an_invoice_is_in_its_companys_currency_not_the_sites_default():
	"""Frappe fills a new document's `currency` with the site's default currency: an invoice takes its
	customer's or company's instead."""
	frappe.db.set_default("currency", "EUR")
	company = make_company("CHF").name
	customer = make_customer(make_node("Customer Group", unique("G"), get_root_of("Customer Group")).name)
	item = make_item()
	assert invoice(customer.name, company, item, submit=False).currency == "CHF"
	customer.db_set("default_currency", "USD")
	assert invoice(customer.name, company, item, submit=False).currency == "USD"
