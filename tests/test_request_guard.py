"""What Frappe parses or puts into SQL before any code of the app runs, checked first (the before_request
guard, crm_app.input_checks.check_request), over real HTTP: a malformed JSON body, filters and fields
that are not JSON, a list or an object in a Link field, and a list query's order, grouping and columns
that are anything but fields of the doctype. And what the desk's list and report views send still works.
"""

import json
import time
from concurrent.futures import ThreadPoolExecutor

import frappe
import pytest
import requests

from tests.trees import unique

CUSTOMERS = "/api/resource/Customer"
GET_LIST = "/api/method/frappe.client.get_list"
REPORTVIEW = "/api/method/frappe.desk.reportview.get"


@pytest.fixture(scope="module")
def customer(server_url):
	"""A committed customer (a list query over an empty table would not evaluate its order), and every
	worker of the server past its first request: Frappe parses a worker's very first request body before
	any app code is loaded."""
	frappe.set_user("Administrator")
	doc = frappe.get_doc(
		{"doctype": "Customer", "customer_name": unique("Guarded"), "customer_group": "Individual"}
	).insert()
	frappe.db.commit()
	with ThreadPoolExecutor(16) as pool:
		list(pool.map(lambda _: requests.get(f"{server_url}/api/method/ping", timeout=30), range(32)))
	try:
		yield doc.name
	finally:
		frappe.db.rollback()
		frappe.delete_doc("Customer", doc.name, force=True, ignore_missing=True)
		frappe.db.commit()


def refused(response, exc_type: str, status: int = 417) -> str:
	assert response.status_code == status, f"{response.status_code}: {response.text[:400]}"
	body = response.json()
	assert body.get("exc_type") == exc_type, body.get("exc_type") or response.text[:400]
	return json.loads(json.loads(body["_server_messages"])[0])["message"]


def test_a_malformed_json_body_is_a_400_not_a_500(admin_session, server_url, customer):
	for path in (f"{server_url}/api/resource/Market Segment", f"{server_url}{GET_LIST}"):
		for _ in range(4):  # whichever worker answers
			response = admin_session.post(
				path, data="{not json", headers={"Content-Type": "application/json"}
			)
			assert "not valid JSON" in refused(response, "MalformedBodyError", 400)


def test_filters_that_are_not_json_are_refused(admin_session, server_url, customer):
	for url, params in (
		(CUSTOMERS, {"filters": "customer_name = 'x'"}),
		(CUSTOMERS, {"filters": '{"customer_name": '}),
		(GET_LIST, {"doctype": "Customer", "filters": "[oops"}),
		(REPORTVIEW, {"doctype": "Customer", "fields": '["name"]', "filters": "nope"}),
	):
		response = admin_session.get(server_url + url, params=params)
		assert "filters is not valid JSON" in refused(response, "InvalidQueryError")


def test_or_filters_that_are_not_json_are_refused(admin_session, server_url, customer):
	response = admin_session.get(server_url + CUSTOMERS, params={"or_filters": "[[oops"})
	assert "or_filters is not valid JSON" in refused(response, "InvalidQueryError")


def test_fields_that_are_not_json_are_refused(admin_session, server_url, customer):
	for url, params in (
		(CUSTOMERS, {"fields": "name, customer_name"}),
		(GET_LIST, {"doctype": "Customer", "fields": "name, customer_name"}),
	):
		response = admin_session.get(server_url + url, params=params)
		assert "fields is not valid JSON" in refused(response, "InvalidQueryError")


def test_a_text_condition_in_filters_is_refused(admin_session, server_url, customer):
	"""Frappe puts a text condition into the WHERE clause as it is."""
	for filters in (["1=1"], [["customer_name", "=", "x"], "sleep(1)"], 5):
		response = admin_session.get(server_url + CUSTOMERS, params={"filters": json.dumps(filters)})
		refused(response, "InvalidQueryError")


def test_filters_name_fields_of_the_doctype(admin_session, server_url, customer):
	for filters in ([["no_such_field", "=", "x"]], [["User", "name", "=", "x"]], {"`name`) or (1": 1}):
		response = admin_session.get(server_url + CUSTOMERS, params={"filters": json.dumps(filters)})
		refused(response, "InvalidQueryError")


