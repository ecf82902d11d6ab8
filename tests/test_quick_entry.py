"""The customer quick entry per role, over HTTP: every role that may create a customer gets its contact
and address (they follow the customer's permission, whatever the role's rights on Contact and Address),
and a role that may not is refused with a message naming the missing right."""

import frappe
import pytest
from frappe.utils.password import update_password

from tests.trees import make_node, unique
from tests.users import http_session, make_user, remove_user

PASSWORD = "Quick-entry-pass-1234!"
CREATORS = ["Sales User", "Sales Manager", "CRM Manager"]
REFUSED = "Accounts User"  # reads customers, may not create one


@pytest.fixture(scope="module")
def sessions(server_url):
	users = {role: make_user(role) for role in [*CREATORS, REFUSED]}
	for user in users.values():
		update_password(user, PASSWORD)
		frappe.db.set_value("User", user, "language", "fr")
	frappe.db.commit()
	made = {}
	for role, user in users.items():
		made[role] = http_session(server_url, user, PASSWORD)
	yield made
	for user in users.values():
		remove_user(user)
	frappe.db.commit()


def quick_entry(name: str) -> dict:
	"""What the desk's dialog sends: a new document with the contact and address fields typed in."""
	return {
		"doctype": "Customer",
		"name": f"new-customer-{frappe.generate_hash(length=6)}",
		"__islocal": 1,
		"customer_name": name,
		"customer_type": "Company",
		"customer_group": frappe.db.get_value("Customer Group", {"is_group": 0}, "name"),
		"territory": frappe.db.get_value("Territory", {"is_group": 0}, "name"),
		"email_id": "compta@example.com",
		"mobile_no": "+33 6 12 34 56 78",
		"address_line1": "3 quai des Chartrons",
		"city": "Bordeaux",
		"country": "France",
	}


def remove_customer(name: str) -> None:
	frappe.db.rollback()
	for customer in frappe.get_all("Customer", filters={"customer_name": name}, pluck="name"):
		contact, address = frappe.db.get_value(
			"Customer", customer, ["customer_primary_contact", "customer_primary_address"]
		)
		frappe.delete_doc("Customer", customer, force=True)
		for doctype, record in (("Contact", contact), ("Address", address)):
			if record:
				frappe.delete_doc(doctype, record, force=True)
	frappe.db.commit()


def post_quick_entry(session, server_url, doc: dict):
	return session.post(f"{server_url}/api/method/crm_app.api.customer.insert_customer", json={"doc": doc})


@pytest.mark.parametrize("role", CREATORS)
def test_each_role_that_creates_customers_gets_the_contact_and_the_address(role, sessions, server_url):
	name = unique(f"Quick {role}")
	try:
		response = post_quick_entry(sessions[role], server_url, quick_entry(name))
		assert response.status_code == 200, response.text[:1000]
		customer = response.json()["message"]["name"]
		frappe.db.rollback()
		contact, address = frappe.db.get_value(
			"Customer", customer, ["customer_primary_contact", "customer_primary_address"]
		)
		assert frappe.db.get_value("Contact", contact, ["email_id", "mobile_no"]) == (
			"compta@example.com",
			"+33 6 12 34 56 78",
		)
		assert frappe.db.get_value("Address", address, ["address_line1", "city"]) == (
			"3 quai des Chartrons",
			"Bordeaux",
		)
		links = frappe.get_all("Dynamic Link", filters={"link_name": customer}, pluck="parenttype")
		assert sorted(links) == ["Address", "Contact"]
	finally:
		remove_customer(name)


def test_a_role_that_may_not_create_customers_is_told_which_right_it_lacks(sessions, server_url):
	name = unique("Quick refused")
	try:
		response = post_quick_entry(sessions[REFUSED], server_url, quick_entry(name))
		assert response.status_code == 403, response.text[:1000]
		assert "Pas d'autorisation de créer Client" in response.json()["exception"]
		frappe.db.rollback()
		assert not frappe.db.exists("Customer", {"customer_name": name})
		assert not frappe.db.exists("Address", {"address_line1": "3 quai des Chartrons", "city": "Bordeaux"})
	finally:
		remove_customer(name)


def test_the_quick_entry_makes_customers_only(sessions, server_url):
	name = unique("Quick other")
	try:
		response = post_quick_entry(
			sessions["Sales User"], server_url, {**quick_entry(name), "doctype": "Lead"}
		)
		assert response.status_code == 200, response.text[:1000]
		assert response.json()["message"]["doctype"] == "Customer"
		frappe.db.rollback()
		assert frappe.db.exists("Customer", {"customer_name": name})
	finally:
		remove_customer(name)


def test_a_scoped_user_is_told_which_territory_is_not_theirs(server_url):
	root = frappe.db.get_value("Territory", {"parent_territory": ("is", "not set")}, "name")
	mine = make_node("Territory", unique("Quick mine"), root, is_group=1).name
	town = make_node("Territory", unique("Quick town"), mine, is_group=0).name
	other = make_node("Territory", unique("Quick other"), root, is_group=0).name
	user = make_user("Sales User")
	frappe.get_doc(
		{"doctype": "User Permission", "user": user, "allow": "Territory", "for_value": mine}
	).insert()
	update_password(user, PASSWORD)
	frappe.db.set_value("User", user, "language", "fr")
	frappe.db.commit()
	name = unique("Quick scoped")
	try:
		session = http_session(server_url, user, PASSWORD)
		response = post_quick_entry(session, server_url, {**quick_entry(name), "territory": other})
		assert response.status_code == 403, response.text[:1000]
		assert response.json()["exception"].endswith(
			f"Pas d'autorisation de créer Client avec Territoire {other} : "
			"vos autorisations utilisateur ne l'incluent pas"
		)
		frappe.db.rollback()
		assert not frappe.db.exists("Customer", {"customer_name": name})
		# a territory inside theirs is accepted
		response = post_quick_entry(session, server_url, {**quick_entry(name), "territory": town})
		assert response.status_code == 200, response.text[:1000]
	finally:
		remove_customer(name)
		frappe.db.delete("User Permission", {"user": user})
		for territory in (town, mine, other):
			frappe.delete_doc("Territory", territory, force=True)
		remove_user(user)
		frappe.db.commit()
