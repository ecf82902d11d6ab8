import frappe
import pytest
import requests
from frappe.utils import fmt_money
from frappe.utils.password import update_password

from crm_app.customers.freeze import FreezeReasonMissingError
from crm_app.customers.national_accounts import national_account_summary
from crm_app.receivables.rules import CreditLimitExceededError, DisabledCustomerError, FrozenCustomerError
from crm_app.receivables.statistics import group_statistics
from tests.fixtures import make_customer, make_group_chain
from tests.receivables import (
	adjustment,
	credit_note,
	invoice,
	make_fiscal_year,
	payment,
	purge,
	purge_masters,
	setup_customer,
)
from tests.users import http_session, make_user, remove_user


def freeze(customer, reason="Disputed invoices"):
	doc = frappe.get_doc("Customer", customer)
	doc.is_frozen, doc.freeze_reason = 1, reason
	doc.save()


def test_freezing_needs_a_reason_and_leaves_a_trace():
	data = setup_customer()
	doc = frappe.get_doc("Customer", data.customer)
	doc.is_frozen = 1
	with pytest.raises(FreezeReasonMissingError):
		doc.save()
	freeze(data.customer, "Bank details changed")
	comments = frappe.get_all(
		"Comment", filters={"reference_doctype": "Customer", "reference_name": data.customer}, pluck="content"
	)
	assert any("Bank details changed" in c and "Administrator" in c for c in comments)


@pytest.fixture
def accounts_user():
	return make_user("Accounts User", "Sales User")


def documents_for(data):
	"""One draft of each money-moving document, made while the customer is not yet frozen."""
	inv = invoice(data.customer, data.company, data.item, rate=100)
	return {
		"Sales Invoice": invoice(data.customer, data.company, data.item, rate=50, submit=False),
		"Credit Note": credit_note(inv.name, data.item, rate=10, submit=False),
		"Payment Entry": payment(data.customer, data.company, 40, [(inv.name, 40)], submit=False),
		"Customer Adjustment": adjustment(data.customer, data.company, "Debit Note", 5, submit=False),
	}


@pytest.mark.parametrize("kind", ["Sales Invoice", "Credit Note", "Payment Entry", "Customer Adjustment"])
def test_a_frozen_customer_blocks_submission_without_the_role(kind, accounts_user):
	data = setup_customer()
	draft = documents_for(data)[kind]
	freeze(data.customer)
	frappe.set_user(accounts_user)
	draft.reload()
	draft.save()  # drafts are not blocked
	with pytest.raises(FrozenCustomerError, match="Disputed invoices"):
		draft.submit()
	frappe.set_user("Administrator")
	frappe.db.set_single_value("CRM Settings", "frozen_accounts_modifier", "Accounts Manager")
	frappe.get_doc("User", accounts_user).add_roles("Accounts Manager")
	frappe.set_user(accounts_user)
	draft.reload()
	draft.submit()
	assert draft.docstatus == 1


def test_a_disabled_customer_cannot_be_picked_for_a_new_document():
	data = setup_customer()
	inv = invoice(data.customer, data.company, data.item, rate=100)
	frappe.db.set_value("Customer", data.customer, "disabled", 1)
	with pytest.raises(DisabledCustomerError):
		invoice(data.customer, data.company, data.item, submit=False)
	with pytest.raises(DisabledCustomerError):
		payment(data.customer, data.company, 10, [(inv.name, 10)], submit=False)
	with pytest.raises(DisabledCustomerError):
		adjustment(data.customer, data.company, "Debit Note", 5, submit=False)


def set_limit(doctype, name, company, amount, bypass=0):
	doc = frappe.get_doc(doctype, name)
	doc.append(
		"credit_limits", {"company": company, "credit_limit": amount, "bypass_credit_limit_check": bypass}
	)
	doc.save()


def test_the_credit_limit_of_a_customer_refuses_with_the_figures(accounts_user):
	data = setup_customer()
	set_limit("Customer", data.customer, data.company, 1000)
	invoice(data.customer, data.company, data.item, rate=800)
	with pytest.raises(CreditLimitExceededError) as refused:
		invoice(data.customer, data.company, data.item, rate=300)
	message = str(refused.value)
	for figure in (800, 300, 1100, 1000):
		assert fmt_money(figure, currency="EUR") in message
	# a return is never refused, and a draft is not checked
	draft = invoice(data.customer, data.company, data.item, rate=300, submit=False)
	# the credit controller of CRM Settings may exceed it
	frappe.db.set_single_value("CRM Settings", "credit_controller", "Accounts Manager")
	frappe.get_doc("User", accounts_user).add_roles("Accounts Manager")
	frappe.set_user(accounts_user)
	draft.reload()
	draft.submit()


