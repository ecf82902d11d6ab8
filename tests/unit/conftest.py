"""The unit layer: the app's pure functions, run in-process with the real `frappe` package and no site
(no database, no Redis, no `frappe.init`).

The site fixtures of tests/conftest.py are overridden here by name, so these tests never connect. What
`frappe.throw` and `frappe._` read from `frappe.local` (language, flags, message log, response) is set
up for each test and released after it. A test that reaches for the database fails (`frappe.db` is
unbound), which is what keeps a function in this layer honest.
"""

import frappe
import pytest
from werkzeug.local import release_local


@pytest.fixture(scope="session", autouse=True)
def frappe_site():
	"""No site: overrides the fixture that connects the site tests."""
	yield None


@pytest.fixture(autouse=True)
def rollback():
	"""Overrides the site tests' rollback: a fresh `frappe.local` with what messages and translation
	need, in English (without a site, `_` finds no translations and returns the English text)."""
	if getattr(frappe.local, "site", None):
		pytest.fail("a unit test ran after this process connected to a site (tests/unit runs first)")
	frappe.local.lang = "en"
	frappe.local.flags = frappe._dict()
	frappe.local.message_log = []
	frappe.local.response = frappe._dict()
	frappe.local.form_dict = frappe._dict()
	yield
	release_local(frappe.local)


def messages() -> list[str]:
	"""The messages `frappe.throw` / `frappe.msgprint` logged in this test."""
	return [message["message"] for message in frappe.get_message_log()]
