"""Sales targets against hand-computed figures on a small fixed data set.

Territories: France > Grand-Est, Bretagne. Item groups: Goods > Tools (drill, 100), Paint (brush, 10).
Distribution "uneven": Jan 20 %, Feb 10, Mar 10, Apr-Sep 5 each, Oct-Dec 10 each.

Targets, fiscal year 2026 (three levels under the root):
    France            own target 10,000, uneven, territory France
        Grand-Est     adds up its children
            GE Tools  3,000 and 30 units, evenly, Grand-Est x Tools
            GE Paint  1,200, evenly, Grand-Est x Paint
        Bretagne      2,400, uneven, territory Bretagne

Invoices: A (Grand-Est) 2026-01-15: 2 drills + 5 brushes; credit note 2026-01-31: -1 drill;
B (Bretagne) 2026-02-10: 1 drill; A 2026-04-20: 3 drills.
"""

import calendar

import frappe
import pytest
from frappe.utils.nestedset import get_root_of

from crm_app.customers.validation import PercentageTotalError
from crm_app.sales_targets.actuals import invoice_lines_for_target, rebuild_actuals
from crm_app.sales_targets.targets import MissingTargetError
from crm_app.sales_targets.variance import InvalidPeriodError, target_vs_actual
from tests.fixtures import make_company, make_customer, make_group_chain
from tests.receivables import credit_note, invoice, make_fiscal_year, make_item
from tests.trees import make_node, unique

UNEVEN = [20, 10, 10, 5, 5, 5, 5, 5, 5, 10, 10, 10]


def make_distribution(percentages):
	doc = frappe.get_doc({"doctype": "Monthly Distribution", "distribution_id": unique("Distribution")})
	for month, percent in zip(calendar.month_name[1:], percentages, strict=True):
		doc.append("percentages", {"month": month, "percentage_allocation": percent})
	return doc.insert().name


def target(name, parent, is_group=0, **fields):
	return make_node("Sales Target", unique(name), parent, is_group=is_group, **fields).name


@pytest.fixture
def dataset():
	fy = make_fiscal_year("2026-01-01", "2026-12-31")
	company = make_company("EUR").name
	france = make_node("Territory", unique("France"), get_root_of("Territory"), is_group=1).name
	grand_est = make_node("Territory", unique("Grand-Est"), france).name
	bretagne = make_node("Territory", unique("Bretagne"), france).name
	goods = make_node("Item Group", unique("Goods"), get_root_of("Item Group"), is_group=1).name
	tools = make_node("Item Group", unique("Tools"), goods).name
	paint = make_node("Item Group", unique("Paint"), goods).name
	drill, brush = make_item(item_group=tools), make_item(item_group=paint)
	uneven = make_distribution(UNEVEN)
	group = make_group_chain(1)[0]
	a = make_customer(group, territory=grand_est).name
	b = make_customer(group, territory=bretagne).name

	root = get_root_of("Sales Target")
	t = frappe._dict()
	t.france = target(
		"France",
		root,
		is_group=1,
		use_children_total=0,
		fiscal_year=fy,
		territory=france,
		target_amount=10000,
		distribution_id=uneven,
	)
	t.grand_est = target("Grand-Est", t.france, is_group=1, use_children_total=1)
	t.ge_tools = target(
		"GE Tools",
		t.grand_est,
		fiscal_year=fy,
		territory=grand_est,
		item_group=tools,
		target_amount=3000,
		target_qty=30,
	)
	t.ge_paint = target(
		"GE Paint", t.grand_est, fiscal_year=fy, territory=grand_est, item_group=paint, target_amount=1200
	)
	t.bretagne = target(
		"Bretagne", t.france, fiscal_year=fy, territory=bretagne, target_amount=2400, distribution_id=uneven
	)

	inv1 = frappe.get_doc(
		{
			"doctype": "Sales Invoice",
			"customer": a,
			"company": company,
			"posting_date": "2026-01-15",
			"items": [
				{"item_code": drill, "qty": 2, "rate": 100},
				{"item_code": brush, "qty": 5, "rate": 10},
			],
		}
	).insert()
	inv1.submit()
	credit_note(inv1.name, drill, rate=100, qty=-1, posting_date="2026-01-31")
	invoice(b, company, drill, rate=100, qty=1, posting_date="2026-02-10")
	inv3 = invoice(a, company, drill, rate=100, qty=3, posting_date="2026-04-20")
	return frappe._dict(
		fy=fy, root=root, t=t, inv1=inv1, inv3=inv3, tools=tools, grand_est=grand_est, france=france
	)


def nodes(data, period):
	return {n["sales_target"]: n for n in target_vs_actual(data.fy, period, data.t.france)["nodes"]}


def test_monthly_targets_and_actuals_match_the_hand_count(dataset):
	result = nodes(dataset, "Monthly")
	tools = result[dataset.t.ge_tools]
	assert [p["target_amount"] for p in tools["periods"]] == [250] * 12
	assert [p["actual_amount"] for p in tools["periods"]][:4] == [100, 0, 0, 300]
	assert [p["actual_qty"] for p in tools["periods"]][:4] == [1, 0, 0, 3]
	assert tools["total"] | {} == {
		"target_qty": 30,
		"actual_qty": 4,
		"variance_qty": -26,
		"target_amount": 3000,
		"actual_amount": 400,
		"variance_amount": -2600,
		"achieved_pct": 13.3,
	}
	assert result[dataset.t.ge_paint]["total"]["actual_amount"] == 50
	bretagne = result[dataset.t.bretagne]
	assert [p["target_amount"] for p in bretagne["periods"]][:3] == [480, 240, 240]
	assert [p["actual_amount"] for p in bretagne["periods"]][:3] == [0, 100, 0]


