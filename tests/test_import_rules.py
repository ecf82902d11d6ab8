"""The import holds a row to the rules of a form save (issue 20): tree rules, the freeze rule and its
timeline line, the freeze and credit fields compared with the stored record; and it announces what it
changed."""

import frappe
import pytest
from frappe.utils import strip_html_tags
from frappe.utils.nestedset import get_root_of

from crm_app.data_transfer.importer import import_files
from crm_app.trees import LeafHasChildrenError, MembersExistError
from tests.fixtures import make_customer
from tests.test_import import csv_file
from tests.trees import make_node, unique
from tests.users import make_user, remove_user

GROUP_HEADERS = ["ID", "Customer Group Name", "Parent Customer Group", "Is Group"]


@pytest.fixture(autouse=True)
def rollback():
	yield
	frappe.set_user("Administrator")
	frappe.db.rollback()


def form_refusal(doctype, name, exception, **changes) -> str:
	doc = frappe.get_doc(doctype, name)
	doc.update(changes)
	with pytest.raises(exception) as refused:
		doc.save()
	frappe.local.message_log = []
	return strip_html_tags(str(refused.value))


def group_row(name, is_group):
	doc = frappe.get_doc("Customer Group", name)
	return [name, doc.customer_group_name, doc.parent_customer_group, is_group]


def test_a_leaf_holding_customers_cannot_become_a_group_by_import_as_by_form():
	leaf = make_node("Customer Group", unique("Leaf"), get_root_of("Customer Group")).name
	make_customer(leaf)
	message = form_refusal("Customer Group", leaf, MembersExistError, is_group=1)
	file = csv_file("Customer Group", GROUP_HEADERS, [group_row(leaf, 1)])
	report = import_files([file], dry_run=True, update=True)
	assert report["errors"] == [
		{"sheet": "Customer Group", "row": 2, "column": "is_group", "message": message}
	]
	report = import_files([file], update=True)
	assert report["updated"] == {} and frappe.db.get_value("Customer Group", leaf, "is_group") == 0


def test_a_group_with_children_cannot_become_a_leaf_by_import_as_by_form():
	group = make_node("Customer Group", unique("Group"), get_root_of("Customer Group"), is_group=1).name
	make_node("Customer Group", unique("Child"), group)
	message = form_refusal("Customer Group", group, LeafHasChildrenError, is_group=0)
	report = import_files([csv_file("Customer Group", GROUP_HEADERS, [group_row(group, 0)])], update=True)
	assert report["errors"] == [
		{"sheet": "Customer Group", "row": 2, "column": "is_group", "message": message}
	]
	assert frappe.db.get_value("Customer Group", group, "is_group") == 1


def test_a_head_office_with_branches_cannot_become_a_leaf_by_import():
	head = make_node("Customer", unique("Head"), None, is_group=1).name
	make_node("Customer", unique("Branch"), head)
	message = form_refusal("Customer", head, LeafHasChildrenError, is_group=0)
	headers = ["ID", "Customer Name", "Is Head Office"]
	row = [head, frappe.db.get_value("Customer", head, "customer_name"), 0]
	report = import_files([csv_file("Customer", headers, [row])], dry_run=True, update=True)
	assert report["errors"] == [{"sheet": "Customer", "row": 2, "column": "is_group", "message": message}]


def test_an_update_without_the_group_column_keeps_a_group_a_group():
	"""A column the file does not give keeps its stored value (a new record's default is not applied)."""
	group = make_node("Customer Group", unique("Group"), get_root_of("Customer Group"), is_group=1).name
	make_node("Customer Group", unique("Child"), group)
	headers = ["ID", "Customer Group Name", "Parent Customer Group"]
	row = group_row(group, 1)[:3]
	report = import_files([csv_file("Customer Group", headers, [row])], update=True)
	assert report["errors"] == [] and frappe.db.get_value("Customer Group", group, "is_group") == 1


def comments(customer) -> list[str]:
	return frappe.get_all(
		"Comment",
		filters={"reference_doctype": "Customer", "reference_name": customer, "comment_type": "Info"},
		pluck="content",
		order_by="creation asc, content asc",
	)


FREEZE_HEADERS = ["ID", "Customer Name", "Is Frozen", "Freeze Reason"]


def freeze_row(customer, is_frozen, reason=None):
	row = [customer, frappe.db.get_value("Customer", customer, "customer_name"), is_frozen]
	return [*row, reason] if reason is not None else row


