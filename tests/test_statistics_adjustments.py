"""Sage's editable and opening statistics (issue 22): an adjustment is a row of its own, shown apart in the
statistics with its reason and counted in totals labelled as including it; the ledger and its summary
never change. Refused when CRM Settings do not allow it or for a role that may not make one (over REST
too); opening statistics come in through the import, checked first, all or nothing, and not twice."""

import frappe
import pytest
from frappe.utils.nestedset import get_root_of
from frappe.utils.password import update_password

from crm_app.csv_files import write_csv
from crm_app.data_transfer.importer import import_files
from crm_app.receivables.report.customer_group_statistics.customer_group_statistics import (
	execute as statistics_report,
)
from crm_app.receivables.statistics import customer_statistics, group_statistics
from crm_app.receivables.statistics_adjustments import (
	DOCTYPE,
	InvalidStatisticsAdjustmentError,
	StatisticsAdjustmentNotAllowedError,
	permitted_adjusted_statistics,
	record,
)
from tests.fixtures import make_company, make_customer
from tests.receivables import invoice, make_fiscal_year, make_item, purge, purge_masters
from tests.trees import make_node, unique
from tests.users import http_session, make_user, remove_user

PASSWORD = "Statistics-adjust-1234!"


def allow(on: bool) -> None:
	frappe.db.set_single_value("CRM Settings", "allow_statistics_adjustment", int(on))
	frappe.db.set_single_value("CRM Settings", "include_tax_in_statistics", 1)


@pytest.fixture
def world():
	"""A parent group P, its leaf G with customer C, and C's invoice of 1,000 in January 2026."""
	company = make_company("EUR").name
	parent = make_node("Customer Group", unique("Stat P"), get_root_of("Customer Group"), is_group=1).name
	group = make_node("Customer Group", unique("Stat G"), parent).name
	customer = make_customer(group).name
	fiscal_year = make_fiscal_year("2026-01-01", "2026-12-31")
	invoice(customer, company, make_item(), rate=1000, posting_date="2026-01-10")
	allow(True)
	return frappe._dict(
		company=company, parent=parent, group=group, customer=customer, fiscal_year=fiscal_year
	)


def adjustment(world, **values) -> str:
	return record(
		{
			"customer_group": world.group,
			"company": world.company,
			"fiscal_year": world.fiscal_year,
			"period": 1,
			"movement_type": "Invoice",
			"reason": "Invoices of the old system",
			**values,
		}
	)


def ledger_of(company: str) -> tuple:
	"""Every ledger row and summary row of the company, as stored."""
	return (
		frappe.db.sql("select * from `tabCustomer Ledger Entry` where company = %s order by name", company),
		frappe.db.sql("select * from `tabCustomer Ledger Summary` where company = %s order by name", company),
	)


def report_rows(world, **filters) -> dict:
	_columns, data, _message, _chart, summary = statistics_report(
		{
			"fiscal_year": world.fiscal_year,
			"company": world.company,
			"customer_group": world.parent,
			**filters,
		}
	)
	return {row["movement"]: row for row in data}, summary


def test_an_adjustment_shows_apart_with_its_reason_and_leaves_the_ledger_alone(world):
	before = ledger_of(world.company)
	ledger_figures = group_statistics(world.parent, world.fiscal_year, world.company)["movements"]
	adjustment(world, entries=2, amount=500)
	adjustment(
		world,
		customer=world.customer,
		customer_group=None,
		period=3,
		movement_type="Invoice Paid",
		entries=1,
		amount=1000,
		days_to_pay=30,
		reason="Paid before the switch",
	)

	assert ledger_of(world.company) == before
	assert group_statistics(world.parent, world.fiscal_year, world.company)["movements"] == ledger_figures
	rows, summary = report_rows(world)
	# the ledger's rows as they were
	assert (rows["Invoice"]["count"], rows["Invoice"]["amount"], rows["Invoice"]["period_1"]) == (
		1,
		1000,
		1000,
	)
	assert rows["Invoice Paid"]["count"] == 0 and rows["Average days to pay"]["count"] is None
	# each adjustment apart, with its reason, in its period
	invoices = rows["Adjustment: Invoice"]
	assert (invoices["count"], invoices["amount"], invoices["period_1"]) == (2, 500, 500)
	assert invoices["reason"] == "Invoices of the old system"
	assert rows["Adjustment: Invoice Paid"]["reason"] == "Paid before the switch"
	assert rows["Adjustment: Invoice Paid"]["period_3"] == 1000
	# the totals including them, labelled so
	total = rows["Invoice, adjustments included"]
	assert (total["count"], total["amount"], total["period_1"]) == (3, 1500, 1500)
	assert rows["Average days to pay, adjustments included"]["count"] == 30
	assert summary[0]["value"] == 1000 and summary[-1]["value"] == 1500
	# the customer's own statistics show its adjustment only; the group's, both
	rows, _summary = report_rows(world, customer=world.customer)
	assert "Adjustment: Invoice Paid" in rows and "Adjustment: Invoice" not in rows
	rows, _summary = report_rows(world, customer_group=world.group)
	assert rows["Invoice, adjustments included"]["amount"] == 1500


