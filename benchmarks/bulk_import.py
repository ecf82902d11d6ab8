"""Time the app's bulk import of customers on a 3-level customer group tree, side by side in the same run
with Frappe's Data Import (on a sample: it is too slow for the whole file) and with a raw multi-row
INSERT of the same rows (the floor: no checks, names and bounds computed in advance); then a customer
group tree given in shuffled order (children before parents).

Run from the repo (after `make test` or dev/setup.sh):
    .bench/frappe-bench/env/bin/python benchmarks/bulk_import.py [--customers 100000] [--sample 2000]

Works on the test site (FRAPPE_SITE, default test.localhost); removes what it made when it ends.
"""

import argparse
import random
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import frappe
from frappe.utils.nestedset import get_root_of

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from benchmarks.common import insert_rows
from crm_app.csv_files import write_csv
from crm_app.data_transfer.importer import import_files
from crm_app.tree_rebuild import rebuild_tree
from tests.conftest import connect_site

PREFIX = "_Bench IMP "


def group_rows(top: int, middle: int, leaves: int) -> list[list]:
	root = get_root_of("Customer Group")
	rows = [[f"{PREFIX}G{i}", root, 1] for i in range(top)]
	rows += [[f"{PREFIX}G{top + i}", f"{PREFIX}G{i % top}", 1] for i in range(middle)]
	rows += [[f"{PREFIX}L{i}", f"{PREFIX}G{top + i % middle}", 0] for i in range(leaves)]
	return rows


def customer_rows(count: int, leaves: int) -> list[list]:
	rng = random.Random(11)
	# one name in twenty is a homonym of another row: the import names it `Name-1`
	return [
		[
			f"{PREFIX}C{i if rng.random() > 0.05 else rng.randrange(max(i, 1))}",
			rng.choice(["Company", "Individual"]),
			f"{PREFIX}L{rng.randrange(leaves)}",
		]
		for i in range(count)
	]


def cleanup() -> None:
	frappe.db.rollback()
	frappe.db.sql("delete from `tabCustomer` where name like %s", PREFIX + "%")
	frappe.db.sql("delete from `tabCustomer Group` where name like %s", PREFIX + "%")
	frappe.db.sql(
		"delete from `tabData Import` where reference_doctype = 'Customer' and import_file like %s", "%bench%"
	)
	frappe.db.commit()
	rebuild_tree("Customer Group")
	rebuild_tree("Customer")
	frappe.db.commit()


def time_app_import(groups, customers, traced: bool = False) -> tuple[float, float, dict]:
	"""The app's import, committed; with `traced`, the peak of Python memory too (tracing slows Python
	down, so the timed run is not traced)."""
	files = [
		(
			"Customer Group.csv",
			write_csv(["Customer Group Name", "Parent Customer Group", "Is Group"], groups),
		),
		("Customer.csv", write_csv(["Customer Name", "Customer Type", "Customer Group"], customers)),
	]
	if traced:
		tracemalloc.start()
	start = time.perf_counter()
	report = import_files(files)
	frappe.db.commit()
	elapsed = time.perf_counter() - start
	peak = tracemalloc.get_traced_memory()[1] / 2**20 if traced else 0.0
	tracemalloc.stop()
	assert not report["errors"], report["errors"][:5]
	return elapsed, peak, report


def remove_made() -> None:
	frappe.db.sql("delete from `tabCustomer` where name like %s", PREFIX + "%")
	frappe.db.sql("delete from `tabCustomer Group` where name like %s", PREFIX + "%")
	frappe.db.commit()


def time_data_import(sample: list[list]) -> float:
	"""Frappe's own importer (frappe.core Data Import), run in this process as its job would."""
	from frappe.core.doctype.data_import.importer import Importer

	# without the byte-order mark the app's CSVs carry for Excel: Frappe's reader takes it for a letter
	content = write_csv(["Customer Name", "Customer Type", "Customer Group"], sample).decode("utf-8-sig")
	file = frappe.get_doc(
		{"doctype": "File", "file_name": "bench-customers.csv", "content": content, "is_private": 1}
	).insert()
	data_import = frappe.get_doc(
		{
			"doctype": "Data Import",
			"reference_doctype": "Customer",
			"import_type": "Insert New Records",
			"import_file": file.file_url,
		}
	).insert()
	frappe.db.commit()
	start = time.perf_counter()
	Importer("Customer", data_import=data_import).import_data()
	frappe.db.commit()
	elapsed = time.perf_counter() - start
	imported = frappe.db.count("Customer", {"name": ("like", PREFIX + "S%")})
	assert imported == len(sample), f"Data Import wrote {imported} of {len(sample)} rows"
	return elapsed


