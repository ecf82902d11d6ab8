"""The desk as each role: every screen a role works on opens without an error, a 4xx or a 5xx, and a
user limited to one territory sees only that territory's customers.

Each role logs in with its own browser context (its own session), as people do, in the session's one
browser (tests/browser.py); the screens are those of the role matrix in the README.
"""

import re

import frappe
import pytest
from frappe.utils.nestedset import get_root_of
from frappe.utils.password import update_password
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser import ARTIFACTS, DESK, is_realtime_noise, quiet
from tests.trees import make_node, unique
from tests.users import make_user, remove_user

PASSWORD = "Desk-roles-pass-1234!"

CUSTOMERS = f"{DESK}/customer"
INVOICES = f"{DESK}/sales-invoice"
PAYMENTS = f"{DESK}/payment-entry"
GROUP_TREE = f"{DESK}/customer-group/view/tree"
TERRITORY_TREE = f"{DESK}/territory/view/tree"
TARGET_TREE = f"{DESK}/sales-target/view/tree"
STATISTICS = f"{DESK}/query-report/Customer Group Statistics"
TRENDS = f"{DESK}/query-report/Customer Group Trends"
VARIANCE = f"{DESK}/query-report/Sales Target Variance"
TARGET_INVOICES = f"{DESK}/query-report/Sales Target Invoices"
WORKSPACE = f"{DESK}/crm"

EVERY_SCREEN = [
	WORKSPACE,
	CUSTOMERS,
	GROUP_TREE,
	TERRITORY_TREE,
	TARGET_TREE,
	INVOICES,
	PAYMENTS,
	STATISTICS,
	TRENDS,
	VARIANCE,
	TARGET_INVOICES,
]
# the screens each role works on (README, "Roles and permissions")
SCREENS = {
	"Sales User": [WORKSPACE, CUSTOMERS, GROUP_TREE, TERRITORY_TREE, TARGET_TREE, INVOICES, VARIANCE],
	"Sales Manager": EVERY_SCREEN,
	"Accounts User": [WORKSPACE, CUSTOMERS, GROUP_TREE, INVOICES, PAYMENTS, STATISTICS, TRENDS],
	"Accounts Manager": [WORKSPACE, CUSTOMERS, INVOICES, PAYMENTS, STATISTICS, VARIANCE],
	"CRM Manager": EVERY_SCREEN,
	"System Manager": [WORKSPACE, CUSTOMERS, GROUP_TREE, INVOICES, PAYMENTS, STATISTICS, VARIANCE],
}
REFUSED = re.compile(r"Not Permitted|Page Not Found|Insufficient Permission|No permission", re.IGNORECASE)


@pytest.fixture(scope="module")
def people():
	"""One user per role, and a Sales User limited to one territory with a customer inside and one outside."""
	made = {role: make_user(role) for role in SCREENS}
	root = get_root_of("Territory")
	inside_territory = make_node("Territory", unique("Desk Region"), root, is_group=1).name
	inside_leaf = make_node("Territory", unique("Desk Town"), inside_territory, is_group=0).name
	outside_leaf = make_node("Territory", unique("Desk Elsewhere"), root, is_group=0).name
	group = frappe.db.get_value("Customer Group", {"is_group": 0}, "name")
	customers = {}
	for key, territory in (("inside", inside_leaf), ("outside", outside_leaf)):
		customers[key] = (
			frappe.get_doc(
				{
					"doctype": "Customer",
					"customer_name": unique(f"Desk {key.title()}"),
					"customer_type": "Company",
					"customer_group": group,
					"territory": territory,
				}
			)
			.insert()
			.name
		)
	scoped = make_user("Sales User")
	frappe.get_doc(
		{"doctype": "User Permission", "user": scoped, "allow": "Territory", "for_value": inside_territory}
	).insert()
	for user in [*made.values(), scoped]:
		update_password(user, PASSWORD)
	frappe.db.commit()
	yield frappe._dict(users=made, scoped=scoped, customers=customers)
	frappe.db.delete("User Permission", {"user": scoped})
	for name in customers.values():
		frappe.delete_doc("Customer", name, force=True)
	for territory in (inside_leaf, outside_leaf, inside_territory):
		frappe.delete_doc("Territory", territory, force=True)
	for user in [*made.values(), scoped]:
		remove_user(user)
	frappe.db.commit()