def test_a_customers_adjustment_follows_the_grouping_asked_for(world):
	"""Made while the customer was in G: under G "as at the time", under its new group "as grouped today",
	as its ledger figures are."""
	adjustment(world, customer=world.customer, customer_group=None, entries=1, amount=200)
	moved_to = make_node("Customer Group", unique("Stat H"), world.parent).name
	frappe.db.set_value("Customer", world.customer, "customer_group", moved_to)

	def adjusted_in(group, grouping):
		rows, _summary = report_rows(world, customer_group=group, grouping=grouping)
		return rows.get("Adjustment: Invoice", {}).get("amount")

	assert adjusted_in(world.group, "As at the Time") == 200
	assert adjusted_in(moved_to, "As at the Time") is None
	assert adjusted_in(world.group, "As Grouped Today") is None
	assert adjusted_in(moved_to, "As Grouped Today") == 200


def test_without_the_option_or_the_role_an_adjustment_is_refused(world):
	allow(False)
	with pytest.raises(StatisticsAdjustmentNotAllowedError):
		adjustment(world, amount=500)
	frappe.local.lang = "fr"
	with pytest.raises(
		StatisticsAdjustmentNotAllowedError, match="Permettre la modification des statistiques"
	):
		adjustment(world, amount=500)
	frappe.local.lang = "en"
	allow(True)
	frappe.set_user(make_user("Sales User"))
	with pytest.raises(frappe.PermissionError):
		adjustment(world, amount=500)
	frappe.set_user("Administrator")
	assert not frappe.db.exists(DOCTYPE, {"company": world.company})


def test_a_user_limited_to_some_customers_sees_only_their_adjustments(world):
	other_group = make_node("Customer Group", unique("Stat other"), world.parent).name
	other = make_customer(other_group).name
	adjustment(world, amount=500, reason="Group")
	adjustment(world, customer=world.customer, customer_group=None, amount=70, reason="Mine not")
	adjustment(world, customer=other, customer_group=None, amount=30, reason="Theirs")
	user = make_user("Accounts User")
	frappe.get_doc(
		{"doctype": "User Permission", "user": user, "allow": "Customer Group", "for_value": other_group}
	).insert()
	frappe.set_user(user)
	stats = permitted_adjusted_statistics(world.fiscal_year, world.parent, company=world.company)
	assert [a["reason"] for a in stats["adjustments"]] == ["Theirs"]
	assert stats["adjusted"]["movements"]["Invoice"]["amount"] == 30
	frappe.set_user("Administrator")
	stats = permitted_adjusted_statistics(world.fiscal_year, world.parent, company=world.company)
	assert sorted(a["reason"] for a in stats["adjustments"]) == ["Group", "Mine not", "Theirs"]


def test_bad_figures_are_refused_and_a_submitted_adjustment_cannot_change(world):
	with pytest.raises(InvalidStatisticsAdjustmentError):
		adjustment(world, period=13, amount=500)
	with pytest.raises(InvalidStatisticsAdjustmentError):
		adjustment(world, amount=0)
	with pytest.raises(InvalidStatisticsAdjustmentError):
		adjustment(world, movement_type="Receipt", amount=100, tax_amount=20)
	with pytest.raises(frappe.MandatoryError):
		adjustment(world, amount=500, reason="  ")
	doc = frappe.get_doc(DOCTYPE, adjustment(world, amount=500))
	doc.amount = 900
	with pytest.raises(frappe.UpdateAfterSubmitError):
		doc.save()
	# a wrong one is cancelled (under the same option): it no longer counts
	doc.reload()
	allow(False)
	with pytest.raises(StatisticsAdjustmentNotAllowedError):
		doc.cancel()
	allow(True)
	doc.reload()
	doc.cancel()
	rows, _summary = report_rows(world)
	assert "Adjustment: Invoice" not in rows and "Invoice, adjustments included" not in rows


OPENING_HEADERS = ["Customer Group", "Customer", "Company", "Fiscal Year", "Period", "Movement Type"]
OPENING_HEADERS += ["Count", "Amount", "Reason"]


def opening_file(world, *rows):
	return ("Opening Statistics.csv", write_csv(OPENING_HEADERS, [list(row) for row in rows]))


