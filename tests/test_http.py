"""CRUD over real HTTP against a running Frappe server (gunicorn), not a test client."""

import json

import frappe
import requests

from tests.trees import unique


def resource(server_url, doctype, name=""):
	return f"{server_url}/api/resource/{doctype}" + (f"/{name}" if name else "")


def test_ping_answers_pong(server_url):
	assert requests.get(f"{server_url}/api/method/ping", timeout=10).json() == {"message": "pong"}


def test_guests_cannot_read_customer_groups(server_url):
	assert requests.get(resource(server_url, "Customer Group"), timeout=10).status_code == 403


def test_the_seeded_groups_are_listed(admin_session, server_url):
	response = admin_session.get(
		resource(server_url, "Customer Group"),
		params={"fields": '["name", "parent_customer_group"]', "limit": 0},
	)
	assert response.status_code == 200
	rows = {row["name"]: row["parent_customer_group"] for row in response.json()["data"]}
	assert rows["All Customer Groups"] is None
	for name in ("Individual", "Commercial", "Government"):
		assert rows[name] == "All Customer Groups"


def test_customer_group_crud(admin_session, server_url):
	group, child = unique("Retail"), unique("Shops")
	try:
		response = admin_session.post(
			resource(server_url, "Customer Group"),
			json={
				"customer_group_name": group,
				"parent_customer_group": "All Customer Groups",
				"is_group": 1,
			},
		)
		assert response.status_code == 200, response.text
		assert response.json()["data"]["rgt"] == response.json()["data"]["lft"] + 1

		response = admin_session.post(
			resource(server_url, "Customer Group"),
			json={"customer_group_name": child, "parent_customer_group": group},
		)
		assert response.status_code == 200, response.text

		got = admin_session.get(resource(server_url, "Customer Group", group)).json()["data"]
		assert got["rgt"] - got["lft"] == 3 and got["is_group"] == 1

		# refused: a child under a leaf, and deleting a group that has children; both 4xx with the reason
		response = admin_session.post(
			resource(server_url, "Customer Group"),
			json={"customer_group_name": unique("x"), "parent_customer_group": child},
		)
		assert response.status_code == 417
		assert response.json()["exc_type"] == "ParentNotAGroupError"
		response = admin_session.delete(resource(server_url, "Customer Group", group))
		assert response.status_code == 417
		assert response.json()["exc_type"] == "NestedSetChildExistsError"

		# move the child to the root, then delete both
		response = admin_session.put(
			resource(server_url, "Customer Group", child),
			json={"parent_customer_group": "All Customer Groups"},
		)
		assert response.status_code == 200
		assert response.json()["data"]["parent_customer_group"] == "All Customer Groups"
		for name in (child, group):
			assert admin_session.delete(resource(server_url, "Customer Group", name)).status_code == 202
		assert admin_session.get(resource(server_url, "Customer Group", group)).status_code == 404
	finally:
		for name in (child, group):
			admin_session.delete(resource(server_url, "Customer Group", name))


def test_customer_crud(admin_session, server_url):
	name = unique("Acme")
	try:
		response = admin_session.post(
			resource(server_url, "Customer"),
			json={"customer_name": name, "customer_type": "Company", "customer_group": "Commercial"},
		)
		assert response.status_code == 200, response.text
		assert response.json()["data"]["name"] == name

		response = admin_session.put(
			resource(server_url, "Customer", name), json={"customer_group": "Government"}
		)
		assert response.status_code == 200
		assert response.json()["data"]["customer_group"] == "Government"

		response = admin_session.put(
			resource(server_url, "Customer", name), json={"customer_group": "All Customer Groups"}
		)
		assert response.status_code == 417
		assert response.json()["exc_type"] == "GroupNodeNotAllowedError"
		assert (
			admin_session.get(resource(server_url, "Customer", name)).json()["data"]["customer_group"]
			== "Government"
		)

		listed = admin_session.get(
			resource(server_url, "Customer"),
			params={"filters": json.dumps([["customer_group", "=", "Government"]])},
		).json()["data"]
		assert {"name": name} in listed

		assert admin_session.delete(resource(server_url, "Customer", name)).status_code == 202
		assert admin_session.get(resource(server_url, "Customer", name)).status_code == 404
	finally:
		admin_session.delete(resource(server_url, "Customer", name))


def test_a_user_logging_in_several_times_at_once_gets_in_every_time(server_url):
	"""The app makes a user's Dashboard Settings at login: logins at once each find none, and every one
	must still get in (the one that lost the insert answered 409)."""
	from concurrent.futures import ThreadPoolExecutor

	from frappe.utils.password import update_password

	from tests.users import make_user, remove_user

	user, password = make_user("Sales User"), "Many-logins-1234!"
	update_password(user, password)
	frappe.db.commit()
	try:

		def log_in(_):
			return requests.post(
				f"{server_url}/api/method/login", data={"usr": user, "pwd": password}, timeout=60
			).status_code

		with ThreadPoolExecutor(8) as pool:
			assert list(pool.map(log_in, range(8))) == [200] * 8
		assert frappe.db.exists("Dashboard Settings", user)
	finally:
		frappe.db.rollback()
		frappe.db.delete("Dashboard Settings", {"name": user})
		remove_user(user)
		frappe.db.commit()
