"""Time the bulk "values in force" call for 10,000 customers spread over a 5-level customer group tree,
side by side with the stock Frappe way (per customer: read it, then walk its group chain with
frappe.db.get_value), in the same run.

Run from the repo (after `make test` or dev/setup.sh):
    .bench/frappe-bench/env/bin/python benchmarks/effective_defaults.py [--customers 10000] [--repeat 5]

Works on the test site (FRAPPE_SITE, default test.localhost); removes what it made when it ends.
"""

import argparse
import random
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
from crm_app.customers.defaults import get_effective_defaults
from tests.conftest import connect_site

PREFIX = "_Bench ED "
BRANCHING = 3  # 1 + 3 + 9 + 27 + 81 groups: 5 levels
LEVELS = 5


def build_data(customer_count: int) -> tuple[list[str], list[str]]:
	rng = random.Random(11)
	company = frappe.get_doc(
		{"doctype": "Company", "company_name": f"{PREFIX}Company", "abbr": "BEDC", "default_currency": "EUR"}
	).insert()
	price_lists = [f"{PREFIX}PL {i}" for i in range(5)]
	insert_rows(
		"Price List",
		["name", "price_list_name", "currency", "selling", "enabled"],
		[(p, p, "EUR", 1, 1) for p in price_lists],
	)

	groups, level = [], [get_root_of("Customer Group")]
	for depth in range(LEVELS):
		next_level = []
		for parent in level:
			for _ in range(BRANCHING if depth else 1):
				name = f"{PREFIX}G{depth}-{len(groups)}"
				is_group = int(depth < LEVELS - 1)
				price_list = rng.choice(price_lists) if rng.random() < 0.3 else None
				groups.append((name, name, parent, is_group, price_list, 0, 0))
				next_level.append(name)
		level = next_level
	leaves = level
	insert_rows(
		"Customer Group",
		[
			"name",
			"customer_group_name",
			"parent_customer_group",
			"is_group",
			"default_price_list",
			"lft",
			"rgt",
		],
		groups,
	)
	limits = [
		(
			frappe.generate_hash(length=10),
			g[0],
			"Customer Group",
			"credit_limits",
			1,
			company.name,
			"EUR",
			rng.randint(1, 100) * 100,
		)
		for g in groups
		if rng.random() < 0.3
	]
	insert_rows(
		"Customer Credit Limit",
		["name", "parent", "parenttype", "parentfield", "idx", "company", "currency", "credit_limit"],
		limits,
	)
	customers = []
	for i in range(customer_count):
		name = f"{PREFIX}C{i}"
		own = rng.choice(price_lists) if rng.random() < 0.1 else None
		customers.append(
			(name, name, "Company", rng.choice(leaves), own, 2 * i + 1_000_000, 2 * i + 1_000_001)
		)
	insert_rows(
		"Customer",
		["name", "customer_name", "customer_type", "customer_group", "default_price_list", "lft", "rgt"],
		customers,
	)
	frappe_rebuild_tree("Customer Group")
	frappe.db.commit()
	return [c[0] for c in customers], [g[0] for g in groups]


def stock_way(names: list[str]) -> dict:
	"""What a controller does per customer in stock Frappe/ERPNext, with the chain walked too."""
	result = {}
	for name in names:
		own, group = frappe.db.get_value("Customer", name, ["default_price_list", "customer_group"])
		value = own
		while not value and group:
			value, group = frappe.db.get_value(
				"Customer Group", group, ["default_price_list", "parent_customer_group"]
			)
		result[name] = value
	return result


def cleanup():
	frappe.db.rollback()
	frappe.db.sql("delete from `tabCustomer` where name like %s", PREFIX + "%")
	frappe.db.sql("delete from `tabCustomer Credit Limit` where parent like %s", PREFIX + "%")
	frappe.db.sql("delete from `tabCustomer Group` where name like %s", PREFIX + "%")
	frappe.db.sql("delete from `tabPrice List` where name like %s", PREFIX + "%")
	frappe.db.sql("delete from `tabCompany` where name like %s", PREFIX + "%")
	frappe_rebuild_tree("Customer Group")
	frappe.db.commit()


def main():
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--customers", type=int, default=10_000)
	parser.add_argument("--repeat", type=int, default=5)
	args = parser.parse_args()

	connect_site()
	cleanup()
	try:
		names, groups = build_data(args.customers)
		queries = []
		original_sql = frappe.db.sql

		def counting_sql(*a, **kw):
			queries.append(a[0])
			return original_sql(*a, **kw)

		bulk_times = []
		for _ in range(args.repeat):
			queries.clear()
			frappe.db.sql = counting_sql
			start = time.perf_counter()
			bulk = get_effective_defaults(names)
			bulk_times.append(time.perf_counter() - start)
			frappe.db.sql = original_sql
		query_count = len(queries)

		stock_times = []
		for _ in range(max(1, args.repeat // 2)):
			start = time.perf_counter()
			stock = stock_way(names)
			stock_times.append(time.perf_counter() - start)
		mismatches = sum(1 for n in names if bulk[n]["values"]["default_price_list"]["value"] != stock[n])
		assert mismatches == 0, f"{mismatches} customers differ between the two ways"
	finally:
		frappe.db.sql = original_sql if "original_sql" in locals() else frappe.db.sql
		cleanup()
		frappe.destroy()

	bulk_median, stock_median = statistics.median(bulk_times), statistics.median(stock_times)
	print(f"values in force for {len(names)} customers, {len(groups)} groups on {LEVELS} levels")
	print(
		f"  crm_app bulk call: median {bulk_median:.3f} s over {len(bulk_times)} runs, {query_count} queries"
	)
	print(
		f"  stock per-customer get_value walk (price list only): median {stock_median:.3f} s over {len(stock_times)} runs"
	)
	print(
		f"  ratio stock / bulk: {stock_median / bulk_median:.1f}x (bulk also resolves terms, accounts, limits)"
	)


if __name__ == "__main__":
	main()
