"""The selling forms in Chromium: the status indicators of the lists, Quotation > Create > Sales Order and
Sales Order > Create > Sales Invoice filled by the mappings, the order's status buttons, and the screens in
French with no English string the translations know a French line for. Screenshots in test-artifacts/."""

import re

import frappe
import pytest

from tests.browser import ARTIFACTS, DESK, is_realtime_noise, wait_form
from tests.french import english_with_french_line
from tests.receivables import purge, purge_masters
from tests.selling import opportunity, quotation, sales_order, selling_world
from tests.test_desk_roles import settle
from tests.users import make_french_user, remove_user

PASSWORD = "Desk-selling-pass-1234!"


@pytest.fixture(scope="module")
def sold():
	world = selling_world()
	world.opportunity = opportunity(world).name
	world.quotation = quotation(world, items=((0, 2), (1, 1))).name
	world.order = sales_order(world).name
	world.user = make_french_user("Sales Manager", "Sales User", password=PASSWORD)
	frappe.db.commit()
	yield world
	frappe.db.rollback()
	remove_user(world.user)
	for doctype in ("Sales Invoice", "Sales Order", "Quotation", "Opportunity"):
		purge(doctype, frappe.get_all(doctype, filters={"company": world.company}, pluck="name"))
	purge_masters([world.customer], [world.group], world.item_codes, [world.company])
	frappe.db.commit()


def create(page, label):
	page.locator(".inner-group-button button:has-text('Create')").click()
	page.locator(f".inner-group-button .dropdown-item:has-text('{label}')").click()


def test_quotation_to_order_to_invoice_from_the_forms(desk_page, server_url, sold):
	desk_page.goto(f"{server_url}{DESK}/quotation?party_name={sold.customer}")
	desk_page.wait_for_selector(f".list-row:has-text('{sold.quotation}') .indicator-pill:has-text('Open')")
	desk_page.goto(f"{server_url}{DESK}/quotation/{sold.quotation}")
	wait_form(desk_page, "Quotation")
	create(desk_page, "Sales Order")
	wait_form(desk_page, "Sales Order")
	order = desk_page.evaluate(
		"() => ({customer: cur_frm.doc.customer, rows: cur_frm.doc.items.map(r => [r.qty, r.rate, r.prevdoc_docname])})"
	)
	assert order == {"customer": sold.customer, "rows": [[2, 10, sold.quotation], [1, 25, sold.quotation]]}

	desk_page.goto(f"{server_url}{DESK}/sales-order?customer={sold.customer}")
	desk_page.wait_for_selector(
		f".list-row:has-text('{sold.order}') .indicator-pill:has-text('To Deliver and Bill')"
	)
	desk_page.goto(f"{server_url}{DESK}/sales-order/{sold.order}")
	wait_form(desk_page, "Sales Order")
	desk_page.locator(".inner-group-button button:has-text('Status')").click()
	for label in ("Deliver", "Close", "Hold"):
		assert desk_page.locator(f".inner-group-button .dropdown-item:has-text('{label}')").count() == 1
	desk_page.keyboard.press("Escape")
	create(desk_page, "Sales Invoice")
	wait_form(desk_page, "Sales Invoice")
	invoice = desk_page.evaluate(
		"() => ({customer: cur_frm.doc.customer, rows: cur_frm.doc.items.map(r => [r.amount, r.sales_order])})"
	)
	assert invoice == {"customer": sold.customer, "rows": [[20, sold.order], [100, sold.order]]}
	ARTIFACTS.mkdir(exist_ok=True)
	desk_page.screenshot(path=str(ARTIFACTS / "invoice-from-order.png"))
	assert [e for e in desk_page.errors if not is_realtime_noise(e)] == []


def test_the_selling_screens_are_in_french(new_desk_page, server_url, sold):
	english = english_with_french_line()
	page = new_desk_page(sold.user, PASSWORD, viewport={"width": 1280, "height": 900}, locale="fr-FR")
	settle(page)
	found = {}
	ARTIFACTS.mkdir(exist_ok=True)
	for key, route in {
		"sales-order-list": "sales-order",
		"sales-order": f"sales-order/{sold.order}",
		"quotation-list": "quotation",
		"quotation": f"quotation/{sold.quotation}",
		"opportunity": f"opportunity/{sold.opportunity}",
	}.items():
		page.goto(f"{server_url}{DESK}/{route}")
		settle(page)
		page.wait_for_timeout(800)
		text = page.locator(".page-container:visible").first.inner_text()
		page.screenshot(path=str(ARTIFACTS / f"fr-{key}.png"), full_page=True)
		lines = {line.strip() for line in re.split(r"[\n\t]", text) if line.strip()}
		if lines & english:
			found[key] = sorted(lines & english)
	assert not found, found
	assert [e for e in page.errors if not is_realtime_noise(e)] == []
