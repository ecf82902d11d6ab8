"""The forms of issue 9 in Chromium: invoice status, invoice to payment, a frozen customer flagged when
picked, and the group's "Change Defaults for Customers" dialog."""

import frappe
import pytest

from tests.browser import ARTIFACTS, DESK, page_errors, wait_form
from tests.fixtures import make_price_list
from tests.receivables import invoice, purge, purge_masters, setup_customer
from tests.segments import make_group_segment


@pytest.fixture
def sold():
	"""A customer with a submitted invoice (committed: the browser's server reads it)."""
	data = setup_customer()
	data.invoice = invoice(data.customer, data.company, data.item, rate=120).name
	frappe.db.commit()
	yield data
	purge("Payment Entry", frappe.get_all("Payment Entry", {"party": data.customer}, pluck="name"))
	purge("Sales Invoice", [data.invoice])
	purge_masters([data.customer], [data.group], [data.item], [data.company])
	frappe.db.commit()


def test_invoice_status_shows_in_list_and_header_and_payment_comes_filled(desk_page, server_url, sold):
	status = frappe.db.get_value("Sales Invoice", sold.invoice, "status")
	assert status in ("Unpaid", "Overdue")
	desk_page.goto(f"{server_url}{DESK}/sales-invoice?customer={sold.customer}")
	desk_page.wait_for_selector(f".list-row:has-text('{sold.invoice}') .indicator-pill:has-text('{status}')")
	desk_page.goto(f"{server_url}{DESK}/sales-invoice/{sold.invoice}")
	wait_form(desk_page, "Sales Invoice")
	assert status in desk_page.locator(".page-head .indicator-pill").first.inner_text()
	desk_page.locator(".inner-group-button button:has-text('Create')").click()
	desk_page.locator(".inner-group-button .dropdown-item:has-text('Payment')").click()
	wait_form(desk_page, "Payment Entry")
	payment = desk_page.evaluate(
		"() => ({party: cur_frm.doc.party, paid: cur_frm.doc.paid_amount,"
		" refs: (cur_frm.doc.references || []).map(r => [r.reference_name, r.allocated_amount])})"
	)
	assert payment == {"party": sold.customer, "paid": 120, "refs": [[sold.invoice, 120]]}
	ARTIFACTS.mkdir(exist_ok=True)
	desk_page.screenshot(path=str(ARTIFACTS / "payment-from-invoice.png"))
	assert page_errors(desk_page) == []


def test_a_frozen_customer_is_flagged_when_picked_on_an_invoice(desk_page, server_url, sold):
	frappe.db.set_value("Customer", sold.customer, {"is_frozen": 1, "freeze_reason": "Litige"})
	frappe.db.commit()
	desk_page.goto(f"{server_url}{DESK}/sales-invoice/new")
	wait_form(desk_page, "Sales Invoice")
	desk_page.evaluate("c => cur_frm.set_value('customer', c)", sold.customer)
	intro = desk_page.locator(".form-intro-area, .form-message").filter(has_text="frozen").first
	intro.wait_for(timeout=30_000)
	assert "Litige" in intro.inner_text()
	# and on the customer's own form
	desk_page.goto(f"{server_url}{DESK}/customer/{sold.customer}")
	wait_form(desk_page, "Customer")
	desk_page.locator(".form-intro-area, .form-message").filter(has_text="frozen").first.wait_for(
		timeout=30_000
	)
	assert [e for e in page_errors(desk_page) if "frozen" not in e] == []


