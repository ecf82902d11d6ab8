import frappe
import pytest
from frappe.utils.nestedset import get_root_of
from frappe.utils.password import update_password

from crm_app.customers import group_changes
from crm_app.customers.group_changes import InvalidGroupChangeError, apply_group_change, preview_group_change
from crm_app.customers.groups import GroupCodeFixedError
from tests.fixtures import make_customer, make_group_chain, make_price_list
from tests.trees import make_node, unique
from tests.users import http_session, make_user, remove_user


@pytest.fixture
def sales_user():
	return make_user("Sales User")


def test_the_group_code_is_fixed(sales_user):
	group = make_node("Customer Group", unique("Retail"), get_root_of("Customer Group")).name
	other = make_node("Customer Group", unique("Wholesale"), get_root_of("Customer Group")).name
	with pytest.raises(frappe.ValidationError):
		frappe.rename_doc("Customer Group", group, unique("Renamed"))
	# even forced past the doctype setting, or as a merge, the controller refuses
	with pytest.raises(GroupCodeFixedError):
		frappe.rename_doc("Customer Group", group, unique("Renamed"), force=True)
	with pytest.raises(GroupCodeFixedError):
		frappe.rename_doc("Customer Group", group, other, merge=True, force=True)
	assert frappe.db.exists("Customer Group", group)


def test_only_crm_or_system_managers_delete_groups(sales_user):
	group = make_node("Customer Group", unique("Retail"), get_root_of("Customer Group")).name
	frappe.set_user(sales_user)
	with pytest.raises(frappe.PermissionError):
		frappe.delete_doc("Customer Group", group)
	# a script that skips permission checks is refused too
	with pytest.raises(frappe.PermissionError):
		frappe.delete_doc("Customer Group", group, ignore_permissions=True)
	frappe.set_user("Administrator")
	frappe.delete_doc("Customer Group", group)
	assert not frappe.db.exists("Customer Group", group)


def test_a_sales_user_cannot_delete_a_used_group(sales_user):
	group = make_node("Customer Group", unique("Retail"), get_root_of("Customer Group")).name
	make_customer(group)
	frappe.set_user(sales_user)
	with pytest.raises(frappe.PermissionError):
		frappe.delete_doc("Customer Group", group)
	frappe.set_user("Administrator")
	assert frappe.db.exists("Customer Group", group)


def test_a_sales_user_gets_403_deleting_a_group_over_rest(server_url, sales_user):
	import requests

	group = make_node("Customer Group", unique("Retail"), get_root_of("Customer Group")).name
	frappe.db.commit()
	try:
		# set the password without saving the user: a save would make the first system user a System Manager
		update_password(sales_user, "Sales-pass-1234!")
		frappe.db.commit()
		session = http_session(server_url, sales_user, "Sales-pass-1234!")
		response = session.delete(f"{server_url}/api/resource/Customer Group/{group}")
		assert response.status_code == 403
		assert frappe.db.exists("Customer Group", group)
	finally:
		frappe.delete_doc("Customer Group", group, force=True)
		remove_user(sales_user)
		frappe.db.commit()


def test_preview_marks_overrides_and_shows_before_and_after():
	_top, middle, leaf = make_group_chain(3)
	old_list, new_list, own_list = make_price_list(), make_price_list(), make_price_list()
	frappe.db.set_value("Customer Group", middle, "default_price_list", old_list)
	inherits = make_customer(leaf).name
	overrides = make_customer(leaf, default_price_list=own_list).name

	rows = {r["customer"]: r for r in preview_group_change(middle, {"default_price_list": new_list})}
	assert rows[inherits] | {} == {
		"customer": inherits,
		"field": "default_price_list",
		"current_value": old_list,
		"current_source": "ancestor",
		"current_source_name": middle,
		"new_value": new_list,
		"new_source": "ancestor",
		"new_source_name": middle,
		"has_override": False,
	}
	assert (rows[overrides]["current_value"], rows[overrides]["new_value"]) == (own_list, own_list)
	assert rows[overrides]["has_override"] is True
	# the preview changed nothing
	assert frappe.db.get_value("Customer Group", middle, "default_price_list") == old_list


