"""Freeze and credit fields sit at higher permission levels: a role that may not write them is refused
(not silently reset), and the roles CRM Settings names get the right to write them."""

import frappe
import pytest
from frappe.utils.password import update_password

from crm_app.customers.sensitive_fields import SensitiveFieldError
from tests.receivables import purge_masters, setup_customer
from tests.users import http_session, make_user, remove_user

PASSWORD = "Sensitive-fields-pass-1234!"


def as_user(*roles):
	user = make_user(*roles)
	frappe.set_user(user)
	return user


def test_a_sales_user_may_not_freeze_or_unfreeze_a_customer():
	data = setup_customer()
	as_user("Sales User")
	doc = frappe.get_doc("Customer", data.customer)
	doc.is_frozen, doc.freeze_reason = 1, "Disputed invoices"
	with pytest.raises(SensitiveFieldError, match="Is Frozen"):
		doc.save()
	frappe.set_user("Administrator")
	assert frappe.db.get_value("Customer", data.customer, "is_frozen") == 0


def test_a_sales_manager_may_not_change_credit_limits_but_other_fields_save():
	data = setup_customer()
	as_user("Sales Manager")
	doc = frappe.get_doc("Customer", data.customer)
	doc.append("credit_limits", {"company": data.company, "credit_limit": 500})
	with pytest.raises(SensitiveFieldError, match="Credit Limit"):
		doc.save()
	doc = frappe.get_doc("Customer", data.customer)
	doc.customer_details = "Prefers email"
	doc.save()  # a change at level 0 is allowed
	assert frappe.db.get_value("Customer", data.customer, "customer_details") == "Prefers email"


def test_a_sales_user_may_not_create_a_frozen_customer_or_one_with_a_credit_limit():
	group = frappe.db.get_value("Customer Group", {"is_group": 0}, "name")
	company = setup_customer().company
	as_user("Sales User")
	for fields in (
		{"is_frozen": 1, "freeze_reason": "Bad payer"},
		{"credit_limits": [{"company": company, "credit_limit": 100}]},
	):
		doc = frappe.get_doc(
			{"doctype": "Customer", "customer_name": "Sensitive new", "customer_group": group, **fields}
		)
		with pytest.raises(SensitiveFieldError):
			doc.insert()
	# without them, the same user creates the customer
	doc = frappe.get_doc({"doctype": "Customer", "customer_name": "Sensitive new", "customer_group": group})
	doc.insert()


def test_an_accounts_manager_freezes_and_sets_credit_limits():
	data = setup_customer()
	as_user("Accounts Manager")
	doc = frappe.get_doc("Customer", data.customer)
	doc.is_frozen, doc.freeze_reason = 1, "Disputed invoices"
	doc.append("credit_limits", {"company": data.company, "credit_limit": 700})
	doc.save()
	frappe.set_user("Administrator")
	doc.reload()
	assert doc.is_frozen == 1 and [r.credit_limit for r in doc.credit_limits] == [700]


def test_a_sales_manager_may_not_change_a_group_credit_limit():
	leaf = frappe.db.get_value("Customer Group", {"is_group": 0}, "name")
	company = setup_customer().company
	as_user("Sales Manager")
	doc = frappe.get_doc("Customer Group", leaf)
	doc.append("credit_limits", {"company": company, "credit_limit": 900})
	with pytest.raises(SensitiveFieldError):
		doc.save()


def test_the_roles_crm_settings_names_get_the_right_and_lose_it_on_change():
	frappe.get_doc({"doctype": "Role", "role_name": "Credit Desk", "desk_access": 1}).insert(
		ignore_if_duplicate=True
	)
	data = setup_customer()
	settings = frappe.get_doc("CRM Settings")
	settings.credit_controller = "Credit Desk"
	settings.frozen_accounts_modifier = "Credit Desk"
	settings.save()
	user = as_user("Sales User", "Credit Desk")
	doc = frappe.get_doc("Customer", data.customer)
	doc.is_frozen, doc.freeze_reason = 1, "Disputed invoices"
	doc.append("credit_limits", {"company": data.company, "credit_limit": 300})
	doc.save()

	frappe.set_user("Administrator")
	settings.reload()
	settings.credit_controller = None
	settings.frozen_accounts_modifier = None
	settings.save()
	frappe.set_user(user)
	doc = frappe.get_doc("Customer", data.customer)
	doc.is_frozen = 0
	with pytest.raises(SensitiveFieldError):
		doc.save()


def test_over_rest_a_refused_change_is_a_403_and_nothing_changes(server_url):
	data = setup_customer()
	user = make_user("Sales User")
	update_password(user, PASSWORD)
	frappe.db.commit()
	try:
		session = http_session(server_url, user, PASSWORD)
		response = session.put(
			f"{server_url}/api/resource/Customer/{data.customer}",
			json={"is_frozen": 1, "freeze_reason": "Disputed invoices"},
		)
		assert response.status_code == 403, response.text
		assert "Is Frozen" in response.json()["exception"]
		assert frappe.db.get_value("Customer", data.customer, "is_frozen") == 0
	finally:
		remove_user(user)
		purge_masters([data.customer], [data.group], [data.item], [data.company])
		frappe.db.commit()
