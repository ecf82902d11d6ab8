"""The desk in headless Chromium (Debian's package; dev/setup.sh --with-browser installs it)."""

import os
from pathlib import Path

import pytest

from crm_app.compat import desk_prefix
from tests.conftest import ADMIN_PASSWORD, REPO

DESK = desk_prefix()

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM_ARGS = [
	"--no-sandbox",
	"--disable-gpu",
	"--disable-quic",
	"--no-first-run",
	"--disable-background-networking",
	"--disable-component-update",
	"--disable-sync",
]


def is_realtime_noise(message: str) -> bool:
	# no realtime (socket.io) server runs in this set-up; the desk works without it
	return "socket.io" in message


def log_in(page, server_url, user, password):
	"""Log in through the login page, collecting every console error, page error and 4xx/5xx in page.errors."""
	page.errors = []
	page.on(
		"console",
		lambda m: (
			m.type == "error" and page.errors.append(f"console: {m.text} ({m.location.get('url', '')})")
		),
	)
	page.on("pageerror", lambda e: page.errors.append(f"pageerror: {e}"))
	page.on("response", lambda r: r.status >= 400 and page.errors.append(f"{r.status} {r.url}"))
	page.goto(f"{server_url}/login")
	page.fill("#login_email", user)
	page.fill("#login_password", password)
	page.click(".btn-login")
	page.wait_for_url(f"**{DESK}**", timeout=60_000)


@pytest.fixture
def desk_page(server_url):
	if not Path(CHROMIUM).exists():
		pytest.fail(f"Chromium not found at {CHROMIUM}: run dev/setup.sh --with-browser")
	from playwright.sync_api import sync_playwright

	with sync_playwright() as playwright:
		browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
		page = browser.new_page(viewport={"width": 1280, "height": 800})
		log_in(page, server_url, "Administrator", ADMIN_PASSWORD)
		yield page
		browser.close()


def open_tree_root(page, doctype: str, root: str) -> None:
	"""Show the root's children: v15 opens the root of a single-root tree, v16 shows the doctype above it,
	with the root closed."""
	page.wait_for_selector(f".tree-label:has-text('{root}')", timeout=60_000)
	if page.locator(f".tree-link[data-label='{doctype}']").count():
		page.click(f".tree-label:has-text('{root}')")


def test_customer_group_tree_view_loads_without_errors(desk_page, server_url):
	desk_page.goto(f"{server_url}{DESK}/customer-group/view/tree")
	open_tree_root(desk_page, "Customer Group", "All Customer Groups")
	for name in ("Individual", "Commercial", "Government"):
		desk_page.wait_for_selector(f".tree-label:has-text('{name}')", timeout=30_000)
	desk_page.wait_for_load_state("networkidle")
	ARTIFACTS.mkdir(exist_ok=True)
	desk_page.screenshot(path=str(ARTIFACTS / "customer-group-tree.png"))
	errors = [e for e in desk_page.errors if not is_realtime_noise(e)]
	assert errors == []


def test_customer_quick_entry_prefills_the_group_and_makes_the_contact(desk_page, server_url):
	import frappe

	from tests.trees import unique

	frappe.db.set_single_value("CRM Settings", "customer_group", "Commercial")
	frappe.db.commit()
	name = unique("Quick")
	try:
		desk_page.goto(f"{server_url}{DESK}/customer")
		desk_page.click("button.primary-action")
		dialog = desk_page.locator(".modal.show")
		dialog.locator("input[data-fieldname='customer_name']").wait_for(timeout=30_000)
		desk_page.wait_for_function(
			"() => cur_dialog && cur_dialog.get_value('customer_group') === 'Commercial'", timeout=30_000
		)
		dialog.locator("input[data-fieldname='customer_name']").fill(name)
		# group and territory pickers offer leaves only
		assert desk_page.evaluate(
			"() => ['customer_group', 'territory'].every(f => cur_dialog.fields_dict[f].get_query().filters.is_group === 0)"
		)
		# the contact and address sections are shown (collapsed): opened, their fields are typed into
		for section in ("Primary Contact Details", "Primary Address Details"):
			dialog.locator(f".section-head:has-text('{section}')").click()
		dialog.locator("input[data-fieldname='contact_email']").fill("quick@example.com")
		dialog.locator("input[data-fieldname='address_line1']").fill("3 quai des Chartrons")
		dialog.locator("input[data-fieldname='city']").fill("Bordeaux")
		desk_page.evaluate("() => cur_dialog.set_value('country', 'France')")
		ARTIFACTS.mkdir(exist_ok=True)
		desk_page.screenshot(path=str(ARTIFACTS / "customer-quick-entry.png"))
		dialog.locator("button.btn-primary:visible").first.click()
		desk_page.wait_for_selector(".modal.show", state="detached", timeout=30_000)
		desk_page.goto(f"{server_url}{DESK}/customer/{name}")
		# the form shows the values in force with their source
		desk_page.wait_for_selector(
			"[data-fieldname='effective_defaults_html'] table", state="attached", timeout=30_000
		)
		frappe.db.rollback()
		contact = frappe.db.get_value("Customer", name, "customer_primary_contact")
		assert contact and frappe.db.get_value("Contact", contact, "email_id") == "quick@example.com"
		address = frappe.db.get_value("Customer", name, "customer_primary_address")
		assert frappe.db.get_value("Address", address, ["address_line1", "city"]) == (
			"3 quai des Chartrons",
			"Bordeaux",
		)
		assert frappe.db.get_value("Customer", name, "customer_group") == "Commercial"
		errors = [e for e in desk_page.errors if not is_realtime_noise(e)]
		assert errors == []
	finally:
		frappe.db.rollback()
		contact, address = frappe.db.get_value(
			"Customer", name, ["customer_primary_contact", "customer_primary_address"]
		) or (None, None)
		frappe.db.set_single_value("CRM Settings", "customer_group", None)
		if frappe.db.exists("Customer", name):
			frappe.delete_doc("Customer", name, force=True)
		if contact:
			frappe.delete_doc("Contact", contact, force=True)
		if address:
			frappe.delete_doc("Address", address, force=True)
		frappe.db.commit()


@pytest.mark.parametrize(
	("route", "root_label"),
	[
		("customer", "All Customers"),
		("territory", "All Territories"),
		("sales-target", "All Sales Targets"),
		("item-group", "All Item Groups"),
		("sales-person", "Sales Team"),
	],
)
def test_the_other_tree_views_load_without_errors(desk_page, server_url, route, root_label):
	desk_page.goto(f"{server_url}{DESK}/{route}/view/tree")
	desk_page.wait_for_selector(f".tree-label:has-text('{root_label}')", timeout=60_000)
	desk_page.wait_for_load_state("networkidle")
	errors = [e for e in desk_page.errors if not is_realtime_noise(e)]
	assert errors == []
