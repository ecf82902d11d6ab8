"""Writers on the primary while the three reports run in a loop on a read replica (issue 23), against the
same reports on the primary (the stock way: a site without a replica), in the same run.

Eight logged-in sessions submit invoices over REST (each a ledger posting under its customer's lock) for a
fixed time; two more sessions run Customer Group Statistics, Customer Group Trends and Sales Target Variance
in a loop. Printed: the writers' throughput alone, with the reports on the replica and with the reports on
the primary; the reports' latency alone and beside the writers, on the replica and on the primary.

dev/replica.sh makes the primary, the replica and a copy of the test site on them; the data (a company,
customers and their invoices) is made on the test site, copied, and removed from the test site again.
Run from the repo, after dev/setup.sh:
    .bench/frappe-bench/env/bin/python benchmarks/replica.py [--seconds 20] [--writers 8] [--readers 2]
        [--customers 40] [--invoices 5]
"""

import argparse
import json
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import frappe

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from benchmarks.common import start_server
from tests.conftest import ADMIN_PASSWORD, SITE, connect_site, set_site_config
from tests.fixtures import make_customer
from tests.receivables import invoice, make_fiscal_year, purge, purge_masters, setup_customer
from tests.users import http_session

REPORTS = ("Customer Group Statistics", "Customer Group Trends", "Sales Target Variance")


def make_data(customers: int, invoices: int) -> frappe._dict:
	data = setup_customer()
	data.fiscal_year = make_fiscal_year()
	data.customers = [data.customer] + [make_customer(data.group).name for _ in range(customers - 1)]
	data.invoices = [
		invoice(customer, data.company, data.item, rate=random.randint(50, 500)).name
		for customer in data.customers
		for _ in range(invoices)
	]
	frappe.db.commit()
	return data


def remove_data(data) -> None:
	frappe.db.rollback()
	purge("Sales Invoice", data.invoices)
	purge_masters(data.customers, [data.group], [data.item], [data.company])
	frappe.db.commit()


def replica_script(*arguments: str) -> str:
	result = subprocess.run(
		["bash", str(REPO / "dev" / "replica.sh"), *arguments], capture_output=True, text=True
	)
	if result.returncode:
		sys.exit(f"dev/replica.sh {' '.join(arguments)} failed:\n{result.stdout}{result.stderr}")
	return result.stdout.strip().splitlines()[-1]


def writer(url: str, data, stop: threading.Event, counts: list, errors: list) -> None:
	session = http_session(url, "Administrator", ADMIN_PASSWORD)
	rng = random.Random()
	done = 0
	while not stop.is_set():
		response = session.post(
			f"{url}/api/resource/Sales Invoice",
			json={
				"customer": rng.choice(data.customers),
				"company": data.company,
				"posting_date": "2026-02-01",
				"items": [{"item_code": data.item, "qty": 1, "rate": rng.randint(10, 90)}],
				"docstatus": 1,
			},
		)
		if response.status_code == 200:
			done += 1
			data.made.append(response.json()["data"]["name"])
		else:
			errors.append(response.status_code)
	counts.append(done)


def reader(url: str, data, stop: threading.Event, times: list, errors: list) -> None:
	session = http_session(url, "Administrator", ADMIN_PASSWORD)
	filters = {"fiscal_year": data.fiscal_year, "company": data.company}
	while not stop.is_set():
		for report in REPORTS:
			start = time.perf_counter()
			response = session.post(
				f"{url}/api/method/frappe.desk.query_report.run",
				json={"report_name": report, "filters": filters},
			)
			times.append(time.perf_counter() - start)
			if response.status_code != 200:
				errors.append(response.status_code)


def run(url: str, data, seconds: float, writers: int, readers: int) -> dict:
	stop, counts, times, errors = threading.Event(), [], [], []
	threads = [
		threading.Thread(target=writer, args=(url, data, stop, counts, errors)) for _ in range(writers)
	]
	threads += [
		threading.Thread(target=reader, args=(url, data, stop, times, errors)) for _ in range(readers)
	]
	for thread in threads:
		thread.start()
	time.sleep(seconds)
	stop.set()
	for thread in threads:
		thread.join(timeout=120)
	return {
		"writes/s": sum(counts) / seconds if writers else None,
		"report median s": statistics.median(times) if times else None,
		"reports": len(times),
		"errors": errors,
	}


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--seconds", type=float, default=20)
	parser.add_argument("--writers", type=int, default=8)
	parser.add_argument("--readers", type=int, default=2)
	parser.add_argument("--customers", type=int, default=40)
	parser.add_argument("--invoices", type=int, default=5)
	arguments = parser.parse_args()

	connect_site()
	print(f"data: {arguments.customers} customers x {arguments.invoices} invoices on {SITE}, then copied")
	data = make_data(arguments.customers, arguments.invoices)
	try:
		site = replica_script("start", SITE)
	finally:
		remove_data(data)
	data.made = []
	process, url = start_server(site, "wsgi")
	try:
		scenarios = [
			("writers alone", True, arguments.writers, 0),
			("reports alone, replica", True, 0, arguments.readers),
			("reports alone, primary (stock)", False, 0, arguments.readers),
			("writers + reports on the replica", True, arguments.writers, arguments.readers),
			("writers + reports on the primary (stock)", False, arguments.writers, arguments.readers),
		]
		results = {}
		for label, on_replica, writers, readers in scenarios:
			set_site_config({"read_from_replica": int(on_replica)}, site)
			results[label] = run(url, data, arguments.seconds, writers, readers)
			figures = results[label]
			print(
				f"  {label}: writes/s {figures['writes/s'] or '-'}  report median {figures['report median s'] or '-'}"
				f" s ({figures['reports']} runs)  errors {len(figures['errors'])}"
			)
		set_site_config({"read_from_replica": 1}, site)
		alone = results["writers alone"]["writes/s"]
		for label in ("writers + reports on the replica", "writers + reports on the primary (stock)"):
			print(f"  {label}: writer throughput {results[label]['writes/s'] / alone:.2f} x alone")
		for kind in ("replica", "primary (stock)"):
			quiet = results[f"reports alone, {kind}"]["report median s"]
			busy = results[
				f"writers + reports on the {kind.split()[0]}" + (" (stock)" if "stock" in kind else "")
			]
			print(f"  reports on the {kind}: {busy['report median s'] / quiet:.2f} x their time alone")
	finally:
		process.terminate()
		replica_script("stop")


if __name__ == "__main__":
	main()
