"""Selling over real HTTP: a Sales User limited to a territory sees only its customers' orders, quotations and
opportunities (lists and forms); roles as the README's matrix gives them; the freeze rule and bad input
answer 4xx; two invoices of one order submitted at once both count."""

import threading

import frappe
import pytest
from frappe.utils.nestedset import get_root_of
from frappe.utils.password import update_password

from crm_app.selling import mapping
from tests.receivables import purge, purge_masters
from tests.selling import make_lead, opportunity, quotation, sales_order, selling_world
from tests.trees import make_node, unique
from tests.users import http_session, make_user, remove_user

PASSWORD = "Selling-pass-1234!"
DOCTYPES = ("Sales Order", "Quotation", "Opportunity")


@pytest.fixture(scope="module")
def world(server_url):
	"""Two territories, a customer in each with an order, a quotation and an opportunity; a lead's
	quotation; a Sales User limited to the first territory, an unlimited one, a Sales Manager and an
	Accounts User."""
	made = {doctype: [] for doctype in (*DOCTYPES, "Sales Invoice")}
	worlds, territories = [], []
	for key in ("in", "out"):
		territory = make_node(
			"Territory", unique(f"Selling {key}"), get_root_of("Territory"), is_group=0
		).name
		territories.append(territory)
		world = selling_world(territory=territory)
		worlds.append(world)
		made["Sales Order"].append(sales_order(world).name)
		made["Quotation"].append(quotation(world).name)
		made["Opportunity"].append(opportunity(world).name)
	lead = make_lead()
	made["Quotation"].append(quotation(worlds[0], quotation_to="Lead", party_name=lead).name)
	users = {
		"scoped": make_user("Sales User"),
		"sales": make_user("Sales User"),
		"manager": make_user("Sales Manager"),
		"accounts": make_user("Accounts User"),
	}
	frappe.get_doc(
		{
			"doctype": "User Permission",
			"user": users["scoped"],
			"allow": "Territory",
			"for_value": territories[0],
		}
	).insert()
	for user in users.values():
		update_password(user, PASSWORD)
	frappe.db.commit()
	sessions = {key: http_session(server_url, user, PASSWORD) for key, user in users.items()}
	yield frappe._dict(worlds=worlds, made=made, sessions=sessions, users=users, lead=lead)
	frappe.db.rollback()
	frappe.db.delete("User Permission", {"user": users["scoped"]})
	for user in users.values():
		remove_user(user)
	made["Sales Invoice"] += frappe.get_all(
		"Sales Invoice", filters={"customer": ("in", [w.customer for w in worlds])}, pluck="name"
	)
	for doctype in ("Sales Invoice", "Sales Order", "Quotation", "Opportunity"):
		purge(
			doctype,
			frappe.get_all(doctype, filters={"company": ("in", [w.company for w in worlds])}, pluck="name"),
		)
	frappe.db.delete("Lead", {"name": lead})
	for w in worlds:
		frappe.db.delete("Customer Ledger Summary", {"company": w.company})
		purge_masters([w.customer], [w.group], w.item_codes, [w.company])
		frappe.delete_doc("Price List", w.price_list, force=True, ignore_missing=True)
		frappe.delete_doc("Payment Terms Template", w.terms, force=True, ignore_missing=True)
	for territory in territories:
		frappe.delete_doc("Territory", territory, force=True, ignore_missing=True)
	frappe.db.commit()


def names(session, url, doctype) -> set[str]:
	response = session.get(f"{url}/api/resource/{doctype}", params={"limit_page_length": 0})
	assert response.status_code == 200, response.text[:500]
	return {row["name"] for row in response.json()["data"]}


