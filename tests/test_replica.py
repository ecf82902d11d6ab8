"""Reads from a read replica (issue 23): the app's reports, dry runs, previews, overview and exports run
under Frappe's `read_only()` and so, on a site with `read_from_replica`, read from the replica and write
nothing (the replica is read-only: a write there fails the call).

dev/replica.sh starts a MariaDB primary and its replica on loopback and a copy of the test site on them;
the test pauses the replica, writes on the primary over REST, and sees each call answer the replica's older
figures, then the primary's once the replica has caught up. Skipped, saying why, where the MariaDB server
binaries are missing."""

import json
import subprocess
from pathlib import Path
from types import SimpleNamespace

import frappe
import pytest
from frappe.utils.nestedset import get_root_of

from tests.conftest import ADMIN_PASSWORD, REPO, SITE, http_server, set_site_config
from tests.receivables import invoice, make_fiscal_year, purge, purge_masters, setup_customer
from tests.trees import unique
from tests.users import http_session

SCRIPT = REPO / "dev" / "replica.sh"


def replica_script(*arguments: str) -> str:
	result = subprocess.run(["bash", str(SCRIPT), *arguments], capture_output=True, text=True, timeout=600)
	if result.returncode == 3:
		pytest.skip(f"no read replica here: {result.stderr.strip()}")
	assert result.returncode == 0, result.stdout + result.stderr
	return result.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def world():
	"""A customer with a submitted invoice of 300 in a group of its own, committed before the copy."""
	data = setup_customer()
	data.fiscal_year = make_fiscal_year()
	data.territory_root = get_root_of("Territory")
	data.invoices = [invoice(data.customer, data.company, data.item, rate=300).name]
	frappe.db.commit()
	yield data
	frappe.db.rollback()
	purge("Sales Invoice", data.invoices)
	purge_masters([data.customer], [data.group], [data.item], [data.company])
	frappe.db.commit()


@pytest.fixture(scope="module")
def replica(world):
	site = replica_script("start", SITE)
	with http_server(site, "replica-server.log") as url:
		yield SimpleNamespace(site=site, url=url)
	replica_script("stop")


def call(session, url, method, **arguments):
	response = session.post(f"{url}/api/method/{method}", json=arguments)
	assert response.status_code == 200, f"{method}: {response.status_code} {response.text[:600]}"
	return response


def reads(session, url, world) -> dict:
	"""Each read of the app, as the desk and REST make it: what it answers, without timings."""
	api = "crm_app.api"

	def report(name, **filters):
		message = call(session, url, "frappe.desk.query_report.run", report_name=name, filters=filters).json()
		return message["message"]["result"]

	export = call(
		session,
		url,
		f"{api}.data_transfer.export_records",
		doctypes="Customer",
		filters={"customer_group": world.group},
	)
	return {
		"statistics report": report(
			"Customer Group Statistics",
			fiscal_year=world.fiscal_year,
			customer_group=world.group,
			company=world.company,
		),
		"trends report": report(
			"Customer Group Trends", fiscal_year=world.fiscal_year, company=world.company
		),
		"statistics": call(
			session,
			url,
			f"{api}.receivables.get_statistics",
			fiscal_year=world.fiscal_year,
			customer_group=world.group,
			company=world.company,
		).json()["message"],
		"overview": call(
			session, url, f"{api}.receivables.get_customer_overview", customer=world.customer
		).json()["message"],
		"list balances": call(
			session, url, f"{api}.receivables.get_customer_list_balances", customers=[world.customer]
		).json()["message"],
		"segment dry run": call(
			session,
			url,
			f"{api}.segments.preview_segment",
			rules=json.dumps([{"field": "balance", "operator": "greater than", "value": "400"}]),
			match="All",
			company=world.company,
		).json()["message"],
		"export": export.content.decode(),
		"tree": call(
			session, url, f"{api}.tree.get_children", doctype="Territory", parent=world.territory_root
		).json()["message"],
	}


def test_reports_previews_and_exports_read_from_the_replica_and_agree_with_the_primary(replica, world):
	session = http_session(replica.url, "Administrator", ADMIN_PASSWORD)
	before = reads(session, replica.url, world)
	assert world.customer in before["export"]
	assert before["segment dry run"]["matching"] == 0  # a balance of 300

	replica_script("pause")
	try:
		# written on the primary (writes never go to the replica): a second invoice of 300, a new customer
		response = session.post(
			f"{replica.url}/api/resource/Sales Invoice",
			json={
				"customer": world.customer,
				"company": world.company,
				"posting_date": "2026-01-12",
				"items": [{"item_code": world.item, "qty": 1, "rate": 300}],
				"docstatus": 1,
			},
		)
		assert response.status_code == 200, response.text[:600]
		newcomer = session.post(
			f"{replica.url}/api/resource/Customer",
			json={"customer_name": "Replica newcomer", "customer_group": world.group},
		)
		assert newcomer.status_code == 200, newcomer.text[:600]
		newcomer = newcomer.json()["data"]["name"]
		territory = session.post(
			f"{replica.url}/api/resource/Territory",
			json={"territory_name": unique("Replica region"), "parent_territory": world.territory_root},
		)
		assert territory.status_code == 200, territory.text[:600]

		paused = reads(session, replica.url, world)
		set_site_config({"read_from_replica": 0}, replica.site)  # the primary, same server
		try:
			primary = reads(session, replica.url, world)
		finally:
			set_site_config({"read_from_replica": 1}, replica.site)
	finally:
		replica_script("resume")
	caught_up = reads(session, replica.url, world)

	# the replica stood still: every read answered what was there before the writes
	assert paused == before
	# the primary has them: each read tells (so the equality above is the replica's, not a stale cache's)
	changed = {name for name in before if primary[name] != before[name]}
	assert changed == set(before), f"reads the writes did not change: {set(before) - changed}"
	assert newcomer in primary["export"] and primary["segment dry run"]["matching"] == 1
	# caught up, the replica agrees with the primary, read by read
	assert caught_up == primary
