"""What changed is announced once (crm_app.events) and every path gets the same reactions: a form save, and
an import that writes with SQL and announces its batch (issue 20)."""

import frappe
import pytest
from frappe.utils import now
from frappe.utils.nestedset import get_root_of

from crm_app import events
from crm_app.customers import segment_members
from crm_app.receivables import ledger
from crm_app.sales_targets import actuals
from tests.fixtures import make_company, make_customer, make_group_chain
from tests.segments import make_group_segment
from tests.trees import make_node, unique

MEMBER = "Customer Segment Member"


def insert_customers_by_sql(group: str, count: int, **fields) -> list[str]:
	"""Customers written as the import writes them: rows, no document saved."""
	names, stamp = [], now()
	for _index in range(count):
		name = unique("SQL Customer")
		row = {
			"name": name,
			"customer_name": name,
			"customer_group": group,
			"customer_type": "Company",
			"creation": stamp,
			"modified": stamp,
			"owner": "Administrator",
			"modified_by": "Administrator",
			**fields.get(name, {}),
		}
		frappe.db.sql(
			f"insert into `tabCustomer` ({', '.join(row)}) values ({', '.join(['%s'] * len(row))})",
			list(row.values()),
		)
		names.append(name)
	return names


def members(segment: str) -> set[str]:
	return set(frappe.get_all(MEMBER, {"segment": segment, "status": "Member"}, pluck="customer"))


@pytest.fixture
def group():
	return make_group_chain(1)[0]


def test_every_event_has_reactions_that_exist():
	for event in events.EVENTS:
		paths = events.reactions(event)
		assert paths, event
		for path in paths:
			assert callable(frappe.get_attr(path))
	with pytest.raises(ValueError):
		events.announce("customer_changed", customers=[])  # a typo reaches no one silently


def test_a_customer_inserted_by_sql_and_announced_joins_its_segment_at_once(group):
	segment = make_group_segment("Imported", group).name
	(customer,) = insert_customers_by_sql(group, 1)
	assert members(segment) == set()  # written, not announced: nothing knows yet
	events.announce("customers_changed", customers=[customer], created=[customer])
	assert members(segment) == {customer}
	log = frappe.get_all("Customer Segment Log", {"segment": segment}, ["customer", "action", "reason"])
	assert [(row.customer, row.action, row.reason) for row in log] == [(customer, "Joined", "Rule")]


def test_a_batch_is_refreshed_with_one_query_per_segment_whatever_its_size(group, monkeypatch):
	other_group = make_group_chain(1)[0]
	ours = make_group_segment("Batch", group).name
	theirs = make_group_segment("Other", other_group).name
	batch = insert_customers_by_sql(group, 6)
	segments = len(segment_members._automatic_segments())

	selections = []
	sql = frappe.db.sql

	def counting(query, *args, **kwargs):
		if "from `tabCustomer` c" in str(query) and "c.name in %(customers)s" in str(query):
			selections.append(query)
		return sql(query, *args, **kwargs)

	monkeypatch.setattr(frappe.db, "sql", counting)
	events.announce("customers_changed", customers=batch, created=batch)
	monkeypatch.undo()

	assert len(selections) == segments  # one per automatic segment, not one per customer
	assert members(ours) == set(batch)
	assert members(theirs) == set()

	# the batch moves to the other group: all leave one segment and join the other, in one pass again
	frappe.db.sql(
		"update `tabCustomer` set customer_group = %s where name in %s", (other_group, tuple(batch))
	)
	events.announce("customers_changed", customers=batch, created=[])
	assert members(ours) == set()
	assert members(theirs) == set(batch)


def test_a_removal_by_hand_sticks_when_a_batch_is_announced(group):
	segment = make_group_segment("Sticky", group).name
	batch = insert_customers_by_sql(group, 3)
	events.announce("customers_changed", customers=batch, created=batch)
	segment_members.remove_members(segment, [batch[0]])
	events.announce("customers_changed", customers=batch, created=[])
	assert members(segment) == set(batch[1:])
	assert frappe.db.get_value(MEMBER, {"segment": segment, "customer": batch[0]}, "status") == (
		segment_members.REMOVED
	)


def make_lead() -> str:
	return frappe.get_doc({"doctype": "Lead", "lead_name": unique("Lead"), "status": "Open"}).insert().name


def test_the_leads_of_new_customers_are_converted_whatever_path_made_them(group):
	leads = [make_lead() for _ in range(3)]
	names = insert_customers_by_sql(group, 3)
	for customer, lead in zip(names, leads, strict=True):
		frappe.db.set_value("Customer", customer, "lead_name", lead, update_modified=False)
	# an updated customer (not among the created) leaves its lead as it is
	events.announce("customers_changed", customers=names, created=names[:2])
	status = {lead: frappe.db.get_value("Lead", lead, "status") for lead in leads}
	assert status == {leads[0]: "Converted", leads[1]: "Converted", leads[2]: "Open"}

	# a form save announces the same: its lead is converted by the same reaction
	lead = make_lead()
	make_customer(group, lead_name=lead)
	assert frappe.db.get_value("Lead", lead, "status") == "Converted"


def test_deleted_customers_leave_their_segments(group):
	segment = make_group_segment("Deleted", group).name
	batch = insert_customers_by_sql(group, 2)
	events.announce("customers_changed", customers=batch, created=batch)
	events.announce("customers_deleted", customers=batch)
	assert not frappe.db.exists(MEMBER, {"segment": segment})


@pytest.fixture
def a_target():
	if not frappe.db.count("Sales Target"):
		frappe.get_doc({"doctype": "Sales Target", "target_name": unique("Target"), "is_group": 1}).insert()


def test_nodes_moved_by_an_import_queue_the_targets_recount_after_commit(a_target):
	territory = make_node("Territory", unique("Moved"), get_root_of("Territory")).name
	events.announce("tree_nodes_moved", doctype="Territory", nodes=[territory])
	assert actuals.queue_recount in frappe.db.after_commit._functions
	frappe.db.after_commit._functions.clear()  # not committed: nothing to queue


def test_nodes_of_a_tree_no_target_points_into_queue_nothing(a_target):
	events.announce("tree_nodes_moved", doctype="Customer", nodes=["anything"])
	events.announce("tree_nodes_moved", doctype="Territory", nodes=[])
	assert actuals.queue_recount not in frappe.db.after_commit._functions


def test_one_posting_for_several_customers_brings_them_into_the_segments_that_read_the_ledger(group):
	company = make_company("EUR").name
	segment = frappe.get_doc(
		{
			"doctype": "Customer Segment",
			"segment_name": unique("Owing"),
			"auto_update": 1,
			"company": company,
			"rules": [
				{"field": "customer_group", "operator": "equals", "value": group},
				{"field": "balance", "operator": "greater than", "value": "100"},
			],
		}
	).insert()
	batch = insert_customers_by_sql(group, 3)
	events.announce("customers_changed", customers=batch, created=batch)
	assert members(segment.name) == set()  # nothing owed yet
	ledger.post(
		[
			{
				"customer": customer,
				"company": company,
				"customer_group": group,
				"movement_type": "Adjustment",
				"posting_date": "2026-01-10",
				"currency": "EUR",
				"amount": amount,
				"tax_amount": 0,
				"voucher_type": "Customer Adjustment",
				"voucher_no": unique("ADJ"),
			}
			for customer, amount in zip(batch, (500, 50, 200), strict=True)
		]
	)
	assert members(segment.name) == {batch[0], batch[2]}