@pytest.mark.parametrize("doctype", DOCTYPES)
def test_a_scoped_user_lists_and_opens_only_its_customers_documents(world, server_url, doctype):
	inside, outside = world.made[doctype][0], world.made[doctype][1]
	scoped, unlimited = world.sessions["scoped"], world.sessions["sales"]
	seen = names(scoped, server_url, doctype)
	assert inside in seen
	assert outside not in seen
	assert {inside, outside} <= names(unlimited, server_url, doctype)
	assert scoped.get(f"{server_url}/api/resource/{doctype}/{inside}").status_code == 200
	assert scoped.get(f"{server_url}/api/resource/{doctype}/{outside}").status_code == 403
	# nor through the desk's own calls
	response = scoped.get(
		f"{server_url}/api/method/frappe.desk.form.load.getdoc", params={"doctype": doctype, "name": outside}
	)
	assert response.status_code == 403


def test_a_scoped_user_reads_a_leads_quotation(world, server_url):
	assert world.made["Quotation"][2] in names(world.sessions["scoped"], server_url, "Quotation")


def test_a_scoped_user_cannot_map_an_order_it_may_not_read(world, server_url):
	response = world.sessions["scoped"].post(
		f"{server_url}/api/method/crm_app.api.selling.make_sales_invoice",
		data={"source_name": world.made["Sales Order"][1]},
	)
	assert response.status_code == 403


def order_body(w, **fields):
	return {
		"customer": w.customer,
		"company": w.company,
		"transaction_date": "2026-11-01",
		"items": [{"item_code": w.item_codes[0], "qty": 2}],
		**fields,
	}


def test_a_sales_user_submits_an_order_an_accounts_user_may_not_create_one(world, server_url):
	w = world.worlds[0]
	url = f"{server_url}/api/resource/Sales Order"
	response = world.sessions["scoped"].post(url, json={**order_body(w), "docstatus": 1})
	assert response.status_code == 200, response.text[:500]
	data = response.json()["data"]
	assert (data["status"], data["grand_total"], data["selling_price_list"]) == (
		"To Deliver and Bill",
		20,
		w.price_list,
	)
	response = world.sessions["accounts"].post(url, json=order_body(w))
	assert response.status_code == 403
	# and a scoped user may not make one for a customer outside its territory
	response = world.sessions["scoped"].post(url, json=order_body(world.worlds[1]))
	assert response.status_code == 403


def test_hold_is_a_managers_close_a_sales_users(world, server_url):
	order = world.made["Sales Order"][0]
	api = f"{server_url}/api/method/crm_app.api.selling"
	response = world.sessions["scoped"].post(f"{api}.hold_sales_order", data={"sales_order": order})
	assert response.status_code == 403
	response = world.sessions["manager"].post(f"{api}.hold_sales_order", data={"sales_order": order})
	assert (response.status_code, response.json()["message"]) == (200, "On Hold")
	response = world.sessions["manager"].post(f"{api}.resume_sales_order", data={"sales_order": order})
	assert response.json()["message"] == "To Deliver and Bill"
	response = world.sessions["scoped"].post(f"{api}.close_sales_order", data={"sales_order": order})
	assert (response.status_code, response.json()["message"]) == (200, "Closed")
	response = world.sessions["scoped"].post(f"{api}.close_sales_order", data={"sales_order": order})
	assert (response.status_code, response.json()["exc_type"]) == (417, "InvalidOrderStatusError")
	response = world.sessions["scoped"].post(f"{api}.reopen_sales_order", data={"sales_order": order})
	assert response.json()["message"] == "To Deliver and Bill"
	response = world.sessions["scoped"].post(
		f"{api}.close_sales_order", data={"sales_order": world.made["Sales Order"][1]}
	)
	assert response.status_code == 403


@pytest.mark.parametrize(
	"doctype, change, exc_type",
	[
		("Sales Order", {"items": [{"item_code": "_Test no such item", "qty": 1}]}, "LinkValidationError"),
		("Sales Order", {"items": [{"qty": 0}]}, "InvalidQuantityError"),
		("Sales Order", {"delivery_date": "2026-10-01"}, "InvalidDateOrderError"),
		("Quotation", {"valid_till": "2026-10-01"}, "InvalidDateOrderError"),
		("Quotation", {"quotation_to": "Supplier"}, None),
		("Opportunity", {"opportunity_amount": -5}, "InvalidQuantityError"),
	],
)
def test_bad_input_answers_4xx(world, server_url, doctype, change, exc_type):
	w = world.worlds[0]
	body = order_body(w)
	if doctype != "Sales Order":
		party = "quotation_to" if doctype == "Quotation" else "opportunity_from"
		body = {party: "Customer", "party_name": w.customer, "company": w.company, **body}
		body.pop("customer")
	if "items" in change:
		body["items"] = [{**body["items"][0], **change.pop("items")[0]}]
	response = world.sessions["sales"].post(f"{server_url}/api/resource/{doctype}", json={**body, **change})
	assert 400 <= response.status_code < 500, response.text[:500]
	if exc_type:
		assert response.json()["exc_type"] in {exc_type, "MissingLinkError"}


