"""Seed 003's restricted access: a user limited to a territory or a customer group subtree sees only
those customers and their money documents, over REST (lists and single records) and in the workspace."""

import frappe
import pytest
import requests
from frappe.utils.nestedset import get_root_of
from frappe.utils.password import update_password

from tests.fixtures import make_company, make_customer, make_group_chain
from tests.receivables import invoice, make_fiscal_year, make_item, purge, purge_masters
from tests.trees import make_node, unique
from tests.users import make_user, remove_user

PASSWORD = "Scoped-users-pass-1234!"


@pytest.fixture(scope="module")
def world(server_url):
	"""Two regions (a parent territory with a leaf inside) and a group chain, a customer and an invoice in
	each, and two Sales Users: one limited to the first region, one to the first group's top node."""
	make_fiscal_year()
	company = make_company("EUR")
	item = make_item()
	regions, leaves, chains, customers, invoices = [], [], [], [], []
	for key in ("in", "out"):
		region = make_node(
			"Territory", unique(f"Scope {key} region"), get_root_of("Territory"), is_group=1
		).name
		leaf = make_node("Territory", unique(f"Scope {key} town"), region, is_group=0).name
		chain = make_group_chain(2)
		customer = make_customer(chain[-1], territory=leaf).name
		invoices.append(invoice(customer, company.name, item, rate=100).name)
		regions.append(region)
		leaves.append(leaf)
		chains.append(chain)
		customers.append(customer)
	by_territory, by_group = make_user("Sales User"), make_user("Sales User")
	for user, allow, value in (
		(by_territory, "Territory", regions[0]),
		(by_group, "Customer Group", chains[0][0]),
	):
		frappe.get_doc(
			{"doctype": "User Permission", "user": user, "allow": allow, "for_value": value}
		).insert()
		update_password(user, PASSWORD)
	frappe.db.commit()
	sessions = {}
	for key, user in (("territory", by_territory), ("group", by_group)):
		session = requests.Session()
		assert session.post(f"{server_url}/api/method/login", data={"usr": user, "pwd": PASSWORD}).ok
		sessions[key] = session
	yield frappe._dict(sessions=sessions, customers=customers, invoices=invoices)
	for user in (by_territory, by_group):
		frappe.db.delete("User Permission", {"user": user})
		remove_user(user)
	purge("Sales Invoice", invoices)
	purge_masters(customers, [g for chain in chains for g in reversed(chain)], [item], [company.name])
	for territory in [*leaves, *regions]:
		frappe.delete_doc("Territory", territory, force=True)
	frappe.db.commit()


def names(session, url, doctype):
	response = session.get(f"{url}/api/resource/{doctype}", params={"limit_page_length": 0})
	assert response.status_code == 200, response.text[:500]
	return {row["name"] for row in response.json()["data"]}


@pytest.mark.parametrize("scope", ["territory", "group"])
def test_a_scoped_user_lists_only_the_customers_of_the_subtree(world, server_url, scope):
	seen = names(world.sessions[scope], server_url, "Customer")
	assert world.customers[0] in seen  # its territory or group is a descendant of the permitted node
	assert world.customers[1] not in seen


@pytest.mark.parametrize("scope", ["territory", "group"])
def test_a_scoped_user_lists_only_the_invoices_of_those_customers(world, server_url, scope):
	seen = names(world.sessions[scope], server_url, "Sales Invoice")
	assert world.invoices[0] in seen
	assert world.invoices[1] not in seen


@pytest.mark.parametrize("scope", ["territory", "group"])
def test_a_scoped_user_is_refused_a_record_outside(world, server_url, scope):
	session = world.sessions[scope]
	for doctype, inside, outside in (
		("Customer", world.customers[0], world.customers[1]),
		("Sales Invoice", world.invoices[0], world.invoices[1]),
	):
		assert session.get(f"{server_url}/api/resource/{doctype}/{inside}").status_code == 200
		assert session.get(f"{server_url}/api/resource/{doctype}/{outside}").status_code == 403
