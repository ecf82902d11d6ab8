"""Group and customer statistics against a hand count on a small fixed data set.

Fiscal year 2026 (periods = months). Customers A and B in leaf group G, under parent group P.

| date       | document                                   | A / B | amount          |
|------------|--------------------------------------------|-------|-----------------|
| 2026-01-10 | invoice 1: 1,000 + tax 200                 | A     | 1,200           |
| 2026-01-20 | invoice 3: 300 + tax 60                    | B     | 360             |
| 2026-01-25 | credit note on invoice 1: 100 + tax 20     | A     | 120             |
| 2026-02-05 | invoice 2: 500, no tax                     | A     | 500             |
| 2026-02-15 | receipt 1,000 + discount 80 on invoice 1   | A     | pays invoice 1: 36 days |
| 2026-03-01 | receipt 360 on invoice 3                   | B     | pays invoice 3: 40 days |
| 2026-03-05 | debit note 50 + tax 10                     | A     | 60              |
| 2026-03-10 | B's cheque returned                        | B     | 360, invoice 3 unpaid again |
| 2026-03-31 | interest charge 15                         | B     | 15              |
| 2026-04-02 | write-off 100 on invoice 2                 | A     | 100             |
| 2026-04-03 | adjustment -25                             | B     | -25             |
"""

import frappe
import pytest
from frappe.utils.nestedset import get_root_of

from crm_app.customers.overview import compose
from crm_app.receivables.ledger import balance
from crm_app.receivables.statistics import customer_statistics, group_statistics, group_trends
from tests.fixtures import make_company, make_customer
from tests.receivables import (
	adjustment,
	credit_note,
	invoice,
	make_fiscal_year,
	make_item,
	payment,
	returned_cheque,
)
from tests.trees import make_node, unique

# hand count, tax included: movement -> (count, amount, amounts per period 1..4)
EXPECTED_GROUP = {
	"Invoice": (3, 2060, [1560, 500, 0, 0]),
	"Credit Note": (1, 120, [120, 0, 0, 0]),
	"Receipt": (2, 1360, [0, 1000, 360, 0]),
	"Discount": (1, 80, [0, 80, 0, 0]),
	"Returned Cheque": (1, 360, [0, 0, 360, 0]),
	"Debit Note": (1, 60, [0, 0, 60, 0]),
	"Interest Charge": (1, 15, [0, 0, 15, 0]),
	"Write-Off": (1, 100, [0, 0, 0, 100]),
	"Adjustment": (1, -25, [0, 0, 0, -25]),
	"Invoice Paid": (1, 1200, [0, 1200, 0, 0]),  # invoice 3 was paid, then its cheque bounced
}
EXPECTED_A = {
	"Invoice": (2, 1700),
	"Credit Note": (1, 120),
	"Receipt": (1, 1000),
	"Discount": (1, 80),
	"Debit Note": (1, 60),
	"Write-Off": (1, 100),
	"Invoice Paid": (1, 1200),
	"Returned Cheque": (0, 0),
	"Interest Charge": (0, 0),
	"Adjustment": (0, 0),
}


@pytest.fixture
def dataset():
	company = make_company("EUR").name
	parent = make_node("Customer Group", unique("P"), get_root_of("Customer Group"), is_group=1).name
	group = make_node("Customer Group", unique("G"), parent).name
	a, b = make_customer(group).name, make_customer(group).name
	item = make_item()
	fiscal_year = make_fiscal_year("2026-01-01", "2026-12-31")
	docs = []
	inv1 = invoice(a, company, item, rate=1000, tax=200, posting_date="2026-01-10")
	inv3 = invoice(b, company, item, rate=300, tax=60, posting_date="2026-01-20")
	docs += [inv1, inv3, credit_note(inv1.name, item, rate=100, tax=20, posting_date="2026-01-25")]
	inv2 = invoice(a, company, item, rate=500, posting_date="2026-02-05")
	docs.append(inv2)
	docs.append(payment(a, company, 1000, [(inv1.name, 1080)], discount=80, posting_date="2026-02-15"))
	receipt_b = payment(b, company, 360, [(inv3.name, 360)], posting_date="2026-03-01")
	docs += [receipt_b, adjustment(a, company, "Debit Note", 50, tax=10, posting_date="2026-03-05")]
	docs.append(returned_cheque(receipt_b.name, posting_date="2026-03-10"))
	docs.append(adjustment(b, company, "Interest Charge", 15, posting_date="2026-03-31"))
	docs.append(
		adjustment(a, company, "Write-Off", 100, against_invoice=inv2.name, posting_date="2026-04-02")
	)
	docs.append(adjustment(b, company, "Adjustment", -25, posting_date="2026-04-03"))
	return frappe._dict(
		company=company, parent=parent, group=group, a=a, b=b, fiscal_year=fiscal_year, docs=docs
	)