def open_desk(new_desk_page, user):
	page = new_desk_page(user, PASSWORD)
	settle(page)  # the landing workspace drawn (its chart included) before the test routes away
	return page


def settle(page) -> None:
	page.wait_for_function(
		"() => window.frappe && frappe.container && frappe.container.page && !frappe.request.ajax_count",
		timeout=30_000,
	)
	quiet(page, 600)


def short(error: str) -> str:
	"""A server traceback's last line (the exception), or the message itself."""
	return error.strip().splitlines()[-1][:300] if "Traceback" in error else error[:300]


def is_unset_filter_notice(message: str) -> bool:
	# Frappe's query report throws this (and shows "Please set filters") when it is drawn before the
	# report's onload has filled a required filter; the report then runs once the filter is set
	return message.startswith("pageerror: Filter missing")


def visit(page, route):
	"""Route inside the desk already loaded (as a user clicks), not a full page load per screen."""
	page.evaluate("() => $('.modal:visible').modal('hide')")  # a message left open by the last screen
	page.evaluate("route => frappe.set_route(route)", route)
	# drawn, and nothing more asked of the server for a moment (reports run after they are drawn)
	try:
		page.wait_for_function(
			"() => frappe.container.page && frappe.container.page.offsetParent !== null"
			" && !frappe.request.ajax_count",
			timeout=30_000,
		)
		quiet(page)
		if route == WORKSPACE:  # its cards and chart drawn before leaving (a chart drawn hidden errs)
			page.wait_for_function(
				"() => [...document.querySelectorAll('.number-widget-box')].every(w => w.querySelector('.number'))"
				" && [...document.querySelectorAll('.dashboard-widget-box')].every(w => w.querySelector('svg'))",
				timeout=30_000,
			)
	except PlaywrightTimeout:
		page.errors.append(f"no desk page drawn for {route}")
	return page.locator("body").inner_text()


@pytest.mark.parametrize("role", list(SCREENS))
def test_each_role_opens_its_screens_without_errors(new_desk_page, people, role):
	page = open_desk(new_desk_page, people.users[role])
	problems = []
	for route in SCREENS[role]:
		text = visit(page, route)
		errors = [e for e in page.errors if not is_realtime_noise(e) and not is_unset_filter_notice(e)]
		if REFUSED.search(text) or errors:
			problems.append((route, REFUSED.findall(text), errors))
		page.errors.clear()
	ARTIFACTS.mkdir(exist_ok=True)
	page.screenshot(path=str(ARTIFACTS / f"role-{role.lower().replace(' ', '-')}.png"))
	assert not problems, "\n".join(
		f"{route}: {refused} {[short(e) for e in errors]}" for route, refused, errors in problems
	)


def test_a_territory_scoped_user_sees_only_that_territory(new_desk_page, people):
	page = open_desk(new_desk_page, people.scoped)
	visit(page, CUSTOMERS)
	page.wait_for_selector(f"text={people.customers['inside']}", timeout=30_000)
	text = page.locator("body").inner_text()
	assert people.customers["inside"] in text
	assert people.customers["outside"] not in text
	visit(page, f"{CUSTOMERS}/{people.customers['outside']}")
	text = page.locator("body").inner_text()
	assert REFUSED.search(text), "the form of a customer outside the territory must be refused"
	ARTIFACTS.mkdir(exist_ok=True)
	page.screenshot(path=str(ARTIFACTS / "role-territory-scoped.png"))
