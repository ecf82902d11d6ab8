import subprocess
import sys

import frappe
from frappe.utils.nestedset import get_root_of

from crm_app.install import after_migrate
from tests.conftest import SITE, SITES_PATH
from tests.trees import assert_tree_valid

SEEDED_GROUPS = ["Individual", "Commercial", "Government"]


def tree_snapshot(doctype):
	return frappe.get_all(
		doctype,
		fields=["name", f"parent_{frappe.scrub(doctype)} as parent", "is_group", "lft", "rgt", "modified"],
		order_by="name",
	)


def assert_seeded():
	assert get_root_of("Customer Group") == "All Customer Groups"
	assert frappe.db.count("Customer Group", {"parent_customer_group": ("is", "not set")}) == 1
	for name in SEEDED_GROUPS:
		row = frappe.db.get_value("Customer Group", name, ["parent_customer_group", "is_group"], as_dict=True)
		assert row == {"parent_customer_group": "All Customer Groups", "is_group": 0}, name
	assert frappe.db.get_value("Customer Group", "All Customer Groups", "is_group") == 1
	assert get_root_of("Territory") == "All Territories"
	assert frappe.db.count("Territory", {"parent_territory": ("is", "not set")}) == 1
	for doctype in ("Customer Group", "Territory", "Sales Target"):
		assert_tree_valid(doctype)


def test_the_seeded_records_are_there_after_install():
	assert_seeded()


def test_seeding_again_changes_nothing_and_respects_what_a_user_changed():
	before = tree_snapshot("Customer Group")
	after_migrate()
	assert tree_snapshot("Customer Group") == before

	# a user deletes one seeded group and turns another into a group: the next migrate keeps both choices
	frappe.delete_doc("Customer Group", "Individual")
	frappe.db.set_value("Customer Group", "Government", "is_group", 1)
	after_migrate()
	assert not frappe.db.exists("Customer Group", "Individual")
	assert frappe.db.get_value("Customer Group", "Government", "is_group") == 1


def test_a_tree_that_lost_its_root_gets_it_back_once():
	frappe.db.delete("Territory")
	after_migrate()
	after_migrate()
	assert frappe.get_all("Territory", pluck="name") == ["All Territories"]


def test_a_real_second_migrate_duplicates_and_overwrites_nothing():
	before = {doctype: tree_snapshot(doctype) for doctype in ("Customer Group", "Territory", "Sales Target")}
	subprocess.run(
		[sys.executable, "-m", "frappe.utils.bench_helper", "frappe", "--site", SITE, "migrate"],
		cwd=SITES_PATH,
		check=True,
		capture_output=True,
	)
	frappe.db.rollback()  # see what the migrate committed
	assert_seeded()
	for doctype, rows in before.items():
		assert tree_snapshot(doctype) == rows, doctype


def test_french_users_see_the_seeded_names_and_the_messages_in_french():
	frappe.local.lang = "fr"
	assert frappe._("All Customer Groups") == "Tous les groupes de clients"
	assert [frappe._(n) for n in SEEDED_GROUPS] == ["Particulier", "Commercial", "Gouvernement"]
	assert frappe._("All Territories") == "Tous les territoires"
	try:
		frappe.get_doc(
			{"doctype": "Customer", "customer_name": "X", "customer_group": "All Customer Groups"}
		).insert()
	except frappe.ValidationError as error:
		assert "est un groupe" in str(error)
	else:
		raise AssertionError("a customer on a group customer group was accepted")


def test_migrating_again_commits_nothing_of_the_work_in_hand():
	name = (
		frappe.get_doc(
			{
				"doctype": "Territory",
				"territory_name": "_Test uncommitted",
				"parent_territory": "All Territories",
			}
		)
		.insert()
		.name
	)
	after_migrate()  # nothing in it may commit (a new column would): the insert above must roll back
	frappe.db.rollback()
	assert not frappe.db.exists("Territory", name)
	assert frappe.db.exists("Custom Field", {"dt": "Address", "fieldname": "territory"})