def test_opening_statistics_import_checked_first_all_or_nothing_and_not_twice(world):
	good = [
		(world.group, "", world.company, world.fiscal_year, 1, "Invoice", 40, 12000, "Opening"),
		("", world.customer, world.company, world.fiscal_year, 2, "Receipt", 3, 2500, "Opening"),
	]
	file = opening_file(world, *good)
	dry = import_files([file], dry_run=True)
	assert dry["errors"] == [] and not frappe.db.exists(DOCTYPE, {"company": world.company})

	bad = opening_file(
		world, *good, (world.group, "", world.company, world.fiscal_year, 13, "Invoice", 1, 1, "x")
	)
	refused = import_files([bad])
	assert [(e["row"], "1 to 12" in e["message"]) for e in refused["errors"]] == [(4, True)]
	assert refused["created"] == {}  # one bad row: nothing written, the good ones neither
	assert not frappe.db.exists(DOCTYPE, {"company": world.company})

	before = ledger_of(world.company)
	done = import_files([file])
	assert done["errors"] == [] and done["created"] == {DOCTYPE: 2}
	assert frappe.get_all(DOCTYPE, {"company": world.company, "docstatus": 1}, pluck="is_opening") == [1, 1]
	assert ledger_of(world.company) == before
	rows, _summary = report_rows(world)
	opening = rows["Opening statistics: Invoice"]
	assert (opening["count"], opening["amount"], opening["reason"]) == (40, 12000, "Opening")
	assert rows["Invoice, adjustments included"]["amount"] == 13000
	assert rows["Receipt, adjustments included"]["period_2"] == 2500
	# the customer's own ledger statistics are its ledger's, whatever was imported
	assert (
		customer_statistics(world.customer, world.fiscal_year, world.company)["movements"]["Receipt"]["count"]
		== 0
	)

	again = import_files([file])
	assert again["created"] == {} and again["unchanged"] == {DOCTYPE: 2} and again["errors"] == []
	changed = opening_file(world, (*good[0][:7], 99999, "Opening"))
	assert "already recorded" in import_files([changed], dry_run=True)["errors"][0]["message"]


def test_opening_statistics_import_is_refused_when_the_option_is_off(world):
	allow(False)
	good = (world.group, "", world.company, world.fiscal_year, 1, "Invoice", 40, 12000, "Opening")
	report = import_files([opening_file(world, good)], dry_run=True)
	assert [e["row"] for e in report["errors"]] == [2]
	assert "Allow Statistics Adjustment" in report["errors"][0]["message"]


@pytest.fixture(scope="module")
def rest_world(server_url):
	company = make_company("EUR").name
	group = make_node("Customer Group", unique("Stat REST"), get_root_of("Customer Group")).name
	fiscal_year = make_fiscal_year("2026-01-01", "2026-12-31")
	users = {role: make_user(role) for role in ("Sales User", "Accounts Manager")}
	for user in users.values():
		update_password(user, PASSWORD)
	frappe.db.commit()
	sessions = {role: http_session(server_url, user, PASSWORD) for role, user in users.items()}
	yield frappe._dict(company=company, group=group, fiscal_year=fiscal_year, sessions=sessions)
	frappe.db.rollback()
	purge(DOCTYPE, frappe.get_all(DOCTYPE, {"company": company}, pluck="name"))
	for user in users.values():
		remove_user(user)
	purge_masters(groups=[group], companies=[company])
	allow(False)
	frappe.db.commit()


def post_adjustment(rest_world, server_url, role):
	return rest_world.sessions[role].post(
		f"{server_url}/api/resource/{DOCTYPE}",
		json={
			"customer_group": rest_world.group,
			"company": rest_world.company,
			"fiscal_year": rest_world.fiscal_year,
			"period": 1,
			"movement_type": "Invoice",
			"entries": 1,
			"amount": 100,
			"reason": "REST",
			"docstatus": 1,
		},
	)


def test_over_rest_the_option_and_the_role_decide(rest_world, server_url):
	allow(False)
	frappe.db.commit()
	refused = post_adjustment(rest_world, server_url, "Accounts Manager")
	assert refused.status_code == 403, refused.text[:500]
	assert "Allow Statistics Adjustment" in refused.text

	allow(True)
	frappe.db.commit()
	assert post_adjustment(rest_world, server_url, "Sales User").status_code == 403
	made = post_adjustment(rest_world, server_url, "Accounts Manager")
	assert made.status_code == 200, made.text[:500]
	assert made.json()["data"]["docstatus"] == 1
	got = rest_world.sessions["Accounts Manager"].get(
		f"{server_url}/api/method/crm_app.api.receivables.get_adjusted_statistics",
		params={"fiscal_year": rest_world.fiscal_year, "customer_group": rest_world.group},
	)
	assert got.status_code == 200, got.text[:500]
	stats = got.json()["message"]
	assert [a["reason"] for a in stats["adjustments"]] == ["REST"]
	assert (
		stats["movements"]["Invoice"]["count"] == 0
		and stats["adjusted"]["movements"]["Invoice"]["count"] == 1
	)
