"""The customer's 360 view in Chromium (issue 21): the overdue and frozen banner on a new invoice and on the
customer, the overview's tabs in French, the activity history's kind filter, without a page error."""

import frappe
import pytest
from frappe.utils import add_days, nowdate

from tests.browser import ARTIFACTS, DESK, is_realtime_noise, wait_form
from tests.receivables import invoice, purge, purge_masters, setup_customer
from tests.users import make_french_user, remove_user

PASSWORD = "Overview-desk-pass-1234!"


@pytest.fixture
def late():
	"""A customer with an invoice 10 days overdue (committed: the browser's server reads it)."""
	data = setup_customer()
	data.invoice = invoice(
		data.customer, data.company, data.item, rate=120, posting_date=add_days(nowdate(), -10)
	).name
	frappe.db.commit()
	yield data
	purge("Sales Invoice", [data.invoice])
	purge_masters([data.customer], [data.group], [data.item], [data.company])
	frappe.db.commit()


def errors_of(page):
	return [e for e in page.errors if not is_realtime_noise(e)]


def test_a_new_invoice_of_an_overdue_and_frozen_customer_shows_the_banner(desk_page, server_url, late):
	desk_page.goto(f"{server_url}{DESK}/sales-invoice/new")
	wait_form(desk_page, "Sales Invoice")
	desk_page.evaluate("c => cur_frm.set_value('customer', c)", late.customer)
	banner = desk_page.locator(".form-intro-area, .form-message").filter(has_text="overdue").first
	banner.wait_for(timeout=30_000)
	assert "1 overdue invoices" in banner.inner_text()
	assert "frozen" not in banner.inner_text()

	frappe.db.set_value("Customer", late.customer, {"is_frozen": 1, "freeze_reason": "Litige"})
	frappe.db.commit()
	desk_page.goto(f"{server_url}{DESK}/sales-invoice/new")
	wait_form(desk_page, "Sales Invoice")
	desk_page.evaluate("c => cur_frm.set_value('customer', c)", late.customer)
	banner = desk_page.locator(".form-intro-area, .form-message").filter(has_text="frozen").first
	banner.wait_for(timeout=30_000)
	assert "Litige" in banner.inner_text() and "overdue" in banner.inner_text()
	ARTIFACTS.mkdir(exist_ok=True)
	desk_page.screenshot(path=str(ARTIFACTS / "invoice-banner.png"))
	# and on the customer's own form, drawn with its 360 view and values in force from one call
	calls = []
	desk_page.on("request", lambda request: calls.append(request.url.split("/api/method/")[-1].split("?")[0]))
	desk_page.goto(f"{server_url}{DESK}/customer/{late.customer}")
	wait_form(desk_page, "Customer")
	desk_page.locator(".form-intro-area, .form-message").filter(has_text="overdue").first.wait_for(
		timeout=30_000
	)
	desk_page.locator(".crm-customer-overview").wait_for(timeout=30_000)
	assert desk_page.locator("[data-fieldname='effective_defaults_html'] table tbody tr").count() > 0
	loads = [c for c in calls if c.startswith("crm_app.api.")]
	assert loads.count("crm_app.api.receivables.get_customer_form_data") == 1
	assert not {
		"crm_app.api.receivables.get_customer_banner",
		"crm_app.api.receivables.get_customer_overview",
		"crm_app.api.customer.get_effective_defaults",
	} & set(loads)
	assert errors_of(desk_page) == []


def test_the_overview_tabs_in_french_and_the_activity_filter(new_desk_page, server_url, late):
	user = make_french_user("Accounts User", "Sales User", password=PASSWORD)
	frappe.db.commit()
	try:
		page = new_desk_page(user, PASSWORD)
		page.goto(f"{server_url}{DESK}/customer/{late.customer}")
		wait_form(page, "Customer")
		overview = page.locator(".crm-customer-overview")
		overview.wait_for(timeout=30_000)
		tabs = overview.locator("[data-overview-tab]")
		labels = [tabs.nth(i).inner_text().strip() for i in range(tabs.count())]
		assert labels[0] == "Aperçu" and "Coordonnées" in labels and "Activité" in labels
		assert "Bons de commande / Factures de vente" in labels and "Fichiers" in labels
		for i in range(tabs.count()):
			tabs.nth(i).click()
			page.wait_for_timeout(200)
		# the invoices in their tab, each figure a link to the filtered list
		overview.locator("[data-overview-tab='orders']").click()
		overdue = overview.locator("[data-block='sales_invoices'] a:has-text('En retard')")
		assert "1" in overdue.inner_text()
		overview.locator("[data-overview-tab='activity']").click()
		entry = overview.locator(".crm-activity-entry[data-kind='invoice']")
		entry.first.wait_for(timeout=30_000)
		overview.locator(".crm-activity-kind").select_option("payment")
		page.wait_for_function(
			"() => !frappe.request.ajax_count && !document.querySelector(\".crm-activity-entry[data-kind='invoice']\")",
			timeout=30_000,
		)
		ARTIFACTS.mkdir(exist_ok=True)
		page.screenshot(path=str(ARTIFACTS / "customer-overview-fr.png"))
		overdue_link = overview.locator("[data-overview-tab='orders']")
		overdue_link.click()
		overview.locator("[data-block='sales_invoices'] a:has-text('En retard')").click()
		page.wait_for_selector(f".list-row:has-text('{late.invoice}')", timeout=30_000)
		assert errors_of(page) == []
	finally:
		remove_user(user)
		frappe.db.commit()


def test_the_statement_button_sends_the_statement_in_one_click(desk_page, server_url, late):
	from tests.test_mailings import make_outgoing_account

	before = frappe.db.get_value("Email Account", {"default_outgoing": 1}, "name")
	frappe.db.set_value("Email Account", {"default_outgoing": 1}, "default_outgoing", 0)
	account = make_outgoing_account()
	frappe.db.set_value("Customer", late.customer, "email_id", "accounts@crm-app.test")
	frappe.db.commit()
	try:
		desk_page.goto(f"{server_url}{DESK}/customer/{late.customer}")
		wait_form(desk_page, "Customer")
		desk_page.locator(".inner-group-button button:has-text('Statement of Account')").click()
		desk_page.locator(".inner-group-button .dropdown-item:has-text('Send Statement')").click()
		desk_page.locator(".alert:has-text('Statement of account sent to accounts@crm-app.test')").wait_for(
			timeout=30_000
		)
		sent = frappe.get_all(
			"Communication", {"reference_doctype": "Customer", "reference_name": late.customer}, pluck="name"
		)
		assert len(sent) == 1
		assert errors_of(desk_page) == []
	finally:
		for name in frappe.get_all("Communication", {"reference_name": late.customer}, pluck="name"):
			frappe.db.delete("Email Queue", {"communication": name})
			frappe.db.delete("File", {"attached_to_name": name})
			frappe.delete_doc("Communication", name, force=True, ignore_permissions=True)
		frappe.delete_doc("Email Account", account, force=True, ignore_permissions=True)
		if before:
			frappe.db.set_value("Email Account", before, "default_outgoing", 1)
		frappe.db.commit()