def test_apply_writes_the_group_and_the_chosen_overrides_with_a_trace():
	_top, middle, leaf = make_group_chain(3)
	new_list, own_list = make_price_list(), make_price_list()
	inherits = make_customer(leaf).name
	overrides = make_customer(leaf, default_price_list=own_list).name
	keeps = make_customer(leaf, default_price_list=own_list).name

	result = apply_group_change(middle, {"default_price_list": new_list}, customers=[overrides])
	assert result == {"queued": False, "job_id": None, "customers": 1}
	assert frappe.db.get_value("Customer Group", middle, "default_price_list") == new_list
	assert frappe.db.get_value("Customer", overrides, "default_price_list") == new_list
	assert frappe.db.get_value("Customer", keeps, "default_price_list") == own_list
	assert frappe.db.get_value("Customer", inherits, "default_price_list") is None  # still reads the chain
	version = frappe.get_all(
		"Version", filters={"ref_doctype": "Customer", "docname": overrides}, pluck="data"
	)
	assert any(new_list in data for data in version)
	assert frappe.db.exists("Comment", {"reference_doctype": "Customer Group", "reference_name": middle})


def test_large_sets_are_written_by_a_job_that_a_worker_runs_once_the_change_is_committed(monkeypatch):
	"""Above the threshold the request writes only the group: a real worker writes the customers, from a
	job queued at commit (a change rolled back queues nothing)."""
	from tests.receivables import purge_masters
	from tests.workers import bench_worker, job_status

	middle, leaf = make_group_chain(2)
	new_list, own_list = make_price_list(), make_price_list()
	customers = [make_customer(leaf, default_price_list=own_list).name for _ in range(3)]
	frappe.db.commit()
	monkeypatch.setattr(group_changes, "BACKGROUND_THRESHOLD", 2)

	def committed_lists() -> set[str]:
		frappe.db.rollback()  # read what is committed, the worker's writes included
		return {frappe.db.get_value("Customer", c, "default_price_list") for c in customers}

	try:
		rolled_back = apply_group_change(middle, {"default_price_list": new_list})
		frappe.db.rollback()
		assert job_status(rolled_back["job_id"]) is None

		result = apply_group_change(middle, {"default_price_list": new_list})  # default: every override
		assert result["queued"] is True and result["customers"] == 3
		assert job_status(result["job_id"]) is None  # not before the commit
		frappe.db.commit()
		assert job_status(result["job_id"]) == "queued"
		assert committed_lists() == {own_list}
		assert frappe.db.get_value("Customer Group", middle, "default_price_list") == new_list

		worker = bench_worker()
		assert worker.returncode == 0, worker.stderr[-2000:]
		assert job_status(result["job_id"]) == "finished"
		assert committed_lists() == {new_list}
		traced = frappe.get_all(
			"Version", filters={"ref_doctype": "Customer", "docname": ("in", customers)}, pluck="docname"
		)
		assert set(traced) == set(customers)
	finally:
		frappe.db.rollback()
		frappe.db.delete("Version", {"docname": ("in", [*customers, middle, leaf])})
		frappe.db.delete("Comment", {"reference_name": ("in", [*customers, middle, leaf])})
		purge_masters(customers=customers, groups=[leaf, middle])
		for price_list in (new_list, own_list):
			frappe.delete_doc("Price List", price_list, force=True)
		frappe.db.commit()


def test_changes_to_unknown_fields_or_other_groups_customers_are_refused():
	_top, middle, _leaf = make_group_chain(3)
	stranger = make_customer(make_group_chain(1)[0]).name
	with pytest.raises(InvalidGroupChangeError):
		preview_group_change(middle, {"customer_name": "x"})
	with pytest.raises(InvalidGroupChangeError):
		apply_group_change(middle, {"default_price_list": make_price_list()}, customers=[stranger])
