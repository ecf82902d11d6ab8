"""The app's screens in French (issue 9): a user whose language is French sees the workspace, a customer
form and the three reports with no English string the translations know a French line for, and amounts
in the company's currency. Screenshots land in test-artifacts/ (fr-*.png) for a person to look at."""

import csv
import re
from pathlib import Path

import frappe
import pytest

import crm_app
from tests.browser import ARTIFACTS, DESK, is_realtime_noise
from tests.receivables import invoice, make_fiscal_year, purge, purge_masters, setup_customer
from tests.test_desk_roles import settle
from tests.users import make_french_user, remove_user

PASSWORD = "Desk-french-pass-1234!"


def english_with_french_line() -> set[str]:
	"""Every English source string that Frappe's or the app's French translates to something else (read
	through Frappe, whichever form its translations take: fr.csv up to early v15, fr.po later)."""
	from frappe.translate import get_translations_from_apps

	return {
		source
		for source, french in get_translations_from_apps("fr", ["frappe", "crm_app"]).items()
		if french and french != source
	}


@pytest.fixture(scope="module")
def french_user():
	fiscal_year = make_fiscal_year()
	data = setup_customer()
	data.invoice = invoice(data.customer, data.company, data.item, rate=1200).name
	user = make_french_user("CRM Manager", "Sales Manager", "Accounts Manager", password=PASSWORD)
	frappe.db.commit()
	yield frappe._dict(user=user, fiscal_year=fiscal_year, **data)
	remove_user(user)
	purge("Sales Invoice", [data.invoice])
	purge_masters([data.customer], [data.group], [data.item], [data.company])
	frappe.db.commit()


def screens(data):
	return {
		"workspace": f"{DESK}/crm",
		"customer": f"{DESK}/customer/{data.customer}",
		"statistics": f"{DESK}/query-report/Customer Group Statistics?fiscal_year={data.fiscal_year}"
		"&customer_group=All Customer Groups",
		"trends": f"{DESK}/query-report/Customer Group Trends?fiscal_year={data.fiscal_year}",
		"variance": f"{DESK}/query-report/Sales Target Variance?fiscal_year={data.fiscal_year}",
	}


def test_the_apps_screens_are_in_french(new_desk_page, server_url, french_user):
	english = english_with_french_line()
	found = {}
	page = new_desk_page(french_user.user, PASSWORD, viewport={"width": 1280, "height": 900}, locale="fr-FR")
	settle(page)
	ARTIFACTS.mkdir(exist_ok=True)
	for key, route in screens(french_user).items():
		page.goto(f"{server_url}{route}")
		settle(page)
		if "query-report" in route:  # its rows drawn
			page.locator(
				".page-container:visible .dt-row-0, .page-container:visible .no-result:visible"
			).first.wait_for(timeout=30_000)
		page.wait_for_timeout(1500)  # charts drawn
		text = page.locator(".page-container:visible, .layout-main-section:visible").first.inner_text()
		page.screenshot(path=str(ARTIFACTS / f"fr-{key}.png"), full_page=True)
		lines = {line.strip() for line in re.split(r"[\n\t]", text) if line.strip()}
		untranslated = sorted(lines & english)
		if untranslated:
			found[key] = untranslated
		assert "د.إ" not in text, f"{key}: an amount in dirham"
	errors = [e for e in page.errors if not is_realtime_noise(e)]
	assert not found, found
	assert errors == []
