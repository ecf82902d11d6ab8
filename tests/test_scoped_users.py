"""Seed 003's restricted access: a user limited to a territory or a customer group subtree sees only
those customers and their money documents, over REST (lists and single records) and in the workspace."""

import json

import frappe
import pytest
from frappe.utils.nestedset import get_root_of
from frappe.utils.password import update_password

from tests.fixtures import make_company, make_customer, make_group_chain, make_price_list
from tests.receivables import invoice, make_fiscal_year, make_item, purge, purge_masters
from tests.trees import make_node, unique
from tests.users import http_session, make_user, remove_user

PASSWORD = "Scoped-users-pass-1234!"


@pytest.fixture(scope="module")
def world(server_url):
	"""Two regions (a parent territory with a leaf inside) and a group chain, a customer and an invoice in
	each, and two Sales Users: one limited to the first region, one to the first group's top node."""
	fiscal_year = make_fiscal_year()
	company = make_company("EUR")
	price_list = make_price_list()
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
	manager = make_user("Sales Manager")  # may change groups, limited to the first region
	for user, allow, value in (
		(by_territory, "Territory", regions[0]),
		(by_group, "Customer Group", chains[0][0]),
		(manager, "Territory", regions[0]),
	):
		frappe.get_doc(
			{"doctype": "User Permission", "user": user, "allow": allow, "for_value": value}
		).insert()
		update_password(user, PASSWORD)
	frappe.db.commit()
	sessions = {}
	for key, user in (("territory", by_territory), ("group", by_group), ("manager", manager)):
		sessions[key] = http_session(server_url, user, PASSWORD)
	yield frappe._dict(
		sessions=sessions,
		users={"territory": by_territory, "group": by_group, "manager": manager},
		customers=customers,
		invoices=invoices,
		tops=[chain[0] for chain in chains],
		regions=regions,
		company=company.name,
		fiscal_year=fiscal_year,
		price_list=price_list,
	)
	for user in (by_territory, by_group, manager):
		frappe.db.delete("User Permission", {"user": user})
		remove_user(user)
	frappe.delete_doc("Price List", price_list, force=True)
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


def call(session, url, method, **params):
	response = session.get(f"{url}/api/method/{method}", params=params)
	assert response.status_code == 200, response.text[:500]
	return response.json()["message"]


def test_group_figures_count_only_the_customers_a_scoped_user_reads(world, server_url):
	root = get_root_of("Customer Group")
	session = world.sessions["manager"]  # a Sales Manager reads statistics; this one is limited to a region
	statistics = call(
		session,
		server_url,
		"crm_app.api.receivables.get_statistics",
		fiscal_year=world.fiscal_year,
		customer_group=root,
		company=world.company,
	)
	# the root's figures are those of the one customer inside the scope, not of both
	assert statistics["movements"]["Invoice"]["count"] == 1
	assert statistics["movements"]["Invoice"]["amount"] == 100
	trends = call(
		session,
		server_url,
		"crm_app.api.receivables.get_group_trends",
		fiscal_year=world.fiscal_year,
		company=world.company,
	)
	assert sum(trends["series"][world.tops[0]]) == 100
	assert sum(trends["series"][world.tops[1]]) == 0
	# the stock summary holds both: the unscoped figure is what the scope removed
	assert (
		frappe.get_attr("crm_app.receivables.statistics.group_statistics")(
			root, world.fiscal_year, world.company
		)["movements"]["Invoice"]["count"]
		== 2
	)


def test_a_group_change_preview_lists_only_readable_customers(world, server_url):
	rows = call(
		world.sessions["territory"],
		server_url,
		"crm_app.api.customer.preview_group_change",
		customer_group=get_root_of("Customer Group"),
		changes=json.dumps({"default_price_list": world.price_list}),
	)
	previewed = {row["customer"] for row in rows}
	assert world.customers[0] in previewed
	assert world.customers[1] not in previewed


def test_a_group_change_refuses_customers_the_user_may_not_change(world, server_url):
	session = world.sessions["manager"]
	before = frappe.db.get_value("Customer Group", world.tops[1], "default_price_list")
	response = session.post(
		f"{server_url}/api/method/crm_app.api.customer.apply_group_change",
		data={
			"customer_group": world.tops[1],
			"changes": json.dumps({"default_price_list": world.price_list}),
			"customers": json.dumps([world.customers[1]]),
		},
	)
	assert response.status_code == 403, response.text[:500]
	# refused before anything was written: the group keeps its value
	assert frappe.db.get_value("Customer Group", world.tops[1], "default_price_list") == before


def todo_counts(overview: dict) -> dict:
	(todos,) = [b for tab in overview["tabs"] for b in tab["blocks"] if b["key"] == "todos"]
	return {f["label"]: f["count"] for f in todos["figures"]}


def test_the_overview_shows_the_users_tasks_not_other_users(world, server_url):
	customer = world.customers[0]
	own = frappe.get_doc(
		{
			"doctype": "ToDo",
			"description": "Call back",
			"allocated_to": world.users["territory"],
			"reference_type": "Customer",
			"reference_name": customer,
		}
	).insert()
	other = frappe.get_doc(
		{
			"doctype": "ToDo",
			"description": "Private note for someone else",
			"allocated_to": "Administrator",
			"assigned_by": "Administrator",
			"reference_type": "Customer",
			"reference_name": customer,
		}
	).insert()
	frappe.db.commit()
	try:
		overview = call(
			world.sessions["territory"],
			server_url,
			"crm_app.api.receivables.get_customer_overview",
			customer=customer,
		)
		# both are undated (to do): the user counts their own task only
		assert todo_counts(overview) == {"Overdue": 0, "To Do": 1, "Upcoming": 0}
		# the Administrator, who may read every task, counts the other one too
		assert todo_counts(frappe.get_attr("crm_app.customers.overview.compose")(customer))["To Do"] == 2
	finally:
		for name in (own.name, other.name):
			frappe.delete_doc("ToDo", name, force=True, ignore_permissions=True)
		frappe.db.commit()