def test_a_bypass_row_lets_invoices_through():
	data = setup_customer()
	set_limit("Customer", data.customer, data.company, 100, bypass=1)
	assert invoice(data.customer, data.company, data.item, rate=500).docstatus == 1


def test_the_limit_of_an_ancestor_group_applies():
	data = setup_customer()
	top, leaf = make_group_chain(2)
	set_limit("Customer Group", top, data.company, 500)
	customer = make_customer(leaf).name
	invoice(customer, data.company, data.item, rate=400)
	with pytest.raises(CreditLimitExceededError, match=top):
		invoice(customer, data.company, data.item, rate=200)


def test_a_national_account_limit_covers_all_branches():
	data = setup_customer()
	office = make_customer(data.group, is_group=1, credit_limit_covers_branches=1).name
	set_limit("Customer", office, data.company, 1000)
	east = make_customer(data.group, parent_customer=office).name
	west = make_customer(data.group, parent_customer=office).name
	set_limit("Customer", west, data.company, 10_000)  # its own limit does not lift the head office's
	invoice(east, data.company, data.item, rate=700)
	with pytest.raises(CreditLimitExceededError, match="national account"):
		invoice(west, data.company, data.item, rate=400)
	assert invoice(west, data.company, data.item, rate=300).docstatus == 1
	summary = national_account_summary(office)
	assert summary["outstanding"] == [{"company": data.company, "currency": "EUR", "amount": 1000}]


def test_over_rest_a_frozen_customer_gets_417_and_the_role_lets_it_pass(server_url, admin_session):
	data = setup_customer()
	user = make_user("Accounts User", "Sales User")
	update_password(user, "Frozen-pass-1234!")
	freeze(data.customer)
	frappe.db.commit()
	created = []
	try:
		session = http_session(server_url, user, "Frozen-pass-1234!")
		body = {
			"customer": data.customer,
			"company": data.company,
			"posting_date": "2026-01-10",
			"items": [{"item_code": data.item, "qty": 1, "rate": 10}],
		}
		response = session.post(f"{server_url}/api/resource/Sales Invoice", json={**body, "docstatus": 1})
		assert response.status_code == 417
		assert response.json()["exc_type"] == "FrozenCustomerError"
		response = session.post(f"{server_url}/api/resource/Sales Invoice", json=body)
		assert response.status_code == 200
		created.append(response.json()["data"]["name"])

		frappe.db.set_single_value("CRM Settings", "frozen_accounts_modifier", "Accounts Manager")
		frappe.get_doc("User", user).add_roles("Accounts Manager")
		frappe.db.commit()
		response = session.post(f"{server_url}/api/resource/Sales Invoice", json={**body, "docstatus": 1})
		assert response.status_code == 200, response.text
		created.append(response.json()["data"]["name"])

		# the group statistics over REST see it, as the desk does
		fiscal_year = make_fiscal_year("2026-01-01", "2026-12-31")
		frappe.db.commit()
		response = requests.get(
			f"{server_url}/api/method/crm_app.api.receivables.get_statistics",
			params={"fiscal_year": fiscal_year, "customer_group": data.group},
			cookies=admin_session.cookies,
		)
		assert response.status_code == 200, response.text
		over_rest = response.json()["message"]["movements"]["Invoice"]
		assert (over_rest["count"], over_rest["amount"]) == (1, 10)
		assert over_rest == group_statistics(data.group, fiscal_year)["movements"]["Invoice"]
	finally:
		frappe.db.rollback()
		frappe.db.set_single_value("CRM Settings", "frozen_accounts_modifier", None)
		purge("Sales Invoice", created)
		frappe.db.delete("Fiscal Year", {"year_start_date": "2026-01-01", "name": ("like", "_Test FY%")})
		frappe.db.delete("Customer Ledger Summary", {"customer_group": data.group})
		purge_masters([data.customer], [data.group], [data.item], [data.company])
		remove_user(user)
		frappe.db.commit()