def test_freezing_and_unfreezing_write_the_same_timeline_lines_from_a_form_and_an_import():
	group = frappe.db.get_value("Customer Group", {"is_group": 0}, "name")
	by_form, by_import = make_customer(group).name, make_customer(group).name

	doc = frappe.get_doc("Customer", by_form)
	doc.is_frozen, doc.freeze_reason = 1, "Disputed invoices"
	doc.save()
	report = import_files(
		[csv_file("Customer", FREEZE_HEADERS, [freeze_row(by_import, 1, "Disputed invoices")])], update=True
	)
	assert report["errors"] == [] and report["updated"] == {"Customer": 1}
	assert comments(by_form) == comments(by_import) == ["Frozen by Administrator: Disputed invoices"]

	# an unchanged frozen customer imported again: no second line
	import_files(
		[csv_file("Customer", FREEZE_HEADERS, [freeze_row(by_import, 1, "Disputed invoices")])], update=True
	)
	assert len(comments(by_import)) == 1

	doc = frappe.get_doc("Customer", by_form)
	doc.is_frozen = 0
	doc.save()
	report = import_files([csv_file("Customer", FREEZE_HEADERS[:3], [freeze_row(by_import, 0)])], update=True)
	assert report["errors"] == []
	assert comments(by_form) == comments(by_import)
	assert comments(by_import)[-1] == "Unfrozen by Administrator"
	for customer in (by_form, by_import):  # unfreezing clears the reason
		assert frappe.db.get_value("Customer", customer, ["is_frozen", "freeze_reason"]) == (0, None)


def test_a_frozen_customer_without_a_reason_is_refused_by_the_import():
	group = frappe.db.get_value("Customer Group", {"is_group": 0}, "name")
	customer = make_customer(group).name
	report = import_files(
		[csv_file("Customer", FREEZE_HEADERS[:3], [freeze_row(customer, 1)])], dry_run=True, update=True
	)
	assert [e["column"] for e in report["errors"]] == ["freeze_reason"]


@pytest.fixture
def sales_manager():
	user = make_user("Sales Manager")
	yield user
	frappe.set_user("Administrator")
	remove_user(user)


def test_reimporting_an_unchanged_frozen_customer_needs_no_freeze_rights(sales_manager):
	group = frappe.db.get_value("Customer Group", {"is_group": 0}, "name")
	customer = make_customer(group, is_frozen=1, freeze_reason="Disputed").name
	frappe.set_user(sales_manager)
	headers = [*FREEZE_HEADERS, "Customer Details"]
	unchanged = [*freeze_row(customer, 1, "Disputed"), "Prefers email"]
	report = import_files([csv_file("Customer", headers, [unchanged])], update=True)
	assert report["errors"] == [] and report["updated"] == {"Customer": 1}
	assert frappe.db.get_value("Customer", customer, "customer_details") == "Prefers email"

	for changed, column in (
		(freeze_row(customer, 1, "Another reason"), "freeze_reason"),
		(freeze_row(customer, 0), "is_frozen"),
	):
		report = import_files([csv_file("Customer", FREEZE_HEADERS[: len(changed)], [changed])], update=True)
		assert column in [e["column"] for e in report["errors"]], report
		assert "You may not change" in report["errors"][0]["message"]
	assert frappe.db.get_value("Customer", customer, ["is_frozen", "freeze_reason"]) == (1, "Disputed")


def test_the_import_announces_the_customers_it_wrote_and_the_nodes_it_moved(monkeypatch):
	announced = []
	monkeypatch.setattr(
		"crm_app.data_transfer.writer.announce", lambda event, **details: announced.append((event, details))
	)
	root = get_root_of("Customer Group")
	top = make_node("Customer Group", unique("Top"), root, is_group=1).name
	moved = make_node("Customer Group", unique("Moved"), root).name
	kept = make_node("Customer Group", unique("Kept"), root).name
	existing = make_customer(kept).name
	new_name = unique("New")
	announced.clear()
	report = import_files(
		[
			csv_file(
				"Customer Group", GROUP_HEADERS, [[*group_row(moved, 0)[:2], top, 0], group_row(kept, 0)]
			),
			csv_file(
				"Customer",
				["ID", "Customer Name", "Customer Group", "Customer Details"],
				[
					[existing, frappe.db.get_value("Customer", existing, "customer_name"), kept, "x"],
					["", new_name, kept, ""],
				],
			),
		],
		update=True,
	)
	assert report["errors"] == []
	created = frappe.db.get_value("Customer", {"customer_name": new_name}, "name")
	assert announced == [
		("tree_nodes_moved", {"doctype": "Customer Group", "nodes": [moved]}),
		("customers_changed", {"customers": [created, existing], "created": [created]}),
	]
