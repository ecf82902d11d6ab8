"""An import has the effects of a form save at once, end to end and committed (issue 20): its customers join
their automatic segments in the same transaction (so a user restricted to a segment reads them over HTTP
as soon as the import is committed, not after the daily job), the leads they name are converted, and a
tree node it moves has the sales targets recounted on a real worker."""

import frappe
import pytest
from frappe.utils.background_jobs import create_job_id, get_queue
from frappe.utils.nestedset import get_root_of
from frappe.utils.password import update_password

from crm_app.data_transfer.importer import commit_or_roll_back, import_files
from crm_app.sales_targets.actuals import RECOUNT_JOB
from tests.fixtures import make_group_chain
from tests.receivables import purge_masters
from tests.segments import make_group_segment
from tests.test_import import csv_file
from tests.trees import make_node, unique
from tests.users import http_session, make_user, remove_user
from tests.workers import bench_worker, job_status

PASSWORD = "Import-effects-pass-1234!"
CUSTOMER_HEADERS = ["Customer Name", "Customer Type", "Customer Group", "From Lead"]


def run_import(files, update=False) -> dict:
	report = import_files(files, update=update)
	assert report["errors"] == [], report["errors"]
	assert commit_or_roll_back(report, good_rows_only=False)
	return report


@pytest.fixture
def restricted(server_url):
	"""A group that a segment selects, the segment restricting a role, a Sales User with that role; a lead.
	All committed, removed afterwards."""
	group = make_group_chain(1)[0]
	role = frappe.get_doc(
		{"doctype": "Role", "role_name": unique("Import reader"), "desk_access": 1}
	).insert()
	segment = make_group_segment("Imported segment", group, restrict_role=role.name).name
	user = make_user("Sales User", role.name)
	update_password(user, PASSWORD)
	lead = frappe.get_doc({"doctype": "Lead", "lead_name": unique("Imported lead")}).insert().name
	frappe.db.commit()
	made = frappe._dict(group=group, segment=segment, role=role.name, user=user, lead=lead, customers=[])
	yield made
	frappe.db.rollback()
	frappe.db.set_value("Customer Segment", segment, "restrict_role", None)
	frappe.delete_doc("Customer Segment", segment, force=True, ignore_permissions=True)
	frappe.db.delete("Customer Segment Log", {"segment": segment})
	customers = frappe.get_all("Customer", {"customer_group": group}, pluck="name")
	purge_masters(customers, [group])
	frappe.delete_doc("Lead", lead, force=True, ignore_missing=True)
	remove_user(user)
	frappe.delete_doc("Role", role.name, force=True, ignore_permissions=True)
	frappe.db.commit()


def test_imported_customers_are_in_a_restricted_users_list_as_soon_as_the_import_commits(
	restricted, server_url
):
	session = http_session(server_url, restricted.user, PASSWORD)

	def listed() -> set[str]:
		response = session.get(
			f"{server_url}/api/resource/Customer",
			params={"filters": frappe.as_json([["customer_group", "=", restricted.group]])},
		)
		assert response.status_code == 200, response.text[:300]
		return {row["name"] for row in response.json()["data"]}

	assert listed() == set()
	names = [unique("Imported"), unique("Imported")]
	run_import(
		[
			csv_file(
				"Customer",
				CUSTOMER_HEADERS,
				[
					[names[0], "Company", restricted.group, restricted.lead],
					[names[1], "Company", restricted.group, ""],
				],
			)
		]
	)
	imported = set(frappe.get_all("Customer", {"customer_name": ("in", names)}, pluck="name"))
	assert len(imported) == 2
	# no daily job, no worker: the import's own transaction made them members
	assert listed() == imported
	assert frappe.db.get_value("Lead", restricted.lead, "status") == "Converted"


@pytest.fixture
def moved_territory():
	"""Two territory groups and a leaf under the first (the seeded root of the sales targets is enough for a
	recount to be due); committed, removed afterwards."""
	root = get_root_of("Territory")
	first = make_node("Territory", unique("From"), root, is_group=1).name
	second = make_node("Territory", unique("To"), root, is_group=1).name
	leaf = make_node("Territory", unique("Moving"), first).name
	frappe.db.commit()
	yield frappe._dict(first=first, second=second, leaf=leaf)
	frappe.db.rollback()
	for name in (leaf, first, second):
		frappe.delete_doc("Territory", name, force=True)
	frappe.db.commit()


def recount_jobs() -> list[str]:
	"""This site's recount jobs waiting in the queue."""
	prefix = create_job_id(RECOUNT_JOB)
	return [job_id for job_id in get_queue("long").get_job_ids() if job_id.startswith(prefix)]


def test_a_node_moved_by_an_import_has_the_targets_recounted_on_a_worker(moved_territory):
	bench_worker("long")  # whatever recount earlier tests left waiting runs now
	assert recount_jobs() == []
	headers = ["ID", "Territory Name", "Parent Territory", "Is Group"]
	leaf = frappe.get_doc("Territory", moved_territory.leaf)
	report = import_files(
		[csv_file("Territory", headers, [[leaf.name, leaf.territory_name, moved_territory.second, 0]])],
		update=True,
	)
	assert report["errors"] == [], report["errors"]
	assert recount_jobs() == []  # queued once the move is committed, not before
	assert commit_or_roll_back(report, good_rows_only=False)
	assert frappe.db.get_value("Territory", leaf.name, "parent_territory") == moved_territory.second
	queued = recount_jobs()
	assert len(queued) == 1
	worker = bench_worker("long")
	assert job_status(queued[0]) == "finished", worker.stdout[-2000:] + worker.stderr[-2000:]
