"""Test users with exactly the roles a test gives them."""

import json

import frappe
import requests
from frappe.utils.password import update_password


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


def make_french_user(*roles: str, password: str) -> str:
	"""A user of those roles whose language is French, with Frappe's own first-visit tours marked done (they
	are Frappe's records, in English, not the app's screens)."""
	user = make_user(*roles)
	tours = frappe.get_all("Form Tour", {"ui_tour": 1}, pluck="name")
	frappe.db.set_value(
		"User",
		user,
		{"language": "fr", "onboarding_status": json.dumps({t: {"is_complete": True} for t in tours})},
	)
	update_password(user, password)
	return user