def test_a_list_or_an_object_in_a_link_field_is_refused(admin_session, server_url, customer):
	"""Frappe looks a link up and counts it (frappe.model.utils.link_count: a dict key) before any
	document event: a list or an object there was a TypeError, a 500."""
	for value in (["Individual"], {"name": "Individual"}):
		response = admin_session.post(
			server_url + CUSTOMERS, json={"customer_name": unique("C"), "customer_group": value}
		)
		assert "Customer Group" in refused(response, "NotASingleValueError")
		response = admin_session.put(f"{server_url}{CUSTOMERS}/{customer}", json={"territory": value})
		refused(response, "NotASingleValueError")
		response = admin_session.post(  # in a row of a table
			server_url + CUSTOMERS,
			json={"customer_name": unique("C"), "credit_limits": [{"company": value, "credit_limit": 1}]},
		)
		refused(response, "NotASingleValueError")
		response = admin_session.post(
			f"{server_url}/api/method/frappe.client.set_value",
			json={"doctype": "Customer", "name": customer, "fieldname": "customer_group", "value": value},
		)
		refused(response, "NotASingleValueError")
		response = admin_session.post(
			f"{server_url}/api/method/frappe.client.set_value",
			json={"doctype": "Customer", "name": customer, "fieldname": {"customer_group": value}},
		)
		refused(response, "NotASingleValueError")
		response = admin_session.post(
			f"{server_url}/api/method/frappe.desk.form.save.savedocs",
			data={
				"doc": json.dumps(
					{"doctype": "Customer", "customer_name": unique("C"), "customer_group": value}
				),
				"action": "Save",
			},
		)
		refused(response, "NotASingleValueError")
	# in a filter where a single value goes
	response = admin_session.get(
		server_url + CUSTOMERS, params={"filters": json.dumps({"customer_group": {"a": 1}})}
	)
	refused(response, "NotASingleValueError")


def test_an_order_by_subquery_is_refused_before_it_runs(admin_session, server_url, customer):
	"""Frappe's list query ran `order by (select sleep(1))`: a blind channel to any table."""
	for url, params in (
		(CUSTOMERS, {"order_by": "(select sleep(1))"}),
		(GET_LIST, {"doctype": "Customer", "order_by": "(select sleep(1)) desc"}),
		(REPORTVIEW, {"doctype": "Customer", "fields": '["name"]', "order_by": "name, (select sleep(1))"}),
		(CUSTOMERS, {"group_by": "(select sleep(1))"}),
	):
		started = time.monotonic()
		response = admin_session.get(server_url + url, params=params)
		elapsed = time.monotonic() - started
		refused(response, "InvalidQueryError")
		assert elapsed < 1, f"{url} {params}: answered after {elapsed:.2f} s"


@pytest.mark.parametrize(
	"argument, value",
	[
		("order_by", "name; drop table `tabCustomer`"),
		("order_by", "name -- comment"),
		("order_by", "name /* comment */ desc"),
		("order_by", "if(1, name, modified)"),
		("order_by", "field(name, 'a')"),
		("order_by", "`tabUser`.`name`"),
		("order_by", "no_such_field desc"),
		("order_by", "name upward"),
		("order_by", "name,"),
		("group_by", "name desc"),
		("group_by", "customer_group having 1=1"),
		("fields", '["(select name from tabUser limit 1)"]'),
		("fields", '["version()"]'),
		("fields", '["concat(name, customer_name)"]'),
		("fields", '["name, version() as v"]'),
		("fields", '["sleep(1)"]'),
		("fields", '["`tabUser`.`password`"]'),
		("fields", '["name as `x`, `y`"]'),
		("fields", '["count(*) as n from tabUser -- "]'),
		("fields", '["sum(*)"]'),
		("fields", '["count(distinct *)"]'),
		("fields", '"name"'),
	],
)
def test_order_group_and_fields_take_fields_of_the_doctype(
	admin_session, server_url, customer, argument, value
):
	response = admin_session.get(server_url + CUSTOMERS, params={argument: value})
	refused(response, "InvalidQueryError")