def test_a_target_drill_down_lists_only_the_scoped_users_invoices(world, server_url):
	target = make_node(
		"Sales Target",
		unique("Scope target"),
		get_root_of("Sales Target"),
		is_group=0,
		fiscal_year=world.fiscal_year,
		target_amount=1000,
	).name
	frappe.db.commit()
	try:
		lines = call(
			world.sessions["territory"],
			server_url,
			"crm_app.api.sales_targets.get_target_invoice_lines",
			sales_target=target,
			from_date="2026-01-01",
			to_date="2026-12-31",
		)
		invoices = {line["sales_invoice"] for line in lines}
		assert world.invoices[0] in invoices
		assert world.invoices[1] not in invoices
	finally:
		frappe.delete_doc("Sales Target", target, force=True)
		frappe.db.commit()


def test_a_territory_named_in_a_user_permission_cannot_be_deleted(world):
	town = make_node("Territory", unique("Scope permitted town"), get_root_of("Territory"), is_group=0).name
	frappe.get_doc(
		{
			"doctype": "User Permission",
			"user": world.users["territory"],
			"allow": "Territory",
			"for_value": town,
		}
	).insert()
	try:
		with pytest.raises(frappe.LinkExistsError):
			frappe.delete_doc("Territory", town)
		assert frappe.db.exists("Territory", town)
	finally:
		frappe.db.rollback()


def test_a_role_without_the_ledger_is_refused_statistics_with_a_403(world, server_url):
	response = world.sessions["territory"].get(
		f"{server_url}/api/method/crm_app.api.receivables.get_statistics",
		params={"fiscal_year": world.fiscal_year, "customer_group": get_root_of("Customer Group")},
	)
	assert response.status_code == 403, response.text[:300]


def test_a_scoped_user_sees_the_targets_of_their_territory_only(world, server_url):
	root = get_root_of("Sales Target")
	inside, outside = (
		make_node(
			"Sales Target",
			unique(f"Scope {key} target"),
			root,
			is_group=0,
			fiscal_year=world.fiscal_year,
			target_amount=500,
			territory=territory,
		).name
		for key, territory in (("in", world.regions[0]), ("out", world.regions[1]))
	)
	frappe.db.commit()
	try:
		result = call(
			world.sessions["territory"],
			server_url,
			"crm_app.api.sales_targets.get_target_vs_actual",
			fiscal_year=world.fiscal_year,
		)
		shown = {node["sales_target"] for node in result["nodes"]}
		assert inside in shown
		assert outside not in shown
	finally:
		for name in (inside, outside):
			frappe.delete_doc("Sales Target", name, force=True)
		frappe.db.commit()


def test_a_user_limited_to_a_company_is_refused_another_companys_figures(world, server_url):
	other = make_company("EUR").name
	frappe.get_doc(
		{"doctype": "User Permission", "user": world.users["manager"], "allow": "Company", "for_value": other}
	).insert()
	frappe.db.commit()
	try:
		response = world.sessions["manager"].get(
			f"{server_url}/api/method/crm_app.api.receivables.get_statistics",
			params={
				"fiscal_year": world.fiscal_year,
				"customer_group": get_root_of("Customer Group"),
				"company": world.company,
			},
		)
		assert response.status_code == 403, response.text[:300]
	finally:
		frappe.db.delete("User Permission", {"user": world.users["manager"], "allow": "Company"})
		purge_masters(companies=[other])
		frappe.db.commit()


def test_a_scoped_users_overview_counts_only_its_customers(world, server_url):
	"""A national account with a branch in each region: the user limited to the first region sees the
	head office's and that branch's invoices in the overview and its history, not the other branch's."""
	in_town, out_town = (frappe.db.get_value("Customer", c, "territory") for c in world.customers)
	group = frappe.db.get_value("Customer", world.customers[0], "customer_group")
	item = make_item()
	head = make_customer(group, territory=in_town, is_group=1).name
	inside = make_customer(group, territory=in_town, parent_customer=head).name
	outside = make_customer(group, territory=out_town, parent_customer=head).name
	invoices = [
		invoice(customer, world.company, item, rate=rate).name
		for customer, rate in ((head, 100), (inside, 20), (outside, 3))
	]
	frappe.db.commit()
	try:
		session = world.sessions["territory"]
		overview = call(session, server_url, "crm_app.api.receivables.get_customer_overview", customer=head)
		assert overview["customers"] == [head, inside]
		blocks = {b["key"]: b for tab in overview["tabs"] for b in tab["blocks"]}
		counted = [(f["count"], f["amount"]) for f in blocks["sales_invoices"]["figures"] if f["count"]]
		assert counted == [(2, 120)]
		history = call(session, server_url, "crm_app.api.receivables.get_customer_activity", customer=head)
		assert {e["name"] for e in history["entries"] if e["kind"] == "invoice"} == set(invoices[:2])
		# the Administrator reads the three
		everything = frappe.get_attr("crm_app.customers.overview.compose")(head)
		assert everything["customers"] == [head, inside, outside]
		# the other branch alone is refused
		response = session.get(
			f"{server_url}/api/method/crm_app.api.receivables.get_customer_overview",
			params={"customer": outside},
		)
		assert response.status_code == 403, response.text[:300]
	finally:
		frappe.db.rollback()
		purge("Sales Invoice", invoices)
		purge_masters([outside, inside, head], [], [item], [])
		frappe.db.commit()