def test_a_frozen_customer_gets_417_for_a_quotation_and_an_order(world, server_url):
	w = world.worlds[0]
	frappe.db.set_value("Customer", w.customer, {"is_frozen": 1, "freeze_reason": "Disputed"})
	frappe.db.commit()
	try:
		for doctype, body in (
			("Sales Order", order_body(w)),
			(
				"Quotation",
				{
					**{k: v for k, v in order_body(w).items() if k != "customer"},
					"quotation_to": "Customer",
					"party_name": w.customer,
				},
			),
		):
			url = f"{server_url}/api/resource/{doctype}"
			response = world.sessions["sales"].post(url, json={**body, "docstatus": 1})
			assert response.status_code == 417, response.text[:500]
			assert response.json()["exc_type"] == "FrozenCustomerError"
			assert world.sessions["sales"].post(url, json=body).status_code == 200  # a draft is fine
	finally:
		frappe.db.set_value("Customer", w.customer, {"is_frozen": 0, "freeze_reason": None})
		frappe.db.commit()


def test_two_invoices_of_one_order_submitted_at_once_both_count(world, server_url):
	"""Each of two invoices bills half of every row; submitted at the same moment by two sessions, the
	order ends exactly 100 % billed (a count from a stale snapshot would leave it at 50 %)."""
	w = world.worlds[0]
	accounts = [make_user("Accounts User") for _ in range(2)]
	for user in accounts:
		update_password(user, PASSWORD)
	frappe.db.commit()
	sessions = [http_session(server_url, user, PASSWORD) for user in accounts]
	try:
		for _round in range(3):
			order = sales_order(w, items=((0, 4), (1, 2)))  # 40 + 50
			drafts = []
			for _half in range(2):
				draft = mapping.invoice_from_order(order.name)
				for row in draft.items:
					row.qty = row.qty / 2
				drafts.append(draft.insert().name)
			frappe.db.commit()
			barrier = threading.Barrier(2)
			answers = [None, None]

			def submit(i):
				barrier.wait()
				answers[i] = sessions[i].put(
					f"{server_url}/api/resource/Sales Invoice/{drafts[i]}", json={"docstatus": 1}
				)

			threads = [threading.Thread(target=submit, args=(i,)) for i in range(2)]
			for thread in threads:
				thread.start()
			for thread in threads:
				thread.join()
			assert [a.status_code for a in answers] == [200, 200], [a.text[:300] for a in answers]
			frappe.db.rollback()  # a fresh snapshot
			order.reload()
			assert [row.billed_amt for row in order.items] == [40, 50]
			assert (order.per_billed, order.status) == (100, "To Deliver")
	finally:
		for user in accounts:
			remove_user(user)
		frappe.db.commit()


def test_the_expire_quotations_command(world):
	from tests.test_tree_rebuild import bench

	name = world.made["Quotation"][0]
	frappe.db.set_value("Quotation", name, {"valid_till": "2026-11-01", "status": "Open"})
	frappe.db.commit()
	try:
		done = bench("expire-quotations")
		assert done.returncode == 0, done.stderr[-2000:]
		assert "quotations expired" in done.stdout
		frappe.db.rollback()
		assert frappe.db.get_value("Quotation", name, "status") == "Expired"
	finally:
		frappe.db.set_value("Quotation", name, {"valid_till": None, "status": "Open"})
		frappe.db.commit()
