"""Time Frappe's rebuild_tree on Customer Group with this app's index on the parent link, side by side
with stock Frappe's schema (no index on the parent link), in the same run.

Run from the repo (after `make test` or dev/setup.sh):
    .bench/frappe-bench/env/bin/python benchmarks/rebuild_tree.py [--nodes 5000] [--repeat 3]

It works on the test site (FRAPPE_SITE, default test.localhost), adds the nodes under a benchmark group,
and removes them, restores the index and rebuilds the tree when it ends, even on failure.
"""

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

import frappe
from frappe.utils.nestedset import rebuild_tree

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from tests.conftest import connect_site

TABLE = "tabCustomer Group"
PARENT = "parent_customer_group"
PREFIX = "_Bench CG "


def make_nodes(count: int, root: str) -> None:
	rng = random.Random(7)
	groups = [f"{PREFIX}0"]
	rows = [(groups[0], root, 1)]
	for i in range(1, count):
		name = f"{PREFIX}{i}"
		is_group = int(rng.random() < 0.2)
		rows.append((name, rng.choice(groups), is_group))
		if is_group:
			groups.append(name)
	now = frappe.utils.now()
	frappe.db.bulk_insert(
		"Customer Group",
		[
			"name",
			"customer_group_name",
			PARENT,
			"is_group",
			"lft",
			"rgt",
			"creation",
			"modified",
			"owner",
			"modified_by",
		],
		[(n, n, p, g, 0, 0, now, now, "Administrator", "Administrator") for n, p, g in rows],
	)
	frappe.db.commit()


def parent_index_exists() -> bool:
	return bool(frappe.db.sql(f"show index from `{TABLE}` where Column_name = %s", PARENT))


def time_rebuild(repeat: int) -> list[float]:
	times = []
	for _ in range(repeat):
		start = time.perf_counter()
		rebuild_tree("Customer Group", PARENT)
		times.append(time.perf_counter() - start)
		frappe.db.commit()
	return times


def main():
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--nodes", type=int, default=5000)
	parser.add_argument("--repeat", type=int, default=3)
	args = parser.parse_args()

	connect_site()
	root = frappe.db.get_value("Customer Group", {PARENT: ("is", "not set")}, "name")
	assert parent_index_exists(), "run the app's migrate first: the parent link should be indexed"
	try:
		make_nodes(args.nodes, root)
		total = frappe.db.count("Customer Group")
		indexed = time_rebuild(args.repeat)
		frappe.db.sql_ddl(f"alter table `{TABLE}` drop index `{PARENT}`")
		stock = time_rebuild(args.repeat)
	finally:
		frappe.db.rollback()
		frappe.db.sql(f"delete from `{TABLE}` where name like %s", PREFIX + "%")
		frappe.db.commit()
		if not parent_index_exists():
			frappe.db.sql_ddl(f"alter table `{TABLE}` add index `{PARENT}` (`{PARENT}`)")
		rebuild_tree("Customer Group", PARENT)
		frappe.db.commit()
		frappe.destroy()

	print(f"rebuild_tree of Customer Group, {total} nodes, {args.repeat} runs each")
	print(f"  crm_app (parent link indexed): median {statistics.median(indexed):8.3f} s  runs {indexed}")
	print(f"  stock Frappe (no parent index): median {statistics.median(stock):8.3f} s  runs {stock}")
	print(f"  ratio stock / crm_app: {statistics.median(stock) / statistics.median(indexed):.1f}x")


if __name__ == "__main__":
	main()
