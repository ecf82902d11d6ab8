"""What crm_app.compat answers on the Frappe this suite runs on, checked against that Frappe itself; and
the rules that keep the app installable on v16 whatever the version here."""

import importlib
import inspect
import json
import pkgutil
import re
import time

import frappe
import pytest

import crm_app
from crm_app import compat, hooks


def crm_app_whitelisted_functions() -> list[tuple[str, object]]:
	"""Every whitelisted function of the app, with its module imported (imports register them)."""
	for module in pkgutil.walk_packages(crm_app.__path__, "crm_app."):
		if ".test_" not in module.name and not module.name.endswith(".patches"):
			importlib.import_module(module.name)
	return sorted(
		(f"{fn.__module__}.{fn.__qualname__}", fn)
		for fn in frappe.whitelisted
		if getattr(fn, "__module__", "").startswith("crm_app.")
	)


def test_every_whitelisted_method_annotates_its_parameters():
	# v16 refuses unannotated API methods of an app that sets require_type_annotated_api_methods
	assert hooks.require_type_annotated_api_methods is True
	functions = crm_app_whitelisted_functions()
	assert len(functions) >= 30
	missing = [
		f"{path}({parameter.name})"
		for path, fn in functions
		for parameter in inspect.signature(inspect.unwrap(fn)).parameters.values()
		if parameter.name != "self"
		and parameter.kind not in (parameter.VAR_KEYWORD, parameter.VAR_POSITIONAL)
		and parameter.annotation is inspect.Parameter.empty
	]
	assert not missing


def desk_boot(page: str) -> dict:
	"""The boot data a desk page hands its scripts: a JSON string parsed there (v15.0), or the object
	written as is (later versions)."""
	found = re.search(r"frappe\.boot = (.*?);\s*frappe\._messages", page, re.DOTALL)
	assert found, page[:500]
	written = found.group(1).strip()
	if written.startswith("JSON.parse("):
		return json.loads(json.loads(written[len("JSON.parse(") : -1]))
	return json.loads(written)


def test_the_desk_prefix_is_where_this_frappe_serves_the_desk(admin_session, server_url):
	prefix = compat.desk_prefix()
	assert prefix in ("/app", "/desk")
	answer = admin_session.get(f"{server_url}{compat.desk_url('crm')}", allow_redirects=False)
	assert answer.status_code == 200, answer.status_code
	boot = desk_boot(answer.text)
	assert boot["user"]["name"] == "Administrator"  # a desk that boots, not the login page
	# what the workspace page needs from the boot: the workspace itself, the app's modules, its own keys
	assert "CRM" in {workspace["name"] for workspace in boot["allowed_workspaces"]}
	modules = [frappe.scrub(module) for module in frappe.get_module_list("crm_app")]
	assert modules
	assert {module: boot["module_app"].get(module) for module in modules} == dict.fromkeys(modules, "crm_app")
	assert "default_fiscal_year" in boot["crm_app"]
	# the apps screen's entry opens the workspace there
	assert hooks.add_to_apps_screen[0]["route"] == f"{prefix}/crm"


def test_frappes_rebuild_is_called_the_way_this_frappe_takes_it():
	root = frappe.db.get_value("Territory", {"parent_territory": ("in", ("", None))}, "name")
	before = frappe.db.get_value("Territory", root, ["lft", "rgt"])
	frappe.db.set_value("Territory", root, {"lft": 0, "rgt": 0}, update_modified=False)
	compat.frappe_rebuild_tree("Territory")
	assert frappe.db.get_value("Territory", root, ["lft", "rgt"]) == before


REPORTS = [
	"Customer Group Statistics",
	"Customer Group Trends",
	"Sales Target Variance",
	"Sales Target Invoices",
]
PREPARED_REPORT_DELAY = 15  # seconds: Frappe 15.x's timer, started by every run of a script report


def test_a_refused_report_run_does_not_make_the_report_a_background_report():
	"""Frappe 15.x marks a script report as prepared (a background report, for every user) 15 s after a run
	that has not returned: a refused filter must not leave that to happen. Each report is run the way the
	desk runs it, refused, and the test waits the 15 s out. (15.0.0-dev, the default build, has no such
	timer; on 15.54.1 this test fails without compat.report_refusals_stay_live.)"""
	from frappe.desk.query_report import run

	frappe.db.rollback()
	assert not any(frappe.db.get_value("Report", report, "prepared_report") for report in REPORTS)
	try:
		for report in REPORTS:
			with pytest.raises(frappe.ValidationError):
				run(report, filters={"fiscal_year": "no such year", "sales_target": "no such target"})
			last_run = time.monotonic()
		time.sleep(max(0.0, last_run + PREPARED_REPORT_DELAY + 3 - time.monotonic()))
		frappe.db.rollback()  # read what another thread may have committed
		prepared = [report for report in REPORTS if frappe.db.get_value("Report", report, "prepared_report")]
		assert prepared == []
	finally:
		frappe.db.rollback()
		for report in REPORTS:
			frappe.db.set_value("Report", report, "prepared_report", 0, update_modified=False)
		frappe.db.commit()


def test_the_list_match_conditions_are_those_of_frappes_list_query():
	"""compat.list_match_conditions gives the condition Frappe's own list query applies: a user limited to a
	territory reads, through it, exactly what get_list gives that user."""
	from frappe.utils.nestedset import get_root_of

	from crm_app import compat
	from tests.fixtures import make_customer, make_group_chain
	from tests.trees import make_node, unique
	from tests.users import make_user

	group = make_group_chain(1)[0]
	inside = make_node("Territory", unique("Inside"), get_root_of("Territory")).name
	outside = make_node("Territory", unique("Outside"), get_root_of("Territory")).name
	mine = make_customer(group, territory=inside).name
	make_customer(group, territory=outside)
	user = make_user("Sales User")
	frappe.get_doc(
		{"doctype": "User Permission", "user": user, "allow": "Territory", "for_value": inside}
	).insert()
	condition = compat.list_match_conditions("Customer", user)
	assert inside in condition
	read = frappe.db.sql(
		f"select name from `tabCustomer` where customer_group = %s and ({condition})", group, pluck=True
	)
	frappe.set_user(user)
	assert read == frappe.get_list("Customer", {"customer_group": group}, pluck="name") == [mine]
	frappe.set_user("Administrator")
	assert compat.list_match_conditions("Customer", "Administrator") == ""
