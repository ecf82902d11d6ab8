"""8 people at once over HTTP: tree writes (insert, move, delete on Customer Group and Territory) and
customer creation (homonyms included), against this app's tree writers and against Frappe's stock
NestedSet writes, in the same run, on the test site.

    .bench/frappe-bench/env/bin/python benchmarks/concurrent_writes.py [--sessions 8] [--ops 30]

Each side gets its own gunicorn (2 workers x 4 threads, as `make serve`); the stock side serves
`benchmarks/stock_nestedset_wsgi.py`, which puts the controllers on Frappe's NestedSet. Prints ops/s,
p50/p95 latency, 2xx/4xx/5xx counts and whether each tree is still exact afterwards.
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import frappe
from frappe.utils.nestedset import get_root_of
from frappe.utils.password import update_password

from benchmarks import common
from crm_app.compat import frappe_rebuild_tree
from tests.conftest import SITE, connect_site
from tests.trees import NAME_FIELD, assert_tree_valid, unique
from tests.users import make_user, remove_user

PASSWORD = "Bench-pass-1234!"
TREES = ["Customer Group", "Territory"]


def start_server(stock: bool):
	return common.start_server(SITE, "stock_nestedset_wsgi" if stock else "wsgi")


def tops() -> dict[str, str]:
	made = {}
	for doctype in TREES:
		made[doctype] = (
			frappe.get_doc(
				{
					"doctype": doctype,
					NAME_FIELD[doctype]: unique("Bench"),
					"parent_" + frappe.scrub(doctype): get_root_of(doctype),
					"is_group": 1,
				}
			)
			.insert()
			.name
		)
	frappe.db.commit()
	return made


def load(url: str, users: list[str], ops: int, top: dict[str, str]):
	latencies, codes = [], Counter()
	shared = threading.Lock()
	state = {doctype: {"groups": [top[doctype]], "nodes": []} for doctype in TREES}
	customer_base = unique("Homonym")
	customers = []

	def worker(user, seed):
		rng = random.Random(seed)
		session = requests.Session()
		session.post(f"{url}/api/method/login", data={"usr": user, "pwd": PASSWORD})
		for step in range(ops):
			doctype = rng.choice(TREES)
			field = "parent_" + frappe.scrub(doctype)
			with shared:
				tree = state[doctype]
				parent = rng.choice(tree["groups"])
				node = rng.choice(tree["nodes"]) if tree["nodes"] else None
			choice = rng.random()
			start = time.perf_counter()
			if choice < 0.2:
				response = session.post(f"{url}/api/resource/Customer", json={"customer_name": customer_base})
				if response.ok:
					with shared:
						customers.append(response.json()["data"]["name"])
			elif choice < 0.6 or not node:
				is_group = int(rng.random() < 0.35)
				response = session.post(
					f"{url}/api/resource/{doctype}",
					json={
						NAME_FIELD[doctype]: unique(f"b{seed}-{step}"),
						field: parent,
						"is_group": is_group,
					},
				)
				if response.ok:
					with shared:
						tree["nodes"].append(response.json()["data"]["name"])
						if is_group:
							tree["groups"].append(response.json()["data"]["name"])
			elif choice < 0.85:
				response = session.put(f"{url}/api/resource/{doctype}/{node}", json={field: parent})
			else:
				response = session.delete(f"{url}/api/resource/{doctype}/{node}")
				if response.status_code == 202:
					with shared:
						if node in tree["nodes"]:
							tree["nodes"].remove(node)
						if node in tree["groups"]:
							tree["groups"].remove(node)
			elapsed = time.perf_counter() - start
			with shared:
				latencies.append(elapsed)
				codes[f"{response.status_code // 100}xx"] += 1

	threads = [threading.Thread(target=worker, args=(u, i)) for i, u in enumerate(users)]
	start = time.perf_counter()
	for thread in threads:
		thread.start()
	for thread in threads:
		thread.join()
	wall = time.perf_counter() - start
	return wall, latencies, codes, customers


def tree_state() -> str:
	frappe.db.rollback()
	verdicts = []
	for doctype in [*TREES, "Customer"]:
		try:
			assert_tree_valid(doctype)
			verdicts.append(f"{doctype} exact")
		except AssertionError:
			verdicts.append(f"{doctype} CORRUPT")
	return ", ".join(verdicts)


def cleanup(top: dict[str, str], customers: list[str]) -> None:
	frappe.db.rollback()
	for name in customers:
		frappe.db.delete("Customer", {"name": name})
	for doctype, name in top.items():
		field = "parent_" + frappe.scrub(doctype)
		# the stock side may have left the tree corrupt: remove by parent links, then rebuild
		doomed, frontier = set(), [name]
		while frontier:
			doomed.update(frontier)
			frontier = frappe.get_all(doctype, filters={field: ("in", frontier)}, pluck="name")
		frappe.db.delete(doctype, {"name": ("in", list(doomed))})
		frappe_rebuild_tree(doctype)
	frappe_rebuild_tree("Customer")
	frappe.db.commit()


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--sessions", type=int, default=8)
	parser.add_argument("--ops", type=int, default=30, help="operations per session")
	args = parser.parse_args()
	connect_site()
	frappe.set_user("Administrator")
	users = []
	for index in range(args.sessions):
		user = make_user("CRM Manager" if index % 2 == 0 else "Sales User")
		update_password(user, PASSWORD)
		users.append(user)
	frappe.db.commit()
	print(
		f"{args.sessions} sessions x {args.ops} operations over HTTP (tree inserts/moves/deletes, customers)"
	)
	try:
		for label, stock in (("stock NestedSet", True), ("crm_app TreeNode", False)):
			process, url = start_server(stock)
			top = tops()
			try:
				wall, latencies, codes, customers = load(url, users, args.ops, top)
			finally:
				process.terminate()
				process.wait(timeout=30)
			ops = len(latencies)
			p50 = statistics.median(latencies) * 1000
			p95 = statistics.quantiles(latencies, n=20)[18] * 1000
			names_distinct = len(set(customers)) == len(customers)
			print(
				f"  {label:17} {ops / wall:6.1f} ops/s ({codes['2xx'] / wall:5.1f} done/s)  p50 {p50:6.0f} ms  p95 {p95:6.0f} ms  "
				f"{dict(sorted(codes.items()))}  customers {len(customers)} "
				f"(names distinct: {names_distinct})  {tree_state()}"
			)
			cleanup(top, customers)
	finally:
		for user in users:
			remove_user(user)
		frappe.db.commit()


if __name__ == "__main__":
	main()