def test_change_defaults_applies_what_the_preview_shows(desk_page, server_url, sold):
	own, first, second = make_price_list(), make_price_list(), make_price_list()
	frappe.db.set_value("Customer", sold.customer, "default_price_list", own)
	frappe.db.commit()
	try:
		desk_page.goto(f"{server_url}{DESK}/customer-group/{sold.group}")
		wait_form(desk_page, "Customer Group")
		desk_page.locator("button:has-text('Change Defaults for Customers')").click()
		dialog = desk_page.locator(".modal.show")
		desk_page.wait_for_function("() => window.cur_dialog && cur_dialog.fields_dict.default_price_list")
		desk_page.evaluate("v => cur_dialog.set_value('default_price_list', v)", first)
		dialog.locator("button.btn-primary:has-text('Preview')").click()
		table = dialog.locator("table")
		table.wait_for(timeout=30_000)
		assert "Default Price List" in table.inner_text() and "default_price_list" not in table.inner_text()
		box = dialog.locator("input.crm-apply")
		assert box.count() == 1 and not box.is_checked()  # the customer's own value is kept unless ticked
		# another value after the preview: the preview is gone and must be redone
		desk_page.evaluate("v => cur_dialog.set_value('default_price_list', v)", second)
		dialog.locator("button.btn-primary:has-text('Preview')").wait_for(timeout=10_000)
		assert dialog.locator("table").count() == 0
		dialog.locator("button.btn-primary:has-text('Preview')").click()
		dialog.locator("table").wait_for(timeout=30_000)
		assert desk_page.evaluate("() => cur_dialog.previewed.default_price_list") == second
		dialog.locator("button.btn-primary:has-text('Apply')").click()
		dialog.wait_for(state="detached", timeout=30_000)
		frappe.db.rollback()
		assert frappe.db.get_value("Customer Group", sold.group, "default_price_list") == second
		assert frappe.db.get_value("Customer", sold.customer, "default_price_list") == own
		assert page_errors(desk_page) == []
	finally:
		frappe.db.rollback()
		frappe.db.set_value("Customer", sold.customer, "default_price_list", None)
		frappe.db.set_value("Customer Group", sold.group, "default_price_list", None)
		for name in (own, first, second):
			frappe.delete_doc("Price List", name, force=True)
		frappe.db.commit()


def test_the_customer_import_form_shows_its_report_and_actions(desk_page, server_url):
	from crm_app.csv_files import write_csv

	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": "desk-import.csv",
			"content": write_csv(["Customer Name"], [["Desk import"]]),
			"is_private": 1,
		}
	).insert()
	record = frappe.get_doc({"doctype": "Customer Import", "import_file": file.file_url}).insert()
	report = {
		"dry_run": True,
		"created": {},
		"updated": {},
		"unchanged": {},
		"warnings": [],
		"errors": [
			{
				"sheet": "Customer",
				"row": 7,
				"column": "customer_type",
				"message": "Customer Type must be one of",
			}
		],
	}
	record.db_set({"status": "Failed", "checked_only": 1, "report": frappe.as_json(report)})
	frappe.db.commit()
	try:
		desk_page.goto(f"{server_url}{DESK}/customer-import/{record.name}")
		wait_form(desk_page, "Customer Import")
		html = desk_page.locator("[data-fieldname='report_html']")
		html.locator("table").wait_for(timeout=30_000)
		assert "customer_type" in html.inner_text() and "7" in html.inner_text()
		for label in ("Check File", "Start Import", "Export"):
			assert desk_page.locator(
				f".page-actions button:has-text('{label}'), .form-page button:has-text('{label}')"
			).count()
		desk_page.locator("button:has-text('Export')").first.click()
		desk_page.locator(".modal.show select[data-fieldname='file_format']").wait_for(timeout=10_000)
		ARTIFACTS.mkdir(exist_ok=True)
		desk_page.screenshot(path=str(ARTIFACTS / "customer-import.png"))
		assert page_errors(desk_page) == []
	finally:
		frappe.delete_doc("Customer Import", record.name, force=True)
		frappe.delete_doc("File", file.name, force=True)
		frappe.db.commit()