def figures(stats, with_periods=True):
	out = {}
	for kind, values in stats["movements"].items():
		periods = [p["amount"] for p in values["periods"][:4]]
		out[kind] = (
			(values["count"], values["amount"], periods)
			if with_periods
			else (values["count"], values["amount"])
		)
	return out


def test_group_statistics_equal_the_hand_count(dataset):
	frappe.db.set_single_value("CRM Settings", "include_tax_in_statistics", 1)
	stats = group_statistics(dataset.group, dataset.fiscal_year, dataset.company)
	assert figures(stats) == EXPECTED_GROUP
	assert (stats["total_days_to_pay"], stats["average_days_to_pay"]) == (36, 36)
	assert len(stats["periods"]) == 12
	# the parent rolls its subtree up; so does the root
	assert figures(group_statistics(dataset.parent, dataset.fiscal_year, dataset.company)) == EXPECTED_GROUP
	assert (
		figures(group_statistics(get_root_of("Customer Group"), dataset.fiscal_year, dataset.company))
		== EXPECTED_GROUP
	)


def test_statistics_without_tax_take_it_off_invoices_and_notes(dataset):
	frappe.db.set_single_value("CRM Settings", "include_tax_in_statistics", 0)
	stats = figures(group_statistics(dataset.group, dataset.fiscal_year, dataset.company), with_periods=False)
	assert stats["Invoice"] == (3, 2060 - 200 - 60)
	assert stats["Credit Note"] == (1, 100)
	assert stats["Debit Note"] == (1, 50)
	assert stats["Receipt"] == (2, 1360)  # receipts carry no tax of their own


def test_customer_statistics_equal_the_hand_count(dataset):
	frappe.db.set_single_value("CRM Settings", "include_tax_in_statistics", 1)
	stats = customer_statistics(dataset.a, dataset.fiscal_year, dataset.company)
	assert figures(stats, with_periods=False) == EXPECTED_A
	assert stats["average_days_to_pay"] == 36


def test_balances_and_the_overview(dataset):
	# A: 1200 - 120 + 500 - 1000 - 80 + 60 - 100; B: 360 - 360 + 360 + 15 - 25
	assert balance([dataset.a], dataset.company, "EUR") == 460
	assert balance([dataset.b], dataset.company, "EUR") == 350
	blocks = {b["key"]: b for tab in compose(dataset.b)["tabs"] for b in tab["blocks"]}
	invoices = {f["state"]: (f["count"], f["amount"]) for f in blocks["sales_invoices"]["figures"]}
	# due 2026-01-20 and unpaid since its cheque bounced
	assert invoices == {"authorised": (0, 0), "pending": (0, 0), "overdue": (1, 360), "paid": (0, 0)}
	# its one receipt (the returned cheque is not a payment received)
	assert [(f["count"], f["amount"]) for f in blocks["payments"]["figures"]] == [(1, 360)]


def test_the_trend_report_compares_child_groups_period_by_period(dataset):
	trends = group_trends(dataset.fiscal_year, dataset.parent, dataset.company)
	assert trends["series"][dataset.group][:4] == [1560 - 120, 500, 0, 0]


