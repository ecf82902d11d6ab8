"""Time the app's one-pass tree rebuild against Frappe's rebuild_tree (with this app's index on the parent
link, and on stock Frappe's schema without it), on the same tree in the same run; then the one pass alone
on a larger tree.

Run from the repo (after `make test` or dev/setup.sh):
    .bench/frappe-bench/env/bin/python benchmarks/rebuild_tree.py [--nodes 20000] [--large 100000]

It works on the test site (FRAPPE_SITE, default test.localhost), adds the nodes under a benchmark group,
and removes them, restores the index and rebuilds the tree when it ends, even on failure.
"""

import argparse
import random
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import frappe

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from benchmarks.common import insert_rows
from crm_app.compat import frappe_rebuild_tree
from crm_app.tree_rebuild import check_tree
from crm_app.tree_rebuild import rebuild_tree as one_pass_rebuild
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
	insert_rows(
		"Customer Group",
		["name", "customer_group_name", PARENT, "is_group", "lft", "rgt"],
		[(n, n, p, g, 0, 0) for n, p, g in rows],
	)
	frappe.db.commit()


def parent_index_exists() -> bool:
	return bool(frappe.db.sql(f"show index from `{TABLE}` where Column_name = %s", PARENT))


def scramble() -> None:
	"""Zero the benchmark nodes' bounds, so every rebuild has the whole subtree to write."""
	frappe.db.sql(f"update `{TABLE}` set lft = 0, rgt = 0, old_parent = '' where name like %s", PREFIX + "%")
	frappe.db.commit()


def time_rebuild(rebuild, repeat: int) -> list[float]:
	times = []
	for _ in range(repeat):
		scramble()
		start = time.perf_counter()
		rebuild()
		times.append(time.perf_counter() - start)
		frappe.db.commit()
	assert not check_tree("Customer Group"), "the rebuilt tree is not exact"
	return times


def one_pass_with_peak_memory(repeat: int) -> tuple[list[float], float]:
	"""Timed runs, then one more under tracemalloc for the peak (tracing slows Python down)."""
	times = time_rebuild(lambda: one_pass_rebuild("Customer Group"), repeat)
	tracemalloc.start()
	time_rebuild(lambda: one_pass_rebuild("Customer Group"), 1)
	peak = tracemalloc.get_traced_memory()[1] / 2**20
	tracemalloc.stop()
	return times, peak


def main():
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--nodes", type=int, default=20000, help="tree size for the side-by-side run")
	parser.add_argument("--large", type=int, default=100000, help="tree size for the one-pass run alone")
	parser.add_argument("--repeat", type=int, default=3)
	parser.add_argument(
		"--stock-repeat", type=int, default=1, help="stock runs (minutes each at 20,000; 0 skips them)"
	)
	args = parser.parse_args()

	connect_site()
	root = frappe.db.get_value("Customer Group", {PARENT: ("is", "not set")}, "name")
	assert parent_index_exists(), "run the app's migrate first: the parent link should be indexed"
	stock_call = lambda: frappe_rebuild_tree("Customer Group")  # noqa: E731
	try:
		make_nodes(args.nodes, root)
		total = frappe.db.count("Customer Group")
		one_pass, peak = one_pass_with_peak_memory(args.repeat)
		indexed, stock = [float("nan")], [float("nan")]
		if args.stock_repeat:
			indexed = time_rebuild(stock_call, args.stock_repeat)
			frappe.db.sql_ddl(f"alter table `{TABLE}` drop index `{PARENT}`")
			stock = time_rebuild(stock_call, args.stock_repeat)
			frappe.db.sql_ddl(f"alter table `{TABLE}` add index `{PARENT}` (`{PARENT}`)")
		frappe.db.sql(f"delete from `{TABLE}` where name like %s", PREFIX + "%")
		make_nodes(args.large, root)
		large_total = frappe.db.count("Customer Group")
		large, large_peak = one_pass_with_peak_memory(args.repeat)
	finally:
		frappe.db.rollback()
		frappe.db.sql(f"delete from `{TABLE}` where name like %s", PREFIX + "%")
		frappe.db.commit()
		if not parent_index_exists():
			frappe.db.sql_ddl(f"alter table `{TABLE}` add index `{PARENT}` (`{PARENT}`)")
		one_pass_rebuild("Customer Group")
		frappe.db.commit()
		frappe.destroy()

	median = statistics.median
	print(f"Rebuild of the Customer Group tree, {total} nodes (every node's bounds to write)")
	print(f"  crm_app one pass:                  median {median(one_pass):8.3f} s  runs {one_pass}")
	print(f"  Frappe rebuild_tree, parent index: median {median(indexed):8.3f} s  runs {indexed}")
	print(f"  Frappe rebuild_tree, stock schema: median {median(stock):8.3f} s  runs {stock}")
	print(f"  ratio stock / one pass: {median(stock) / median(one_pass):.0f}x")
	print(f"  ratio stock with index / one pass: {median(indexed) / median(one_pass):.0f}x")
	print(f"  peak Python memory of the one pass: {peak:.1f} MiB")
	print(f"Rebuild of the Customer Group tree, {large_total} nodes, one pass")
	print(f"  crm_app one pass:                  median {median(large):8.3f} s  runs {large}")
	print(f"  peak Python memory of the one pass: {large_peak:.1f} MiB")


if __name__ == "__main__":
	main()
