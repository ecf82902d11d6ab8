"""The desk as Administrator: tree views and the customer quick entry, in headless Chromium
(tests/browser.py)."""

import pytest

from tests.browser import ARTIFACTS, DESK, page_errors


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
	errors = page_errors(desk_page)
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
		errors = page_errors(desk_page)
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
	errors = page_errors(desk_page)
	assert errors == []