def test_cancelling_everything_reverses_everything(dataset):
	for doc in reversed(dataset.docs):
		doc.reload()
		doc.cancel()
	stats = group_statistics(dataset.group, dataset.fiscal_year, dataset.company)
	assert all(values["count"] == 0 and values["amount"] == 0 for values in stats["movements"].values())
	assert stats["total_days_to_pay"] == 0
	for customer in (dataset.a, dataset.b):
		assert balance([customer], dataset.company, "EUR") == 0
	# the ledger kept every row: cancelling added as many reversing rows
	rows = frappe.get_all(
		"Customer Ledger Entry", filters={"customer": ("in", [dataset.a, dataset.b])}, pluck="is_reversal"
	)
	assert rows.count(1) == rows.count(0) > 0


def test_the_reports_show_the_same_figures(dataset):
	from crm_app.receivables.report.customer_group_statistics.customer_group_statistics import (
		execute as statistics,
	)
	from crm_app.receivables.report.customer_group_trends.customer_group_trends import execute as trends

	frappe.db.set_single_value("CRM Settings", "include_tax_in_statistics", 1)
	columns, data, _message, chart, summary = statistics(
		{"fiscal_year": dataset.fiscal_year, "customer_group": dataset.parent, "company": dataset.company}
	)
	by_movement = {row["movement"]: row for row in data}
	assert (by_movement["Invoice"]["count"], by_movement["Invoice"]["amount"]) == (3, 2060)
	assert (by_movement["Invoice"]["period_1"], by_movement["Invoice"]["period_2"]) == (1560, 500)
	assert by_movement["Average days to pay"]["count"] == 36
	assert len(columns) == 3 + 12 and chart["type"] == "bar" and summary[0]["value"] == 2060

	columns, data, _message, chart = trends(
		{"fiscal_year": dataset.fiscal_year, "parent_customer_group": dataset.parent}
	)
	assert data == [
		{
			"customer_group": dataset.group,
			"total": 1940,
			**{f"period_{i}": v for i, v in enumerate([1440, 500] + [0] * 10, 1)},
			"currency": "EUR",  # what the money columns are drawn in
		}
	]
	with pytest.raises(frappe.MandatoryError):
		statistics({})


def test_the_bench_command_rebuilds_the_summary_to_the_same_figures(dataset):
	import subprocess
	import sys

	from tests.conftest import SITE, SITES_PATH

	before = group_statistics(dataset.group, dataset.fiscal_year, dataset.company)
	frappe.db.commit()  # the command runs in its own process
	try:
		result = subprocess.run(
			[
				sys.executable,
				"-m",
				"frappe.utils.bench_helper",
				"frappe",
				"--site",
				SITE,
				"crm",
				"rebuild-ledger-summary",
			],
			cwd=SITES_PATH,
			capture_output=True,
			text=True,
		)
		assert result.returncode == 0, result.stderr
		assert "summary rows written" in result.stdout
		frappe.db.rollback()
		assert group_statistics(dataset.group, dataset.fiscal_year, dataset.company) == before
	finally:
		_purge_dataset(dataset)


def _purge_dataset(dataset):
	from tests.receivables import purge, purge_masters

	frappe.db.rollback()
	for doc in dataset.docs:
		purge(doc.doctype, [doc.name])
	frappe.db.delete("Customer Ledger Summary", {"customer_group": dataset.group})
	frappe.db.delete("Fiscal Year", {"name": dataset.fiscal_year})
	items = {row.item_code for doc in dataset.docs if doc.doctype == "Sales Invoice" for row in doc.items}
	purge_masters([dataset.a, dataset.b], [dataset.group, dataset.parent], items, [dataset.company])
	frappe.db.commit()


def test_tree_statistics_roll_every_group_up(dataset):
	from crm_app.receivables.statistics import tree_statistics

	frappe.db.set_single_value("CRM Settings", "include_tax_in_statistics", 1)
	tree = tree_statistics(dataset.fiscal_year, dataset.company)
	expected = {
		kind: {"count": count, "amount": amount} for kind, (count, amount, _periods) in EXPECTED_GROUP.items()
	}
	assert tree[dataset.group] == tree[dataset.parent] == expected
	assert tree[get_root_of("Customer Group")]["Invoice"] == {"count": 3, "amount": 2060}