def time_raw_insert(customers: list[list]) -> float:
	"""The same rows, names and bounds given, in plain multi-row INSERTs of 5,000: what no import beats."""
	start_bound = (frappe.db.sql("select ifnull(max(rgt), 0) from `tabCustomer`")[0][0] or 0) + 1
	rows = [
		(
			f"{PREFIX}R{i}",
			name,
			kind,
			group,
			"Rest Of The World",
			start_bound + 2 * i,
			start_bound + 2 * i + 1,
		)
		for i, (name, kind, group) in enumerate(customers)
	]
	fields = ["name", "customer_name", "customer_type", "customer_group", "territory", "lft", "rgt"]
	start = time.perf_counter()
	for i in range(0, len(rows), 5000):
		insert_rows("Customer", fields, rows[i : i + 5000])
	frappe.db.commit()
	return time.perf_counter() - start


def time_shuffled_tree(nodes: int) -> float:
	rng = random.Random(5)
	root = get_root_of("Customer Group")
	rows, groups = [], [root]
	for i in range(nodes):
		name = f"{PREFIX}T{i}"
		is_group = int(rng.random() < 0.25)
		rows.append([name, rng.choice(groups), is_group])
		if is_group:
			groups.append(name)
	rng.shuffle(rows)  # children before their parents
	file = (
		"Customer Group.csv",
		write_csv(["Customer Group Name", "Parent Customer Group", "Is Group"], rows),
	)
	start = time.perf_counter()
	report = import_files([file])
	frappe.db.commit()
	assert not report["errors"], report["errors"][:5]
	return time.perf_counter() - start


def main():
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--customers", type=int, default=100000)
	parser.add_argument("--sample", type=int, default=2000, help="rows given to Frappe's Data Import")
	parser.add_argument("--tree", type=int, default=20000, help="customer groups in the shuffled tree")
	parser.add_argument("--repeat", type=int, default=3, help="timed runs of the app's import")
	args = parser.parse_args()

	connect_site()
	frappe.flags.in_test = False
	cleanup()
	try:
		groups = group_rows(10, 50, 250)
		customers = customer_rows(args.customers, 250)
		runs = []
		for _ in range(args.repeat):
			elapsed, _peak, report = time_app_import(groups, customers)
			runs.append(elapsed)
			remove_made()
		app = statistics.median(runs)
		# memory, traced, for a fifth of the file and for the whole: what grows is a name per row
		small = customers[: len(customers) // 5]
		_time, small_peak, _report = time_app_import(groups, small, traced=True)
		remove_made()
		_time, peak, _report = time_app_import(groups, customers, traced=True)
		sample = [
			[f"{PREFIX}S{i}", kind, group] for i, (_name, kind, group) in enumerate(customers[: args.sample])
		]
		stock = time_data_import(sample)
		raw = time_raw_insert(customers)
		remove_made()
		tree = time_shuffled_tree(args.tree)
	finally:
		cleanup()
		frappe.destroy()

	n = args.customers
	app_rate, stock_rate = n / app, args.sample / stock
	print(f"Import of {n} customers on a 3-level group tree ({len(groups)} groups), committed")
	print(f"  crm_app import:            {app:8.2f} s  {app_rate:8.0f} rows/s  median of {runs}")
	print(
		f"  peak Python memory of the import: {small_peak:.0f} MiB for {len(small)} rows, {peak:.0f} MiB for {n}"
		f" ({(peak - small_peak) * 2**20 / (n - len(small)):.0f} bytes per row more)"
	)
	print(
		f"  Frappe Data Import ({args.sample}): {stock:8.2f} s  {stock_rate:8.0f} rows/s  ({n / stock_rate:.0f} s for {n})"
	)
	print(f"  raw multi-row INSERT:      {raw:8.2f} s  {n / raw:8.0f} rows/s")
	print(f"  ratio crm_app / Data Import (rows/s): {app_rate / stock_rate:.0f}x")
	print(f"  ratio crm_app / raw INSERT (time):    {app / raw:.1f}x")
	print(f"  created: {report['created']}")
	print(f"Customer group tree of {args.tree} nodes in shuffled order: {tree:.2f} s")


if __name__ == "__main__":
	main()
