"""The CRM workspace: its screens, and number cards that count what the user may see, in the company's
currency."""

import json
import re
from html import unescape

import frappe
import pytest
from frappe.utils import add_days, fmt_money, nowdate
from frappe.utils.nestedset import get_root_of
from frappe.utils.password import update_password

from crm_app.customers.dashboard_chart_source.customers_by_customer_group import (
	customers_by_customer_group as chart_source,
)
from crm_app.customers.dashboard_chart_source.customers_by_customer_group.customers_by_customer_group import (
	TOP_GROUPS,
	group_chart,
)
from crm_app.receivables import dashboard
from tests.fixtures import make_company, make_customer, make_group_chain
from tests.receivables import invoice, make_fiscal_year, purge, purge_masters, setup_customer
from tests.trees import make_node, unique
from tests.users import http_session, make_user, remove_user


def test_the_workspace_leads_to_every_screen_of_the_app():
	workspace = frappe.get_doc("Workspace", "CRM")
	assert workspace.public
	shortcuts = {s.link_to for s in workspace.shortcuts}
	assert {
		"Customer",
		"Customer Group",
		"Territory",
		"Sales Target",
		"Sales Invoice",
		"Payment Entry",
	} <= shortcuts
	reports = {link.link_to for link in workspace.links if link.link_type == "Report"}
	assert reports == set(
		frappe.get_all(
			"Report",
			filters={
				"module": ["in", frappe.get_all("Module Def", filters={"app_name": "crm_app"}, pluck="name")]
			},
			pluck="name",
		)
	)
	assert {c.number_card_name for c in workspace.number_cards} == {
		"Total Outstanding",
		"Overdue Outstanding",
		"Active Customers",
	}
	assert [c.chart_name for c in workspace.charts] == ["Customers by Customer Group"]


PASSWORD = "Workspace-pass-1234!"


def card_lines(html: str) -> list[tuple[str, str]]:
	"""(company, amount) per line of an outstanding card, as the card's HTML shows them."""
	lines = re.findall(
		r'<div class="crm-company-figure">(.*?) <span class="crm-company-name[^"]*">(.*?)</span></div>', html
	)
	assert len(lines) == html.count("crm-company-figure")
	return [(unescape(company), unescape(amount)) for amount, company in lines]


def as_user_of_company(company, *roles):
	user = make_user(*roles)
	frappe.defaults.set_user_default("company", company, user)
	frappe.set_user(user)
	return user


def test_the_cards_sum_the_outstanding_of_the_users_company_in_its_currency():
	make_fiscal_year()
	data = setup_customer()
	invoice(
		data.customer, data.company, data.item, rate=100, posting_date="2026-01-10", due_date="2026-01-20"
	)
	invoice(
		data.customer,
		data.company,
		data.item,
		rate=50,
		posting_date=nowdate(),
		due_date=add_days(nowdate(), 30),
	)
	as_user_of_company(data.company, "Accounts User")
	assert card_lines(dashboard.total_outstanding())[0] == (data.company, fmt_money(150, currency="EUR"))
	assert card_lines(dashboard.overdue_outstanding())[0] == (data.company, fmt_money(100, currency="EUR"))


def test_the_cards_leave_out_what_user_permissions_hide():
	make_fiscal_year()
	here = make_node("Territory", unique("Card Here"), get_root_of("Territory"), is_group=0).name
	data = setup_customer(territory=here)
	invoice(
		data.customer, data.company, data.item, rate=100, posting_date="2026-01-10", due_date="2026-01-20"
	)
	elsewhere = make_node("Territory", unique("Card Elsewhere"), get_root_of("Territory"), is_group=0).name
	user = make_user("Accounts User")
	frappe.get_doc(
		{"doctype": "User Permission", "user": user, "allow": "Territory", "for_value": elsewhere}
	).insert()
	frappe.defaults.set_user_default("company", data.company, user)
	frappe.set_user(user)
	assert dict(card_lines(dashboard.total_outstanding()))[data.company] == fmt_money(0, currency="EUR")


def test_active_customers_counts_the_customers_the_user_may_read():
	expected = frappe.db.count("Customer", {"disabled": 0})
	setup_customer()
	frappe.set_user(make_user("Sales User"))
	assert dashboard.active_customers()["value"] == expected + 1


def test_a_role_without_invoices_is_refused_the_outstanding_cards():
	frappe.set_user(make_user("Sales Manager"))  # reads invoices
	dashboard.total_outstanding()
	frappe.set_user(make_user())  # no role that reads invoices
	with pytest.raises(frappe.PermissionError):
		dashboard.total_outstanding()


def two_companies_dataset():
	"""Two companies with invoices of one customer in each: an overdue one and a current one in the
	first, an overdue one in the second."""
	make_fiscal_year()
	data = setup_customer()
	data.other_company = make_company("EUR").name
	overdue = {"posting_date": "2026-01-10", "due_date": "2026-01-20"}
	current = {"posting_date": nowdate(), "due_date": add_days(nowdate(), 30)}
	data.invoices = [
		invoice(data.customer, data.company, data.item, rate=100, **overdue).name,
		invoice(data.customer, data.company, data.item, rate=50, **current).name,
		invoice(data.customer, data.other_company, data.item, rate=480, **overdue).name,
	]
	data.expected_total = {data.company: 150, data.other_company: 480}
	data.expected_overdue = {data.company: 100, data.other_company: 480}
	return data


