import json
import subprocess
import sys

import frappe
import pytest
from frappe.utils import getdate, nowdate
from frappe.utils.nestedset import get_root_of

from crm_app.currency import stored_default
from crm_app.install import (
	SEEDED_KEY,
	after_install,
	after_migrate,
	after_setup_wizard,
	seed_doctypes,
	seed_file,
	seeded_default_leaf,
)
from tests.conftest import SITE, SITES_PATH
from tests.fixtures import make_company
from tests.receivables import make_fiscal_year
from tests.trees import assert_tree_valid, unique

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
	after_migrate()  # every seeded record made once (and remembered)
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


# First run: a company, the site's default company and currency, a fiscal year


@pytest.fixture
def cached_defaults_follow_the_rollback():
	yield
	frappe.db.rollback()
	for parent in ("__default", "__global"):
		frappe.cache.hdel("defaults", parent)


def forget_first_run():
	"""The site as the app finds it on its first install: no company, fiscal year nor defaults."""
	frappe.db.delete("Company")
	frappe.db.delete("Fiscal Year")
	frappe.db.delete("DefaultValue", {"parent": "__default", "defkey": ("in", ("currency", "company"))})
	if frappe.get_meta("System Settings").has_field("currency"):  # Frappe 15.x later than the wheel's build
		frappe.db.set_single_value("System Settings", "currency", None)
	seeded = json.loads(frappe.db.get_global(SEEDED_KEY) or "[]")
	kept = [k for k in seeded if not k.startswith(("Company:", "Fiscal Year:"))]
	frappe.db.set_global(SEEDED_KEY, json.dumps(kept))
	for parent in ("__default", "__global"):
		frappe.cache.hdel("defaults", parent)


def first_run_state():
	return (
		frappe.get_all("Company", fields=["name", "abbr", "default_currency", "country"], order_by="name"),
		frappe.get_all("Fiscal Year", fields=["name", "year_start_date", "year_end_date"], order_by="name"),
		stored_default("company"),
		stored_default("currency"),
	)


def test_a_first_run_makes_a_company_its_currency_and_the_fiscal_year(cached_defaults_follow_the_rollback):
	forget_first_run()
	frappe.db.set_single_value("System Settings", "country", "France")
	after_install()
	[company] = frappe.get_all("Company", fields=["name", "default_currency", "country", "abbr"])
	assert (company.name, company.default_currency, company.country) == ("My Company", "EUR", "France")
	assert company.abbr == "MC"
	assert (stored_default("company"), stored_default("currency")) == ("My Company", "EUR")
	year = getdate(nowdate()).year
	fiscal_year = frappe.db.get_value(
		"Fiscal Year", str(year), ["year_start_date", "year_end_date"], as_dict=True
	)
	assert (str(fiscal_year.year_start_date), str(fiscal_year.year_end_date)) == (
		f"{year}-01-01",
		f"{year}-12-31",
	)
	# installing again, or migrating, makes nothing more
	state = first_run_state()
	after_install()
	after_migrate()
	assert first_run_state() == state


def test_a_french_site_gets_a_french_company_name_and_its_countrys_currency(
	cached_defaults_follow_the_rollback,
):
	forget_first_run()
	frappe.db.set_single_value("System Settings", "language", "fr")
	frappe.db.set_single_value("System Settings", "country", "Switzerland")
	after_migrate()
	assert frappe.get_all("Company", fields=["name", "default_currency"]) == [
		{"name": "Ma société", "default_currency": "CHF"}
	]
	assert stored_default("currency") == "CHF"


def test_the_setup_wizards_currency_makes_the_first_company(cached_defaults_follow_the_rollback):
	forget_first_run()
	after_setup_wizard({"country": "France", "currency": "USD", "language": "English"})
	assert frappe.get_all("Company", pluck="default_currency") == ["USD"]
	assert stored_default("currency") == "USD"


def test_a_first_run_changes_nothing_that_exists(cached_defaults_follow_the_rollback):
	forget_first_run()
	company = make_company("CHF").name
	other = make_company("USD").name
	frappe.db.set_default("company", other)
	frappe.db.set_default("currency", "GBP")
	fiscal_year = make_fiscal_year(f"{getdate(nowdate()).year - 1}-07-01", f"{getdate(nowdate()).year}-06-30")
	state = first_run_state()
	after_migrate()
	assert first_run_state() == state
	assert {company, other} == set(frappe.get_all("Company", pluck="name"))
	assert frappe.get_all("Fiscal Year", pluck="name") == [fiscal_year]


def test_a_company_the_user_deleted_is_not_made_again(cached_defaults_follow_the_rollback):
	forget_first_run()
	after_migrate()
	frappe.db.delete("Company")
	after_migrate()
	assert not frappe.db.count("Company")


# Seeds: data files that the install step reads


def test_the_seeds_are_the_records_of_the_fixture_files():
	for doctype in seed_doctypes():
		meta = frappe.get_meta(doctype)
		name_field = meta.autoname.removeprefix("field:")
		root, *children = seed_file(doctype)["records"]
		assert get_root_of(doctype) == root[name_field]
		for child in children:
			row = frappe.db.get_value(doctype, child[name_field], [meta.nsm_parent_field, "is_group"])
			assert row == (root[name_field], child["is_group"]), child
	# a fresh site has a leaf group and a leaf territory for new customers
	assert seeded_default_leaf("Customer Group") == "Commercial"
	assert seeded_default_leaf("Territory") == "Rest Of The World"


def test_a_record_added_to_a_fixture_file_is_made_on_migrate_and_a_users_change_is_kept(monkeypatch):
	from crm_app import install

	name = unique("Seeded group")
	files = {doctype: seed_file(doctype) for doctype in seed_doctypes()}
	files["Customer Group"]["records"].append({"customer_group_name": name, "is_group": 0})
	monkeypatch.setattr(install, "seed_file", lambda doctype: files[doctype])
	after_migrate()
	assert frappe.db.get_value("Customer Group", name, "parent_customer_group") == "All Customer Groups"

	# the user deletes it and renames the seeded territory leaf: migrate makes neither again
	frappe.delete_doc("Customer Group", name)
	frappe.rename_doc("Territory", "Rest Of The World", unique("World"))
	after_migrate()
	assert not frappe.db.exists("Customer Group", name)
	assert not frappe.db.exists("Territory", "Rest Of The World")
	assert seeded_default_leaf("Territory") is None


def test_frappes_fixture_sync_leaves_the_seed_files_alone(monkeypatch):
	"""Frappe imports every crm_app/fixtures/*.json on install and migrate, hook or not: the seed files
	are in a subfolder, which it does not read."""
	import frappe.utils.fixtures as fixtures

	imported = []
	monkeypatch.setattr(fixtures, "import_doc", imported.append)
	fixtures.import_fixtures("crm_app")
	assert imported == []
	assert "fixtures" not in frappe.get_hooks(app_name="crm_app")


def test_installing_twice_changes_nothing():
	after_install()
	before = {doctype: tree_snapshot(doctype) for doctype in seed_doctypes()}
	state = first_run_state()
	after_install()
	assert {doctype: tree_snapshot(doctype) for doctype in seed_doctypes()} == before
	assert first_run_state() == state
