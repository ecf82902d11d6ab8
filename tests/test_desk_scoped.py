"""The desk in Chromium, in French, for users limited to part of the trees and for the customer quick
entry of a Sales Manager (a role with no right on Frappe's Address): no page or console error (the
realtime connection aside), the tree nodes the user may see and no others, the customer made with its
contact and address."""

import frappe
import pytest
from frappe.utils.nestedset import get_root_of
from frappe.utils.password import update_password

from tests.browser import ARTIFACTS, DESK, page_errors
from tests.fixtures import make_group_chain
from tests.test_desk import open_tree_root
from tests.trees import make_node, unique
from tests.users import make_user, remove_user

PASSWORD = "Desk-scoped-pass-1234!"


@pytest.fixture(scope="module")
def world():
	"""A Sales User limited to one region (a town inside, another region beside it) and to one customer
	group of a chain (its leaf inside, the chain's top above it), and a Sales Manager; both in French."""
	root = get_root_of("Territory")
	region = make_node("Territory", unique("Scoped region"), root, is_group=1).name
	town = make_node("Territory", unique("Scoped town"), region, is_group=0).name
	elsewhere = make_node("Territory", unique("Scoped elsewhere"), root, is_group=0).name
	top, middle, leaf = make_group_chain(3)
	scoped, manager = make_user("Sales User"), make_user("Sales Manager")
	for allow, value in (("Territory", region), ("Customer Group", middle)):
		frappe.get_doc(
			{"doctype": "User Permission", "user": scoped, "allow": allow, "for_value": value}
		).insert()
	for user in (scoped, manager):
		update_password(user, PASSWORD)
		frappe.db.set_value("User", user, "language", "fr")
	frappe.db.commit()
	yield frappe._dict(
		scoped=scoped,
		manager=manager,
		territories=frappe._dict(root=root, region=region, town=town, elsewhere=elsewhere),
		groups=frappe._dict(top=top, middle=middle, leaf=leaf),
	)
	frappe.db.rollback()
	frappe.db.delete("User Permission", {"user": scoped})
	for doctype, name in (
		("Territory", town),
		("Territory", elsewhere),
		("Territory", region),
		("Customer Group", leaf),
		("Customer Group", middle),
		("Customer Group", top),
	):
		frappe.delete_doc(doctype, name, force=True)
	for user in (scoped, manager):
		remove_user(user)
	frappe.db.commit()


@pytest.fixture
def open_desk(new_desk_page):
	"""A page logged in as a user of this module, in a context of its own (the session's one Chromium)."""
	return lambda user: new_desk_page(user, PASSWORD)


def settle(page) -> None:
	page.wait_for_function(
		"() => window.frappe && frappe.container && frappe.container.page && !frappe.request.ajax_count",
		timeout=30_000,
	)
	page.wait_for_timeout(500)


def tree_labels(page) -> set[str]:
	"""The nodes drawn, without the doctype's own label v16 draws above a single root."""
	labels = page.eval_on_selector_all(".tree-link", "links => links.map(l => l.dataset.label)")
	return {label for label in labels if label} - {"Territoire", "Groupe de clients", "Groupe de Clients"}


@pytest.mark.parametrize(
	("doctype", "route", "allowed", "inside", "outside"),
	[
		("Territory", "territory", "region", ["town"], ["root", "elsewhere"]),
		("Customer Group", "customer-group", "middle", ["leaf"], ["top"]),
	],
)
def test_a_scoped_user_sees_the_tree_nodes_allowed_and_no_others(
	world, open_desk, server_url, doctype, route, allowed, inside, outside
):
	names = world.territories if doctype == "Territory" else world.groups
	page = open_desk(world.scoped)
	settle(page)
	page.goto(f"{server_url}{DESK}/{route}/view/tree")
	open_tree_root(page, doctype, names[allowed])
	for key in inside:
		page.wait_for_selector(f".tree-link[data-label='{names[key]}']", timeout=30_000)
	settle(page)
	ARTIFACTS.mkdir(exist_ok=True)
	page.screenshot(path=str(ARTIFACTS / f"scoped-{route}-tree.png"))
	assert tree_labels(page) == {names[allowed], *(names[key] for key in inside)}
	assert not {names[key] for key in outside} & tree_labels(page)
	assert page_errors(page) == []


def test_a_sales_manager_creates_a_customer_with_contact_and_address_by_quick_entry(
	world, open_desk, server_url
):
	name = unique("Quick manager")
	page = open_desk(world.manager)
	try:
		page.goto(f"{server_url}{DESK}/customer")
		settle(page)
		page.click("button.primary-action")
		dialog = page.locator(".modal.show")
		dialog.locator("input[data-fieldname='customer_name']").wait_for(timeout=30_000)
		dialog.locator("input[data-fieldname='customer_name']").fill(name)
		# the defaults filled in first, then replaced, as a user picks
		page.wait_for_function(
			"() => window.cur_dialog && cur_dialog.get_value('customer_group') && cur_dialog.get_value('territory')",
			timeout=30_000,
		)
		for field, value in (("customer_group", world.groups.leaf), ("territory", world.territories.town)):
			page.evaluate("([field, value]) => cur_dialog.set_value(field, value)", [field, value])
			page.wait_for_function(
				"([field, value]) => cur_dialog.get_value(field) === value",
				arg=[field, value],
				timeout=30_000,
			)
		while dialog.locator(".section-head.collapsed").count():  # the contact and address sections
			dialog.locator(".section-head.collapsed").first.click()
		dialog.locator("input[data-fieldname='contact_email']").fill("achats@example.com")
		dialog.locator("input[data-fieldname='contact_mobile']").fill("+33612345678")
		dialog.locator("input[data-fieldname='address_line1']").fill("12 rue Sainte-Catherine")
		dialog.locator("input[data-fieldname='city']").fill("Bordeaux")
		page.evaluate("() => cur_dialog.set_value('country', 'France')")
		page.wait_for_timeout(300)
		ARTIFACTS.mkdir(exist_ok=True)
		page.screenshot(path=str(ARTIFACTS / "quick-entry-sales-manager.png"))
		dialog.locator("button.btn-primary:visible").first.click()
		page.wait_for_selector(".modal.show", state="detached", timeout=30_000)
		settle(page)
		frappe.db.rollback()
		customer = frappe.db.get_value(
			"Customer",
			{"customer_name": name},
			["name", "customer_primary_contact", "customer_primary_address", "territory"],
			as_dict=True,
		)
		assert customer, "no customer made"
		assert customer.territory == world.territories.town
		assert frappe.db.get_value("Customer", customer.name, "customer_group") == world.groups.leaf
		assert (
			frappe.db.get_value("Contact", customer.customer_primary_contact, "email_id")
			== "achats@example.com"
		)
		assert frappe.db.get_value(
			"Address", customer.customer_primary_address, ["address_line1", "city"]
		) == (
			"12 rue Sainte-Catherine",
			"Bordeaux",
		)
		assert page_errors(page) == []
	finally:
		frappe.db.rollback()
		for customer in frappe.get_all(
			"Customer",
			filters={"customer_name": name},
			fields=["name", "customer_primary_contact", "customer_primary_address"],
		):
			frappe.delete_doc("Customer", customer.name, force=True)
			if customer.customer_primary_contact:
				frappe.delete_doc("Contact", customer.customer_primary_contact, force=True)
			if customer.customer_primary_address:
				frappe.delete_doc("Address", customer.customer_primary_address, force=True)
		frappe.db.commit()
