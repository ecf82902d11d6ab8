"""The app's reports in Chromium: opened with the fiscal year the desk knows since login, they run at once,
without first asking the server for it (a round trip before every run, found by benchmarks/desk.py); a
report opened with no year known (one made since login) still gets it from the server."""

import frappe
import pytest

from crm_app.receivables.statistics import default_fiscal_year
from tests.browser import DESK, is_realtime_noise, quiet
from tests.receivables import make_fiscal_year

ASKED = "crm_app.api.receivables.get_default_fiscal_year"
RUN = "frappe.desk.query_report.run"


@pytest.fixture
def fiscal_year():
	existing = set(frappe.get_all("Fiscal Year", pluck="name"))
	make_fiscal_year()  # the site's own year for 2026, or one made for the test
	frappe.db.commit()
	yield default_fiscal_year()
	for name in set(frappe.get_all("Fiscal Year", pluck="name")) - existing:
		frappe.delete_doc("Fiscal Year", name, force=True)
	frappe.db.commit()


def requests_of(page) -> list[str]:
	urls = []
	page.on("request", lambda request: urls.append(request.url))
	return urls


def wait_report(page, name: str) -> None:
	page.wait_for_function(
		"""name => window.frappe && frappe.query_report && frappe.query_report.report_name === name
			&& frappe.query_report.get_filter_value("fiscal_year") && !frappe.request.ajax_count""",
		arg=name,
		timeout=30_000,
	)
	quiet(page, 600)


def test_a_report_runs_once_with_the_desks_fiscal_year_without_asking_the_server(
	desk_page, server_url, fiscal_year
):
	urls = requests_of(desk_page)
	desk_page.goto(f"{server_url}{DESK}/query-report/Customer Group Statistics")
	wait_report(desk_page, "Customer Group Statistics")
	assert desk_page.evaluate("() => frappe.query_report.get_filter_value('fiscal_year')") == fiscal_year
	assert not [url for url in urls if ASKED in url]
	assert len([url for url in urls if RUN in url]) == 1
	assert not [e for e in desk_page.errors if not is_realtime_noise(e)]


def test_a_report_opened_with_no_fiscal_year_known_gets_it_from_the_server(
	desk_page, server_url, fiscal_year
):
	desk_page.goto(f"{server_url}{DESK}")
	desk_page.wait_for_function("() => window.frappe && frappe.boot && frappe.boot.crm_app", timeout=30_000)
	# as after a fiscal year made since login: the desk's boot knows none
	desk_page.evaluate("() => { frappe.boot.crm_app.default_fiscal_year = null; }")
	urls = requests_of(desk_page)
	desk_page.evaluate("() => frappe.set_route('query-report', 'Customer Group Trends')")
	wait_report(desk_page, "Customer Group Trends")
	assert desk_page.evaluate("() => frappe.query_report.get_filter_value('fiscal_year')") == fiscal_year
	assert [url for url in urls if ASKED in url]
	assert [url for url in urls if RUN in url]
