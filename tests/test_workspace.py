"""The CRM workspace: its screens, and number cards that count what the user may see, in the company's
currency."""

import frappe
import pytest
from frappe.utils import add_days, fmt_money, nowdate
from frappe.utils.nestedset import get_root_of

from crm_app.receivables import dashboard
from tests.receivables import invoice, make_fiscal_year, setup_customer
from tests.trees import make_node, unique
from tests.users import make_user


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
	assert dashboard.total_outstanding() == fmt_money(150, currency="EUR")
	assert dashboard.overdue_outstanding() == fmt_money(100, currency="EUR")


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
	assert dashboard.total_outstanding() == fmt_money(0, currency="EUR")


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