def test_groups_roll_up_and_show_what_is_unallocated(dataset):
	result = nodes(dataset, "Quarterly")
	grand_est = result[dataset.t.grand_est]  # adds up GE Tools and GE Paint
	assert grand_est["total"]["target_amount"] == 4200
	assert [p["actual_amount"] for p in grand_est["periods"]] == [150, 300, 0, 0]
	assert grand_est["unallocated_amount"] is None
	france = result[dataset.t.france]  # own target: counts every line in France's subtree
	assert [p["target_amount"] for p in france["periods"]] == [4000, 1500, 1500, 3000]
	assert [p["actual_amount"] for p in france["periods"]] == [250, 300, 0, 0]
	assert [p["achieved_pct"] for p in france["periods"]] == [6.2, 20, 0, 0]
	assert france["unallocated_amount"] == 10000 - 4200 - 2400
	# the root adds up its children
	root = {n["sales_target"]: n for n in target_vs_actual(dataset.fy, "Yearly")["nodes"]}[dataset.root]
	assert root["total"]["target_amount"] >= 10000 and root["total"]["actual_amount"] >= 550


def test_half_years_and_the_year(dataset):
	half = nodes(dataset, "Half-Yearly")[dataset.t.france]
	assert [p["target_amount"] for p in half["periods"]] == [5500, 4500]
	year = nodes(dataset, "Yearly")[dataset.t.france]
	assert [(p["target_amount"], p["actual_amount"]) for p in year["periods"]] == [(10000, 550)]
	with pytest.raises(InvalidPeriodError):
		target_vs_actual(dataset.fy, "Weekly")


def test_counting_as_invoices_come_equals_a_recount_and_follows_cancellation(dataset):
	def actuals():
		return frappe.get_all(
			"Sales Target Actual",
			fields=["sales_target", "period_start", "qty", "amount"],
			order_by="sales_target, period_start",
		)

	kept = actuals()
	rebuild_actuals()
	assert actuals() == kept
	dataset.inv3.reload()
	dataset.inv3.cancel()
	assert nodes(dataset, "Yearly")[dataset.t.ge_tools]["total"]["actual_amount"] == 100


def test_moving_a_territory_out_of_the_subtree_changes_what_counts_after_a_recount(dataset):
	territory = frappe.get_doc("Territory", dataset.grand_est)
	territory.parent_territory = get_root_of("Territory")
	territory.save()
	rebuild_actuals()  # what the job queued by the move does
	assert (
		nodes(dataset, "Yearly")[dataset.t.france]["total"]["actual_amount"] == 100
	)  # Bretagne's drill only


def test_the_drill_down_lists_the_lines_behind_a_figure(dataset):
	lines = invoice_lines_for_target(dataset.t.ge_tools, "2026-01-01", "2026-01-31")
	assert sorted((line.qty, line.amount) for line in lines) == [(-1, -100), (2, 200)]
	assert {line.item_group for line in lines} == {dataset.tools}


def test_reports_give_the_same_figures(dataset):
	from crm_app.sales_targets.report.sales_target_invoices.sales_target_invoices import (
		execute as invoices_report,
	)
	from crm_app.sales_targets.report.sales_target_variance.sales_target_variance import (
		execute as variance_report,
	)

	_columns, data, _message, chart = variance_report(
		{"fiscal_year": dataset.fy, "period": "Quarterly", "sales_target": dataset.t.france}
	)
	rows = {row["sales_target"]: row for row in data}
	assert (rows[dataset.t.france]["actual_1"], rows[dataset.t.france]["target_1"]) == (250, 4000)
	assert rows[dataset.t.ge_tools]["indent"] == 2 and rows[dataset.t.france]["unallocated"] == 3400
	assert chart["data"]["datasets"][1]["values"] == [250, 300, 0, 0]
	_columns, lines = invoices_report(
		{"sales_target": dataset.t.ge_tools, "from_date": "2026-04-01", "to_date": "2026-06-30"}
	)
	assert [(line.qty, line.amount) for line in lines] == [(3, 300)]


def test_a_distribution_must_total_100_and_fills_evenly():
	with pytest.raises(PercentageTotalError):
		make_distribution([10] * 12)
	doc = frappe.get_doc({"doctype": "Monthly Distribution", "distribution_id": unique("Even")}).insert()
	assert [row.month for row in doc.percentages] == list(calendar.month_name[1:])
	assert round(sum(row.percentage_allocation for row in doc.percentages), 6) == 100


def test_a_target_needs_a_quantity_or_an_amount_and_a_fiscal_year():
	fy = make_fiscal_year("2027-01-01", "2027-12-31")
	root = get_root_of("Sales Target")
	with pytest.raises(MissingTargetError):
		make_node("Sales Target", unique("Empty"), root, fiscal_year=fy, target_qty=0)
	with pytest.raises(MissingTargetError):
		make_node("Sales Target", unique("No year"), root, target_amount=100, fiscal_year=None)
	# a group that adds up its children carries none
	group = make_node(
		"Sales Target", unique("Group"), root, is_group=1, use_children_total=1, target_amount=5
	)
	assert group.target_amount == 0


def test_the_territory_form_lists_its_targets_and_how_far_each_got(dataset):
	from crm_app.api.sales_targets import get_territory_targets

	rows = get_territory_targets(dataset.france)
	assert [(r["sales_target"], r["fiscal_year"]) for r in rows] == [(dataset.t.france, dataset.fy)]
	assert (rows[0]["total"]["target_amount"], rows[0]["total"]["actual_amount"]) == (10000, 550)
	assert rows[0]["unallocated_amount"] == 3400
	assert (
		get_territory_targets(dataset.france, fiscal_year=make_fiscal_year("2030-01-01", "2030-12-31")) == []
	)
