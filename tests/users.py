"""Test users with exactly the roles a test gives them."""

import frappe
import requests


def make_user(*roles: str) -> str:
	email = f"{frappe.generate_hash(length=10)}@crm-app.test"
	user = frappe.get_doc(
		{
			"doctype": "User",
			"email": email,
			"first_name": "Test",
			"username": email.split("@")[0],  # Frappe's suggestion ("test") collides between sessions
			"send_welcome_email": 0,
			"roles": [{"role": role} for role in roles],
		}
	).insert(ignore_permissions=True)
	# Frappe makes the first system user of a site a System Manager: take that back
	if "System Manager" not in roles:
		frappe.db.delete("Has Role", {"parent": user.name, "role": "System Manager"})
	frappe.clear_cache(user=user.name)
	return user.name


def remove_user(user: str) -> None:
	"""Frappe refuses to delete a user while no other System Manager exists: remove the rows directly."""
	for doctype, field in (("Has Role", "parent"), ("User", "name")):
		frappe.db.delete(doctype, {field: user})


def http_session(server_url: str, user: str, password: str) -> requests.Session:
	"""A session logged in over HTTP, as a browser's would be."""
	session = requests.Session()
	response = session.post(f"{server_url}/api/method/login", data={"usr": user, "pwd": password})
	assert response.status_code == 200, response.text
	return session