def test_the_customer_list_exports_what_its_filters_show(desk_page, server_url):
	territory = "Rest Of The World"
	desk_page.goto(f"{server_url}{DESK}/customer?territory={territory.replace(' ', '%20')}")
	desk_page.wait_for_function(
		"() => window.cur_list && cur_list.doctype === 'Customer' && !frappe.request.ajax_count",
		timeout=30_000,
	)
	desk_page.evaluate("() => { window.open = (url) => { window.__opened = url; }; }")
	desk_page.locator(".page-actions .menu-btn-group button").first.click()
	desk_page.locator(".dropdown-menu.show .dropdown-item:has-text('Export for Re-import (CSV)')").click()
	url = desk_page.evaluate("() => window.__opened")
	assert url and "export_records" in url
	response = desk_page.request.get(f"{server_url}{url}" if url.startswith("/") else url)
	assert response.status == 200
	lines = response.body().decode("utf-8-sig").splitlines()
	assert len(lines) - 1 == frappe.db.count("Customer", {"territory": territory})
	assert page_errors(desk_page) == []


def test_the_segment_form_shows_its_rules_dry_run_and_leads_to_a_mailing(desk_page, server_url, sold):
	frappe.db.set_value("Customer", sold.customer, "email_id", "desk-segment@crm-app.test")
	segment = make_group_segment("Desk segment", sold.group, auto=0, company=sold.company)
	frappe.db.commit()
	mailing = None
	try:
		desk_page.goto(f"{server_url}{DESK}/customer-segment/{segment.name}")
		wait_form(desk_page, "Customer Segment")
		summary = desk_page.locator("[data-fieldname='summary_html']")
		assert "Customer Group is" in summary.inner_text() and sold.group in summary.inner_text()
		desk_page.locator(
			".page-actions button:has-text('Dry Run'), .form-page button:has-text('Dry Run')"
		).first.click()
		message = desk_page.locator(".modal.show .msgprint")
		message.wait_for(timeout=30_000)
		assert "1 would join, 0 would leave" in message.inner_text() and sold.customer in message.inner_text()
		desk_page.locator(".modal.show .btn-modal-close").first.click()
		desk_page.wait_for_function("() => !document.querySelector('.modal.show')", timeout=10_000)
		desk_page.locator("button:has-text('Apply Proposal')").first.click()
		desk_page.wait_for_function("() => cur_frm.doc.member_count === 1", timeout=30_000)
		desk_page.locator(".inner-group-button button:has-text('Talk to Customers')").click()
		desk_page.locator(".inner-group-button .dropdown-item:has-text('New Mailing')").click()
		wait_form(desk_page, "Customer Mailing")
		assert desk_page.evaluate("() => cur_frm.doc.customer_segment") == segment.name
		desk_page.evaluate(
			"""() => cur_frm.set_value({subject: 'Hello {{ customer.customer_name }}',
				message: '<p>News for {{ customer.name }}</p>'})"""
		)
		desk_page.evaluate("() => cur_frm.save()")
		desk_page.wait_for_function("() => !cur_frm.is_new() && !cur_frm.is_dirty()", timeout=30_000)
		mailing = desk_page.evaluate("() => cur_frm.doc.name")
		desk_page.locator("button:has-text('Get Recipients')").first.click()
		desk_page.wait_for_function("() => (cur_frm.doc.recipients || []).length === 1", timeout=30_000)
		assert desk_page.evaluate("() => cur_frm.doc.recipients[0].email_id") == "desk-segment@crm-app.test"
		desk_page.locator("button:has-text('Preview')").first.click()
		preview = desk_page.locator(".modal.show .msgprint")
		preview.wait_for(timeout=30_000)
		assert f"News for {sold.customer}" in preview.inner_text()
		ARTIFACTS.mkdir(exist_ok=True)
		desk_page.screenshot(path=str(ARTIFACTS / "customer-mailing.png"))
		assert page_errors(desk_page) == []
	finally:
		frappe.db.rollback()
		if mailing:
			frappe.delete_doc("Customer Mailing", mailing, force=True)
		frappe.db.delete("Customer Segment Member", {"segment": segment.name})
		frappe.db.delete("Customer Segment Log", {"segment": segment.name})
		frappe.delete_doc("Customer Segment", segment.name, force=True)
		frappe.db.commit()
