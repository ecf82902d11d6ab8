"""The target-against-actual report for one fiscal year with 1,000 territories, 200 item groups,
2,000 target nodes and 1,000,000 invoice lines; side by side with the stock way (one aggregate query per
target over the invoice lines, its subtrees expanded), in the same run. Both must agree.

Run from the repo (after `make test` or dev/setup.sh):
    .bench/frappe-bench/env/bin/python benchmarks/sales_target_variance.py [--lines 1000000] [--repeat 5] [--keep]

Works on the test site (FRAPPE_SITE, default test.localhost); data made with MariaDB's sequence engine,
removed at the end unless --keep.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

import frappe
from frappe.utils.nestedset import get_root_of

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from benchmarks.common import insert_rows, timed
from crm_app.compat import frappe_rebuild_tree
from crm_app.sales_targets.actuals import dimension_filter, rebuild_actuals
from crm_app.sales_targets.report.sales_target_variance.sales_target_variance import (
	execute as variance_report,
)
from crm_app.sales_targets.variance import target_vs_actual
from tests.conftest import connect_site

P = "_BSTV"  # prefix of everything made here
FY = f"{P} 2026"
COUNTRIES, REGIONS_PER_COUNTRY = 10, 99  # 10 + 990 territories
FAMILIES, GROUPS_PER_FAMILY = 10, 19  # 10 + 190 item groups
LEAF_TARGETS_PER_BRANCH = 19  # 10 countries x 10 families x 19 = 1,900 leaf targets
LINES_PER_INVOICE = 5


def tree_rows(root, top, leaves_per_top, prefix):
	rows = []
	for t in range(top):
		group = f"{prefix}{t}"
		rows.append((group, group, root, 1))
		rows += [(f"{group}-{i}", f"{group}-{i}", group, 0) for i in range(leaves_per_top)]
	return rows


def make_data(lines: int) -> None:
	insert_rows(
		"Territory",
		["name", "territory_name", "parent_territory", "is_group"],
		tree_rows(get_root_of("Territory"), COUNTRIES, REGIONS_PER_COUNTRY, f"{P}T"),
	)
	insert_rows(
		"Item Group",
		["name", "item_group_name", "parent_item_group", "is_group"],
		tree_rows(get_root_of("Item Group"), FAMILIES, GROUPS_PER_FAMILY, f"{P}I"),
	)
	frappe_rebuild_tree("Territory")
	frappe_rebuild_tree("Item Group")
	frappe.get_doc(
		{"doctype": "Company", "company_name": f"{P} Co", "abbr": "BSTV", "default_currency": "EUR"}
	).insert()
	frappe.get_doc(
		{"doctype": "Fiscal Year", "year": FY, "year_start_date": "2026-01-01", "year_end_date": "2026-12-31"}
	).insert()
	invoices = lines // LINES_PER_INVOICE
	region = f"concat('{P}T', (seq % {COUNTRIES * REGIONS_PER_COUNTRY}) div {REGIONS_PER_COUNTRY}, '-', (seq % {COUNTRIES * REGIONS_PER_COUNTRY}) % {REGIONS_PER_COUNTRY})"
	frappe.db.sql(
		f"""insert into `tabSales Invoice` (name, customer, company, posting_date, currency, territory,
			customer_group, docstatus, status, grand_total, creation, modified, owner, modified_by)
		select concat('{P}SI', seq), concat('{P}C', seq % 10000), '{P} Co',
			'2026-01-01' + interval (seq % 365) day, 'EUR', {region}, 'Commercial', 1, 'Paid', 0,
			now(), now(), 'Administrator', 'Administrator'
		from seq_0_to_{invoices - 1}"""
	)
	group = f"concat('{P}I', (seq * 7 % {FAMILIES * GROUPS_PER_FAMILY}) div {GROUPS_PER_FAMILY}, '-', (seq * 7 % {FAMILIES * GROUPS_PER_FAMILY}) % {GROUPS_PER_FAMILY})"
	frappe.db.sql(
		f"""insert into `tabSales Invoice Item` (name, parent, parenttype, parentfield, idx, item_code,
			item_group, qty, rate, amount, creation, modified, owner, modified_by)
		select concat('{P}SII', seq), concat('{P}SI', seq div {LINES_PER_INVOICE}), 'Sales Invoice', 'items',
			1 + seq % {LINES_PER_INVOICE}, concat('{P}ITEM', seq % 2000), {group},
			1 + seq % 4, 10 + seq % 50, (1 + seq % 4) * (10 + seq % 50), now(), now(), 'Administrator', 'Administrator'
		from seq_0_to_{invoices * LINES_PER_INVOICE - 1}"""
	)
	# targets: country groups (adding up) > country x family (own target) > region x family leaves
	root, rows = get_root_of("Sales Target"), []
	for c in range(COUNTRIES):
		country = f"{P}S{c}"
		rows.append((country, country, root, 1, 1, None, None, None, 0))
		for f in range(FAMILIES):
			branch = f"{country}-{f}"
			rows.append((branch, branch, country, 1, 0, FY, f"{P}T{c}", f"{P}I{f}", 500_000))
			for r in range(LEAF_TARGETS_PER_BRANCH):
				leaf = f"{branch}-{r}"
				rows.append(
					(leaf, leaf, branch, 0, 0, FY, f"{P}T{c}-{r}", f"{P}I{f}-{r % GROUPS_PER_FAMILY}", 10_000)
				)
	insert_rows(
		"Sales Target",
		[
			"name",
			"sales_target_name",
			"parent_sales_target",
			"is_group",
			"use_children_total",
			"fiscal_year",
			"territory",
			"item_group",
			"target_amount",
		],
		rows,
	)
	frappe_rebuild_tree("Sales Target")
	frappe.db.commit()


def stock_way() -> dict:
	"""One query per own-target node over the invoice lines, with its subtrees expanded."""
	result = {}
	targets = frappe.get_all(
		"Sales Target",
		filters={"fiscal_year": FY, "use_children_total": 0},
		fields=["name", "territory", "customer_group", "sales_person", "item_group"],
	)
	for target in targets:
		where, values = dimension_filter(target, "2026-01-01", "2026-12-31")
		result[target.name] = frappe.db.sql(
			f"""select ifnull(sum(item.amount), 0) from `tabSales Invoice Item` item
			join `tabSales Invoice` si on si.name = item.parent and item.parenttype = 'Sales Invoice'
			where si.docstatus = 1 {where}""",
			values,
		)[0][0]
	return result


def cleanup():
	frappe.db.rollback()
	for doctype, field in (
		("Sales Target Actual", "sales_target"),
		("Sales Target", "name"),
		("Sales Invoice Item", "name"),
		("Sales Invoice", "name"),
		("Territory", "name"),
		("Item Group", "name"),
		("Fiscal Year", "name"),
		("Company", "name"),
	):
		frappe.db.sql(f"delete from `tab{doctype}` where `{field}` like %s", f"{P}%")
	for doctype in ("Territory", "Item Group", "Sales Target"):
		frappe_rebuild_tree(doctype)
	frappe.db.commit()


def main():
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--lines", type=int, default=1_000_000)
	parser.add_argument("--repeat", type=int, default=5)
	parser.add_argument("--keep", action="store_true")
	args = parser.parse_args()

	connect_site()
	try:
		made = frappe.db.sql(f"select count(*) from `tabSales Invoice Item` where name like '{P}%%'")[0][0]
		if made != args.lines:
			cleanup()
			start = time.perf_counter()
			make_data(args.lines)
			print(f"made {args.lines} invoice lines in {time.perf_counter() - start:.1f} s")
			start = time.perf_counter()
			rebuild_actuals()
			frappe.db.commit()
			print(
				f"counted every target's actuals from all lines in {time.perf_counter() - start:.1f} s (batch, once)"
			)
		targets = frappe.db.count("Sales Target", {"name": ("like", f"{P}%")})
		print(
			f"target against actual, fiscal year 2026: {frappe.db.count('Territory')} territories, "
			f"{frappe.db.count('Item Group')} item groups, {targets} target nodes, {args.lines} invoice lines"
		)
		ours, _report = timed(
			"crm_app report (monthly, whole tree)",
			lambda: variance_report({"fiscal_year": FY, "period": "Monthly"}),
			args.repeat,
		)
		timed("crm_app API (quarterly)", lambda: target_vs_actual(FY, "Quarterly"), args.repeat)
		stock, per_target = timed("stock way: one query per target", stock_way, 1)
		nodes = {n["sales_target"]: n for n in target_vs_actual(FY, "Yearly")["nodes"]}
		mismatches = [
			n
			for n, amount in per_target.items()
			if abs(nodes[n]["total"]["actual_amount"] - float(amount)) > 0.01
		]
		assert not mismatches, f"{len(mismatches)} targets differ, e.g. {mismatches[:3]}"
		print(
			f"  same actuals both ways for {len(per_target)} targets; ratio stock / crm_app: {stock / ours:.1f}x"
		)
	finally:
		if not args.keep:
			cleanup()
		frappe.destroy()


if __name__ == "__main__":
	main()