def test_the_cards_show_each_company_they_count_the_users_first():
	data = two_companies_dataset()
	as_user_of_company(data.other_company, "Accounts User")
	for lines, expected in (
		(card_lines(dashboard.total_outstanding()), data.expected_total),
		(card_lines(dashboard.overdue_outstanding()), data.expected_overdue),
	):
		assert lines[0][0] == data.other_company  # the user's company first
		shown = dict(lines)
		for company, amount in expected.items():
			assert shown[company] == fmt_money(amount, currency="EUR")


def test_a_company_filter_shows_that_company_only():
	data = two_companies_dataset()
	as_user_of_company(data.other_company, "Accounts User")
	as_list = json.dumps([["Sales Invoice", "company", "=", data.company, False]])
	for filters in (as_list, {"company": data.company}):
		assert card_lines(dashboard.total_outstanding(filters)) == [
			(data.company, fmt_money(150, currency="EUR"))
		]
		assert card_lines(dashboard.overdue_outstanding(filters)) == [
			(data.company, fmt_money(100, currency="EUR"))
		]


def test_a_card_refuses_an_unknown_company_or_a_company_list():
	as_user_of_company(make_company("EUR").name, "Accounts User")
	with pytest.raises(frappe.DoesNotExistError):
		dashboard.total_outstanding({"company": unique("No Such Company")})
	with pytest.raises(frappe.ValidationError):
		dashboard.total_outstanding(json.dumps([["Sales Invoice", "company", "in", ["A", "B"]]]))
	with pytest.raises(frappe.ValidationError):
		dashboard.total_outstanding({"company": ["A", "B"]})
	with pytest.raises(frappe.ValidationError):
		dashboard.total_outstanding("[not json")


@pytest.fixture
def committed_two_companies():
	existing_year = frappe.db.exists("Fiscal Year", {"year_start_date": "2026-01-01"})
	data = two_companies_dataset()
	data.fy = None if existing_year else frappe.db.get_value("Fiscal Year", {"year_start_date": "2026-01-01"})
	data.users = []
	frappe.db.commit()
	yield data
	frappe.db.rollback()
	purge("Sales Invoice", data.invoices)
	for user in data.users:
		remove_user(user)
	purge_masters(
		customers=[data.customer],
		groups=[data.group],
		items=[data.item],
		companies=[data.company, data.other_company],
	)
	if data.fy:
		frappe.delete_doc("Fiscal Year", data.fy, force=True, ignore_missing=True)
	frappe.db.commit()


@pytest.mark.parametrize("role", ["Accounts User", "Sales Manager"])
def test_over_http_each_role_reads_the_figures_of_both_companies(committed_two_companies, server_url, role):
	data = committed_two_companies
	user = make_user(role)
	data.users.append(user)
	update_password(user, PASSWORD)
	frappe.defaults.set_user_default("company", data.company, user)
	frappe.db.commit()
	session = http_session(server_url, user, PASSWORD)
	for method, expected in (
		("total_outstanding", data.expected_total),
		("overdue_outstanding", data.expected_overdue),
	):
		response = session.get(f"{server_url}/api/method/crm_app.receivables.dashboard.{method}")
		assert response.status_code == 200, response.text
		lines = card_lines(response.json()["message"])
		assert lines[0][0] == data.company
		shown = dict(lines)
		for company, amount in expected.items():
			assert shown[company] == fmt_money(amount, currency="EUR")
		response = session.get(
			f"{server_url}/api/method/crm_app.receivables.dashboard.{method}",
			params={"filters": json.dumps({"company": unique("No Such Company")})},
		)
		assert response.status_code == 404, response.text


def test_the_chart_names_the_largest_groups_and_sums_the_rest_as_others():
	rows = [frappe._dict(customer_group=unique(f"Group {i}"), customers=20 - i) for i in range(9)]
	chart = group_chart(rows)
	assert chart["labels"] == [row.customer_group for row in rows[:TOP_GROUPS]] + ["Others"]
	assert chart["datasets"][0]["values"] == [row.customers for row in rows[:TOP_GROUPS]] + [
		sum(row.customers for row in rows[TOP_GROUPS:])
	]
	assert group_chart(rows[:3])["labels"] == [row.customer_group for row in rows[:3]]


def test_the_chart_counts_every_customer_the_user_may_read_in_few_bars():
	group = make_group_chain(1)[0]
	for _ in range(3):
		make_customer(group)
	frappe.set_user(make_user("Sales User"))
	chart = chart_source.get()
	assert len(chart["labels"]) <= TOP_GROUPS + 1
	assert sum(chart["datasets"][0]["values"]) == frappe.db.count("Customer", {"disabled": 0})
	assert group in chart["labels"] or "Others" in chart["labels"]