def test_what_the_desk_and_rest_clients_send_still_works(admin_session, server_url, customer):
	group = frappe.db.get_value("Customer", customer, "customer_group")
	column = "`tabCustomer`.`{}`".format
	requests_ = [
		# the list view (base_list.js get_args): full column names, sort selector, group by name
		(
			"POST",
			REPORTVIEW,
			{
				"doctype": "Customer",
				"fields": json.dumps(
					[
						column(f)
						for f in (
							"name",
							"owner",
							"creation",
							"modified",
							"_user_tags",
							"_comments",
							"_assign",
							"_liked_by",
							"docstatus",
							"idx",
							"customer_name",
							"_seen",
						)
					]
				),
				"filters": json.dumps([["Customer", "customer_group", "=", group]]),
				"order_by": "`tabCustomer`.`modified` desc",
				"start": 0,
				"page_length": 20,
				"view": "List",
				"group_by": column("name"),
				"with_comment_count": 1,
			},
		),
		# the report view: a table's column under an alias, then grouped with a count
		(
			"POST",
			REPORTVIEW,
			{
				"doctype": "Customer",
				"fields": json.dumps(
					[
						column("name"),
						"`tabCustomer Credit Limit`.`credit_limit` as 'Customer Credit Limit:credit_limit'",
					]
				),
				"filters": "[]",
				"order_by": "`tabCustomer`.`creation` asc, `tabCustomer`.docstatus asc",
				"view": "Report",
			},
		),
		(
			"POST",
			REPORTVIEW,
			{
				"doctype": "Customer",
				"fields": json.dumps([column("customer_group")]),
				"filters": "[]",
				"group_by": column("customer_group"),
				"order_by": "_aggregate_column desc",
				"aggregate_function": "count",
				"aggregate_on_field": "name",
				"aggregate_on_doctype": "Customer",
				"view": "Report",
			},
		),
		(
			"GET",
			"/api/method/frappe.desk.reportview.get_count",
			{"doctype": "Customer", "filters": json.dumps({"customer_group": group})},
		),
		# REST: JSON fields, a plain order, filters as an object and as a list
		(
			"GET",
			CUSTOMERS,
			{
				"fields": '["name", "customer_name", "count(name) as n", "`tabCustomer`.`territory`"]',
				"filters": json.dumps({"name": customer}),
				"or_filters": json.dumps(
					[["customer_name", "like", "%Guarded%"], ["name", "in", [customer]]]
				),
				"order_by": "modified desc, name",
				"group_by": "name",
			},
		),
		(
			"GET",
			GET_LIST,
			{
				"doctype": "Customer",
				"fields": '["name", "customer_name"]',
				"filters": json.dumps([["name", "=", customer]]),
			},
		),
		(
			"GET",
			"/api/method/frappe.client.get_value",
			{"doctype": "Customer", "fieldname": "customer_name", "filters": customer},
		),
		(
			"GET",
			"/api/method/frappe.client.get_count",
			{"doctype": "Customer", "filters": json.dumps([["name", "=", customer]])},
		),
	]
	for method, url, params in requests_:
		key = "params" if method == "GET" else "data"
		response = admin_session.request(method, server_url + url, **{key: params})
		assert response.status_code == 200, f"{url} {params}: {response.text[:400]}"
		# a grouped query answers the group, a count a number
		if "aggregate_function" in params:
			assert [group, 1] in response.json()["message"]["values"], response.text[:400]
		elif url.endswith("get_count"):
			assert response.json()["message"] >= 1, response.text[:400]
		else:
			assert customer in response.text, f"{url}: {response.text[:400]}"


def test_other_doctypes_are_left_to_frappe(admin_session, server_url, customer):
	response = admin_session.get(
		f"{server_url}/api/resource/ToDo", params={"order_by": "modified desc, name"}
	)
	assert response.status_code == 200, response.text[:400]


def test_the_refusals_are_translated(admin_session, server_url, customer):
	response = admin_session.get(server_url + CUSTOMERS, params={"order_by": "sleep(1)", "_lang": "fr"})
	assert "n'est pas un champ" in refused(response, "InvalidQueryError")
	response = admin_session.get(server_url + CUSTOMERS, params={"filters": "[oops", "_lang": "fr"})
	assert "n'est pas du JSON valide" in refused(response, "InvalidQueryError")
