"""What crm_app.compat answers on the Frappe this suite runs on, checked against that Frappe itself; and
the rules that keep the app installable on v16 whatever the version here."""

import importlib
import inspect
import pkgutil
import threading
import unittest
import warnings

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


def test_the_desk_prefix_is_where_this_frappe_serves_the_desk(admin_session, server_url):
	prefix = compat.desk_prefix()
	assert prefix in ("/app", "/desk")
	answer = admin_session.get(f"{server_url}{compat.desk_url('crm')}", allow_redirects=False)
	assert answer.status_code == 200, answer.status_code
	assert "frappe.boot" in answer.text or "boot" in answer.text
	# the apps screen's entry opens the workspace there
	assert hooks.add_to_apps_screen[0]["route"] == f"{prefix}/crm"


def test_frappes_rebuild_is_called_the_way_this_frappe_takes_it():
	root = frappe.db.get_value("Territory", {"parent_territory": ("in", ("", None))}, "name")
	before = frappe.db.get_value("Territory", root, ["lft", "rgt"])
	frappe.db.set_value("Territory", root, {"lft": 0, "rgt": 0}, update_modified=False)
	compat.frappe_rebuild_tree("Territory")
	assert frappe.db.get_value("Territory", root, ["lft", "rgt"]) == before


def test_the_doctype_tests_base_class_is_not_a_deprecated_one():
	# v16 warns on every FrappeTestCase made (to be removed in v17); v15 has only that one
	base = compat.integration_test_case()
	assert issubclass(base, unittest.TestCase)

	class Probe(base):
		def test_nothing(self):
			pass

	with warnings.catch_warnings(record=True) as caught:
		warnings.simplefilter("always")
		Probe("test_nothing")
	assert not [w for w in caught if issubclass(w.category, DeprecationWarning)]


@pytest.mark.parametrize(
	"report",
	["Customer Group Statistics", "Customer Group Trends", "Sales Target Variance", "Sales Target Invoices"],
)
def test_a_refused_report_run_leaves_no_timer_to_make_it_a_background_report(report):
	# Frappe 15.x marks a report as prepared 15 s after a run that has not returned, even a refused one
	from frappe.desk.query_report import run

	with pytest.raises(frappe.ValidationError):
		run(report, filters={"fiscal_year": "no such year", "sales_target": "no such target"})
	assert compat.prepared_report_timers(frappe.scrub(report)) == []
	assert not frappe.db.get_value("Report", report, "prepared_report")
