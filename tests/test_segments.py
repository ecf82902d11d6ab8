"""Customer segments (issue 11): rules as data over a hand-made set of customers, every operator, all/any,
subtrees, balances from the ledger, automatic joins and leaves, manual members that stick, the dry run,
the history, and the bad rules refused."""

import frappe
import pytest
from frappe.utils import add_days, today
from frappe.utils.nestedset import get_root_of

from crm_app.api import segments as api
from crm_app.customers import segment_members
from crm_app.customers.segment_rules import OPERATORS, InvalidSegmentRuleError, compile_rules, rule_fields
from tests.fixtures import make_company, make_customer, make_group_chain
from tests.receivables import invoice, make_item, payment
from tests.trees import make_node, unique
from tests.users import http_session, make_user

MEMBER, LOG = "Customer Segment Member", "Customer Segment Log"


@pytest.fixture
def data():
	"""Six customers under one group: two leaves, two territories, balances from real invoices, one frozen,
	one disabled, one with a sales person and a language."""
	company = make_company("EUR").name
	top = make_group_chain(1)[0]
	frappe.db.set_value("Customer Group", top, "is_group", 1)
	leaf_a = make_node("Customer Group", unique("Leaf A"), top).name
	leaf_b = make_node("Customer Group", unique("Leaf B"), top).name
	root_territory = get_root_of("Territory")
	region = make_node("Territory", unique("Region"), root_territory, is_group=1).name
	town = make_node("Territory", unique("Town"), region).name
	elsewhere = make_node("Territory", unique("Elsewhere"), root_territory).name
	seller = make_node("Sales Person", unique("Seller"), get_root_of("Sales Person")).name
	item = make_item()
	spec = {
		"c1": (leaf_a, town, "Company", 500),
		"c2": (leaf_a, town, "Individual", 50),
		"c3": (leaf_b, town, "Company", 2000),
		"c4": (leaf_b, elsewhere, "Company", 500),
		"c5": (leaf_a, town, "Company", 500),
		"c6": (leaf_a, town, "Individual", 500),
	}
	customers = {}
	for key, (group, territory, kind, amount) in spec.items():
		customer = make_customer(group, territory=territory, customer_type=kind).name
		invoice(customer, company, item, rate=amount, posting_date="2026-01-10")
		customers[key] = customer
	frappe.db.set_value("Customer", customers["c5"], {"is_frozen": 1, "freeze_reason": "Dispute"})
	frappe.db.set_value("Customer", customers["c6"], "disabled", 1)
	frappe.db.set_value("Customer", customers["c2"], "language", "fr")
	c3 = frappe.get_doc("Customer", customers["c3"])
	c3.append("sales_team", {"sales_person": seller, "allocated_percentage": 100})
	c3.save()
	return frappe._dict(
		company=company,
		top=top,
		leaf_a=leaf_a,
		leaf_b=leaf_b,
		region=region,
		town=town,
		elsewhere=elsewhere,
		seller=seller,
		item=item,
		**customers,
	)


def ours(data) -> dict:
	return {"field": "customer_group", "operator": "in subtree of", "value": data.top}


def matching(data, *rules, match="All") -> set[str]:
	"""The keys (c1..c6) of the data set's customers the rules select."""
	query, values = segment_members.matching_query(frappe._dict(rules=list(rules), match=match))
	names = {row[0] for row in frappe.db.sql(query, values)}
	return {key for key in ("c1", "c2", "c3", "c4", "c5", "c6") if data[key] in names}


def rule(field, operator, value=None, value_to=None):
	return {"field": field, "operator": operator, "value": value, "value_to": value_to}


def make_segment(data, *rules, auto=1, match="All", **fields):
	return frappe.get_doc(
		{
			"doctype": "Customer Segment",
			"segment_name": unique("Segment"),
			"match": match,
			"auto_update": auto,
			"rules": [ours(data), *rules],
			"company": data.company,  # else the user's default company, whose ledger the data set is not in
			**fields,
		}
	).insert()


def members(segment) -> dict[str, tuple[str, str]]:
	return {
		row.customer: (row.status, row.source)
		for row in frappe.get_all(MEMBER, {"segment": segment}, ["customer", "status", "source"])
	}


def test_the_seeds_example_active_customers_of_a_territory_with_a_balance_between_100_and_1000(data):
	segment = make_segment(
		data,
		rule("status", "equals", "Active"),
		rule("territory", "in subtree of", data.region),
		rule("balance", "between", "100", "1000"),
	)
	assert members(segment.name) == {data.c1: ("Member", "Rule")}
	assert frappe.db.get_value("Customer Segment", segment.name, "member_count") == 1
	history = frappe.get_all(LOG, {"segment": segment.name}, ["customer", "action", "reason", "user"])
	assert [(h.customer, h.action, h.reason, h.user) for h in history] == [
		(data.c1, "Joined", "Rule", "Administrator")
	]


@pytest.mark.parametrize(
	"rules, expected",
	[
		([rule("customer_type", "equals", "Company")], {"c1", "c3", "c4", "c5"}),
		([rule("customer_type", "not equals", "Company")], {"c2", "c6"}),
		([rule("customer_type", "one of", "Individual, Nobody")], {"c2", "c6"}),
		([rule("customer_type", "none of", "Individual")], {"c1", "c3", "c4", "c5"}),
		([rule("customer_type", "contains", "divid")], {"c2", "c6"}),
		([rule("customer_type", "starts with", "Comp")], {"c1", "c3", "c4", "c5"}),
		([rule("customer_name", "is set")], {"c1", "c2", "c3", "c4", "c5", "c6"}),
		([rule("market_segment", "is not set")], {"c1", "c2", "c3", "c4", "c5", "c6"}),
		([rule("market_segment", "is set")], set()),
		([rule("language", "equals", "fr")], {"c2"}),
		([rule("customer_group", "in subtree of", "{leaf_a}")], {"c1", "c2", "c5", "c6"}),
		([rule("customer_group", "not in subtree of", "{leaf_a}")], {"c3", "c4"}),
		([rule("customer_group", "equals", "{leaf_b}")], {"c3", "c4"}),
		([rule("customer_group", "not equals", "{leaf_b}")], {"c1", "c2", "c5", "c6"}),
		([rule("territory", "in subtree of", "{region}")], {"c1", "c2", "c3", "c5", "c6"}),
		([rule("territory", "not in subtree of", "{region}")], {"c4"}),
		([rule("sales_person", "in subtree of", "{seller}")], {"c3"}),
		([rule("sales_person", "is set")], {"c3"}),
		([rule("sales_person", "is not set")], {"c1", "c2", "c4", "c5", "c6"}),
		([rule("status", "equals", "Active")], {"c1", "c2", "c3", "c4"}),
		([rule("status", "equals", "Frozen")], {"c5"}),
		([rule("status", "equals", "Disabled")], {"c6"}),
		([rule("status", "not equals", "Active")], {"c5", "c6"}),
		([rule("balance", "equals", "2000")], {"c3"}),
		([rule("balance", "not equals", "500")], {"c2", "c3"}),
		([rule("balance", "greater than", "500")], {"c3"}),
		([rule("balance", "at least", "500")], {"c1", "c3", "c4", "c5", "c6"}),
		([rule("balance", "less than", "500")], {"c2"}),
		([rule("balance", "at most", "50")], {"c2"}),
		([rule("balance", "between", "40", "600")], {"c1", "c2", "c4", "c5", "c6"}),
		([rule("overdue_amount", "greater than", "1000")], {"c3"}),
		([rule("creation", "after", "{yesterday}")], {"c1", "c2", "c3", "c4", "c5", "c6"}),
		([rule("creation", "before", "2000-01-01")], set()),
		([rule("creation", "equals", "{today}")], {"c1", "c2", "c3", "c4", "c5", "c6"}),
		([rule("creation", "between", "{yesterday}", "{today}")], {"c1", "c2", "c3", "c4", "c5", "c6"}),
		([rule("creation", "in the last days", "1")], {"c1", "c2", "c3", "c4", "c5", "c6"}),
		([rule("creation", "is set")], {"c1", "c2", "c3", "c4", "c5", "c6"}),
		(
			[rule("customer_type", "equals", "Individual"), rule("balance", "greater than", "100")],
			{"c6"},
		),
	],
)
def test_each_operator(data, rules, expected):
	values = {**data, "yesterday": add_days(today(), -1), "today": today()}
	rules = [{k: (v.format(**values) if isinstance(v, str) else v) for k, v in r.items()} for r in rules]
	assert matching(data, *rules) == expected


def test_match_any(data):
	assert matching(
		data, rule("status", "equals", "Frozen"), rule("balance", "greater than", "1000"), match="Any"
	) == {"c3", "c5"}


def make_address(
	customer, state, city, pincode="", address_type="Billing", country="United States", **fields
):
	"""A Frappe Address linked to the customer (Dynamic Link), as the Address form makes one."""
	return frappe.get_doc(
		{
			"doctype": "Address",
			"address_title": unique("Address"),
			"address_type": address_type,
			"address_line1": "1 Main Street",
			"city": city,
			"state": state,
			"pincode": pincode,
			"country": country,
			"links": [{"link_doctype": "Customer", "link_name": customer}],
			**fields,
		}
	).insert()


@pytest.fixture
def addressed(data):
	"""The six customers' addresses: the billing one is the customer's primary address (c1), else its
	Preferred Billing Address (c2), else one of type Billing (c6); c3 has only a shipping address in CA,
	c4 bills in NY and ships to CA, c5 has none."""
	make_address(data.c1, "NY", "New York", "10001")  # a billing address, but not the primary one
	primary = make_address(data.c1, "CA", "San Francisco", "94105", address_type="Office")
	c1 = frappe.get_doc("Customer", data.c1)
	c1.customer_primary_address = primary.name
	c1.save()
	make_address(data.c2, "NY", "Albany", "12207")
	data.c2_preferred = make_address(
		data.c2, "CA", "Los Angeles", "90001", address_type="Office", is_primary_address=1
	).name
	make_address(data.c3, "CA", "San Diego", "92101", address_type="Shipping", is_shipping_address=1)
	data.c4_billing = make_address(data.c4, "NY", "New York", "10002").name
	make_address(data.c4, "CA", "San Jose", "95101", address_type="Shipping", is_shipping_address=1)
	make_address(data.c6, "CA", "San Diego", "92102")
	make_address(data.c6, "NV", "Reno", "89501", disabled=1)  # disabled: never read
	return data


@pytest.mark.parametrize(
	"rules, expected",
	[
		([rule("billing_state", "equals", "CA")], {"c1", "c2", "c6"}),
		([rule("billing_state", "equals", "ca")], {"c1", "c2", "c6"}),  # as any text rule: any case
		([rule("billing_state", "not equals", "CA")], {"c3", "c4", "c5"}),
		([rule("billing_state", "one of", "NY, NV")], {"c4"}),
		([rule("billing_state", "none of", "CA, NY")], {"c3", "c5"}),
		([rule("billing_state", "is not set")], {"c3", "c5"}),
		([rule("billing_city", "one of", "San Francisco, San Diego")], {"c1", "c6"}),
		([rule("billing_city", "contains", "an")], {"c1", "c2", "c6"}),
		([rule("billing_pincode", "starts with", "9")], {"c1", "c2", "c6"}),
		([rule("billing_pincode", "starts with", "941")], {"c1"}),
		([rule("billing_pincode", "is set")], {"c1", "c2", "c4", "c6"}),
		([rule("billing_country", "equals", "United States")], {"c1", "c2", "c4", "c6"}),
		(
			[rule("status", "equals", "Active"), rule("billing_state", "equals", "CA")],
			{"c1", "c2"},  # the seed's "active customers in California" (c6 is disabled)
		),
	],
)
def test_address_rules_read_the_billing_address_only(addressed, rules, expected):
	assert matching(addressed, *rules) == expected


def test_a_billing_address_rule_is_evaluated_in_the_query_not_per_customer(addressed):
	"""One query for all customers: the address is read by a subquery, the value stays a parameter."""
	compiled = compile_rules([rule("billing_state", "equals", "CA' or 1=1 --")])
	assert "tabAddress" in compiled.where and "CA'" not in compiled.where
	assert compiled.values["r1"] == "CA' or 1=1 --" and not compiled.reads_ledger
	assert matching(addressed, rule("billing_state", "equals", "CA' or 1=1 --")) == set()


def test_a_segment_of_billing_states_follows_address_changes_and_its_dry_run(addressed):
	data = addressed
	rules = [ours(data), rule("billing_state", "equals", "CA")]
	preview = api.preview_segment(rules=frappe.as_json(rules))
	segment = make_segment(data, rule("billing_state", "equals", "CA"))
	assert sorted(members(segment.name)) == sorted(preview["joining"]) == sorted([data.c1, data.c2, data.c6])
	# c4's billing address moves to California: c4 joins as the address is saved
	address = frappe.get_doc("Address", data.c4_billing)
	address.state = "CA"
	address.save()
	assert data.c4 in members(segment.name)
	# c2's preferred billing address is deleted: c2 leaves (its other billing address is in NY)
	frappe.delete_doc("Address", data.c2_preferred)
	assert data.c2 not in members(segment.name)
	# c5's primary address, not linked to it: its change reaches c5 all the same
	unlinked = make_address(data.c5, "CA", "Fresno", "93650", links=[])
	c5 = frappe.get_doc("Customer", data.c5)
	c5.customer_primary_address = unlinked.name
	c5.save()
	assert data.c5 in members(segment.name)
	unlinked.state = "OR"
	unlinked.save()
	assert data.c5 not in members(segment.name)
	# the dry run of the saved segment agrees with its refresh
	again = api.preview_segment(segment.name)
	segment_members.refresh(segment.name)
	assert (again["join"], again["leave"]) == (0, 0)
	assert again["matching"] == len(members(segment.name)) == 3


def test_an_address_changed_behind_the_forms_back_makes_the_next_refresh_evaluate_again(addressed):
	"""A refresh is skipped when nothing its rules read changed: the addresses are among what they read."""
	segment = make_segment(addressed, rule("billing_state", "equals", "CA"))
	assert addressed.c4 not in members(segment.name)
	frappe.db.set_value("Address", addressed.c4_billing, "state", "CA", update_modified=False)
	segment_members.refresh(segment.name)
	assert addressed.c4 in members(segment.name)


@pytest.fixture(scope="module")
def custom_field():
	"""A Custom Field on Customer, as a user adds one (adding a column commits, so it is made first and
	removed at the end)."""
	frappe.db.commit()
	name = frappe.db.exists("Custom Field", {"dt": "Customer", "fieldname": "crm_test_score"})
	if not name:
		name = (
			frappe.get_doc(
				{
					"doctype": "Custom Field",
					"dt": "Customer",
					"fieldname": "crm_test_score",
					"label": "Test Score",
					"fieldtype": "Int",
					"insert_after": "customer_type",
				}
			)
			.insert()
			.name
		)
		frappe.db.commit()
	yield "crm_test_score"
	frappe.db.rollback()
	frappe.delete_doc("Custom Field", name)
	frappe.db.commit()


def test_a_custom_field_of_customer_can_be_a_rule(custom_field, data):
	frappe.db.set_value("Customer", data.c4, custom_field, 7)
	assert matching(data, rule(custom_field, "at least", "5")) == {"c4"}
	with pytest.raises(InvalidSegmentRuleError, match="operators"):
		compile_rules([rule(custom_field, "contains", "5")])


@pytest.mark.parametrize(
	"bad, says",
	[
		(rule("password", "equals", "x"), "not a field"),
		(rule("customer_type; drop table x", "equals", "x"), "not a field"),
		(rule("balance", "contains", "1"), "operators"),
		(rule("customer_type", "drop", "x"), "operators"),
		(rule("balance", "greater than", "a lot"), "number"),
		(rule("balance", "between", "1", None), "value"),
		(rule("creation", "after", "31/31/2026"), "date"),
		(rule("creation", "in the last days", "-3"), "whole number"),
		(rule("status", "equals", "Sleeping"), "must be one of"),
		(rule("territory", "in subtree of", "Atlantis"), "does not exist"),
		(rule("customer_type", "one of", " , "), "separated by commas"),
		(rule("customer_type", "equals", ""), "give a value"),
		(rule("billing_state", "greater than", "CA"), "operators"),
		(rule("billing_city", "in subtree of", "Paris"), "operators"),
		(rule("billing_pincode", "one of", ","), "separated by commas"),
	],
)
def test_a_bad_rule_is_refused_with_a_clear_error(bad, says):
	with pytest.raises(InvalidSegmentRuleError, match=says):
		compile_rules([bad])


def test_a_segment_with_a_bad_rule_is_not_saved(data):
	with pytest.raises(InvalidSegmentRuleError):
		make_segment(data, rule("balance", "greater than", "lots"))
	with pytest.raises(InvalidSegmentRuleError):
		compile_rules([], match="Most")


def test_membership_follows_customer_changes_and_the_ledger(data):
	segment = make_segment(data, rule("territory", "equals", data.town), rule("balance", "at least", "1000"))
	assert set(members(segment.name)) == {data.c3}
	# the ledger moves: c1 owes 1,500 after a new invoice and joins
	invoice(data.c1, data.company, data.item, rate=1000, posting_date="2026-02-10")
	assert set(members(segment.name)) == {data.c1, data.c3}
	# the customer changes: c3 moves out of the town and leaves
	c3 = frappe.get_doc("Customer", data.c3)
	c3.territory = data.elsewhere
	c3.save()
	assert set(members(segment.name)) == {data.c1}
	actions = frappe.get_all(LOG, {"segment": segment.name}, ["customer", "action"], order_by="name")
	assert [(a.customer, a.action) for a in actions] == [
		(data.c3, "Joined"),
		(data.c1, "Joined"),
		(data.c3, "Left"),
	]


def test_the_overdue_amount_counts_what_is_due_before_today_only(data):
	# c1 owes 5,000 more, due in ten days (dated then): its balance counts it, its overdue amount not yet
	invoice(data.c1, data.company, data.item, rate=5000, posting_date=add_days(today(), 10))
	assert matching(data, rule("balance", "greater than", "1000")) == {"c1", "c3"}
	assert matching(data, rule("overdue_amount", "greater than", "1000")) == {"c3"}
	assert matching(data, rule("overdue_amount", "equals", "500")) == {"c1", "c4", "c5", "c6"}
	# what it says changes with the date alone: a refresh's fingerprint carries the date
	assert compile_rules([rule("overdue_amount", "greater than", "1")]).reads_date
	assert not compile_rules([rule("balance", "greater than", "1")]).reads_date


def test_a_refresh_evaluates_the_rules_again_only_when_what_they_read_changed(data, monkeypatch):
	segment = make_segment(data, rule("balance", "at least", "1000"))
	assert set(members(segment.name)) == {data.c3}
	real_matches = segment_members._matches

	def evaluating(*args, **kwargs):
		raise AssertionError("the rules were evaluated")

	monkeypatch.setattr(segment_members, "_matches", evaluating)
	# nothing changed: nothing evaluated
	assert segment_members.refresh(segment.name) == {"joined": 0, "left": 0}
	# a kept figure changed behind the postings' back (what a rebuild would put right) is seen
	frappe.db.sql(
		"update `tabCustomer Balance` set balance = 1500 where customer = %s and company = %s",
		(data.c1, data.company),
	)
	with pytest.raises(AssertionError, match="evaluated"):
		segment_members.refresh(segment.name)
	monkeypatch.setattr(segment_members, "_matches", real_matches)
	assert segment_members.refresh(segment.name) == {"joined": 1, "left": 0}
	assert set(members(segment.name)) == {data.c1, data.c3}
	# so is a customer's change, a member row written by hand, a posting
	for change in (
		lambda: frappe.db.set_value("Customer", data.c4, "customer_type", "Individual"),
		lambda: frappe.db.sql("delete from `tabCustomer Segment Member` where customer = %s", data.c3),
		lambda: invoice(data.c2, data.company, data.item, rate=10, posting_date="2026-01-10"),
	):
		segment_members.refresh(segment.name)
		change()
		monkeypatch.setattr(segment_members, "_matches", evaluating)
		with pytest.raises(AssertionError, match="evaluated"):
			segment_members.refresh(segment.name)
		monkeypatch.setattr(segment_members, "_matches", real_matches)
	# the member deleted by hand is brought back by the refresh that saw it
	segment_members.refresh(segment.name)
	assert set(members(segment.name)) == {data.c1, data.c3}


def test_a_posting_moves_a_customer_into_a_segment_on_the_kept_balance(data):
	segment = make_segment(
		data, rule("balance", "greater than", "700"), rule("overdue_amount", "at least", "600")
	)
	assert set(members(segment.name)) == {data.c3}
	invoice(data.c4, data.company, data.item, rate=300, posting_date="2026-01-10")
	assert set(members(segment.name)) == {data.c3, data.c4}
	assert segment_members.refresh(segment.name) == {"joined": 0, "left": 0}
	assert set(members(segment.name)) == {data.c3, data.c4}


def test_a_part_payment_takes_a_customer_out_of_an_overdue_segment_at_once(data):
	segment = make_segment(data, rule("overdue_amount", "at least", "1000"))
	assert set(members(segment.name)) == {data.c3}
	c3_invoice = frappe.get_all("Sales Invoice", {"customer": data.c3, "docstatus": 1}, pluck="name")[0]
	payment(data.c3, data.company, 1500, [(c3_invoice, 1500)])
	assert set(members(segment.name)) == set()


def test_a_manual_removal_sticks_and_a_manual_member_stays(data):
	segment = make_segment(data, rule("customer_type", "equals", "Company"))
	assert set(members(segment.name)) == {data.c1, data.c3, data.c4, data.c5}
	segment_members.remove_members(segment.name, [data.c1])
	segment_members.add_members(segment.name, [data.c2])  # an individual: the rules do not match
	segment_members.refresh(segment.name)
	assert members(segment.name) == {
		data.c1: ("Removed by Hand", "Manual"),
		data.c2: ("Member", "Manual"),
		data.c3: ("Member", "Rule"),
		data.c4: ("Member", "Rule"),
		data.c5: ("Member", "Rule"),
	}
	assert frappe.db.get_value("Customer Segment", segment.name, "member_count") == 4
	assert segment_members.preview(segment.as_dict())["kept_out"] == 1
	# added back by hand: a member again
	segment_members.add_members(segment.name, [data.c1])
	assert members(segment.name)[data.c1] == ("Member", "Manual")
	history = frappe.get_all(
		LOG, {"segment": segment.name, "customer": data.c1}, ["action", "reason"], order_by="name"
	)
	assert [(h.action, h.reason) for h in history] == [
		("Joined", "Rule"),
		("Left", "Manual"),
		("Joined", "Manual"),
	]


def test_off_the_rules_only_propose(data):
	segment = make_segment(data, rule("customer_group", "equals", data.leaf_b), auto=0)
	assert members(segment.name) == {}
	proposal = segment_members.preview(segment.as_dict())
	assert (proposal["join"], proposal["leave"]) == (2, 0)
	assert sorted(proposal["joining"]) == sorted([data.c3, data.c4])
	invoice(data.c3, data.company, data.item, rate=10)  # the ledger moves: still nothing by itself
	assert members(segment.name) == {}
	assert api.refresh_segment(segment.name) == {"joined": 2, "left": 0}
	assert set(members(segment.name)) == {data.c3, data.c4}


def test_the_dry_run_counts_who_joins_and_who_leaves_before_a_change_is_saved(data):
	segment = make_segment(data, rule("customer_group", "equals", data.leaf_b))  # c3, c4
	changed = [ours(data), rule("balance", "at least", "500"), rule("territory", "equals", data.town)]
	preview = api.preview_segment(segment.name, rules=frappe.as_json(changed))
	# c1, c5, c6 would join (c3 stays), c4 would leave
	assert (preview["matching"], preview["join"], preview["leave"]) == (4, 3, 1)
	assert sorted(preview["joining"]) == sorted([data.c1, data.c5, data.c6])
	assert preview["leaving"] == [data.c4]
	assert set(members(segment.name)) == {data.c3, data.c4}  # nothing changed


def test_a_segment_saved_without_a_company_counts_every_company_as_its_dry_run_did(data):
	"""Issue 22: saved without a company, a segment took the default company for its balance rules while
	its dry run counted every company. Both count every company now, and the dry run says which."""
	other = make_company("EUR").name
	invoice(data.c2, other, data.item, rate=5000, posting_date="2026-01-10")  # c2 owes 5050 in all
	before = frappe.defaults.get_user_default("company")
	frappe.defaults.set_user_default("company", data.company)  # the default a save used to fill in
	try:
		rules = [ours(data), rule("balance", "at least", "1000")]
		preview = api.preview_segment(rules=frappe.as_json(rules))
		assert preview["company"] is None
		assert sorted(preview["joining"]) == sorted([data.c2, data.c3])
		segment = frappe.get_doc(
			{"doctype": "Customer Segment", "segment_name": unique("No company"), "rules": rules}
		).insert()
		assert not segment.company
		assert sorted(members(segment.name)) == sorted(preview["joining"])
		# with a company, the dry run and the save count its ledger only
		counted = api.preview_segment(rules=frappe.as_json(rules), company=data.company)
		assert (counted["company"], counted["joining"]) == (data.company, [data.c3])
		segment.company = data.company
		segment.save()
		assert sorted(members(segment.name)) == [data.c3]
	finally:
		if before:
			frappe.defaults.set_user_default("company", before)
		else:
			frappe.defaults.clear_user_default("company")


def test_the_form_reads_each_rule_field_with_its_label_kind_operators_and_tree(custom_field, data):
	"""One server function tells the form what a rule may name, in the user's language."""
	user = make_user("Sales User")
	frappe.set_user(user)
	frappe.local.lang = "fr"
	try:
		answer = api.rule_fields(company=data.company)
	finally:
		frappe.set_user("Administrator")
		frappe.local.lang = "en"
	assert answer["currency"] == "EUR"
	fields = {choice["fieldname"]: choice for choice in answer["fields"]}
	assert set(fields) == set(rule_fields())  # the custom field among them
	labels = [choice["label"] for choice in answer["fields"]]
	assert labels == sorted(labels, key=str.lower)
	territory = fields["territory"]
	assert (territory["label"], territory["kind"], territory["fieldtype"], territory["tree"]) == (
		"Territoire",
		"tree",
		"Link",
		"Territory",
	)
	assert [o["value"] for o in territory["operators"]] == list(OPERATORS["tree"])
	assert territory["operators"][0]["label"] == "dans l'arborescence de"
	assert territory["operators"][0]["phrase"] == "{0} dans la branche {1}"
	overdue = fields["overdue_amount"]
	assert (overdue["label"], overdue["fieldtype"], overdue["reads_ledger"]) == (
		"Montant en retard",
		"Currency",
		True,
	)
	assert [o["value"] for o in overdue["operators"]] == list(OPERATORS["number"])
	assert (fields["creation"]["fieldtype"], fields["customer_type"]["fieldtype"]) == ("Date", "Data")
	assert fields["status"]["options"][0] == {"value": "Active", "label": "Actif"}
	state = fields["billing_state"]  # issue 22: the billing address's fields, text operators
	assert (state["label"], state["kind"], state["fieldtype"]) == ("État de facturation", "text", "Data")
	assert [o["value"] for o in state["operators"]] == list(OPERATORS["text"])
	assert fields["billing_pincode"]["label"] == "Code postal de facturation"
	assert (fields[custom_field]["label"], fields[custom_field]["fieldtype"]) == ("Test Score", "Int")
	with pytest.raises(frappe.DoesNotExistError):
		api.rule_fields(company=unique("No such company"))
	frappe.set_user(make_user())  # no role: no segment to read
	try:
		with pytest.raises(frappe.PermissionError):
			api.rule_fields()
	finally:
		frappe.set_user("Administrator")


def test_deleting_a_customer_or_a_segment_takes_its_members_along(data):
	segment = make_segment(data, rule("customer_group", "equals", data.leaf_b))
	new = make_customer(data.leaf_b, territory=data.town).name  # a new customer joins as it is saved
	assert set(members(segment.name)) == {data.c3, data.c4, new}
	frappe.delete_doc("Customer", new)
	assert set(members(segment.name)) == {data.c3, data.c4}
	frappe.delete_doc("Customer Segment", segment.name)
	assert not frappe.db.exists(MEMBER, {"segment": segment.name})
	assert frappe.db.exists(LOG, {"segment": segment.name})  # the history stays


def test_who_may_create_change_and_delete_a_segment(data):
	segment = make_segment(data, rule("customer_group", "equals", data.leaf_b))
	for roles, may in (
		(("Sales User",), {"read": True, "create": False, "write": False, "delete": False}),
		(("Sales Manager",), {"read": True, "create": True, "write": True, "delete": False}),
		(("CRM Manager",), {"read": True, "create": True, "write": True, "delete": True}),
	):
		user = make_user(*roles)
		frappe.set_user(user)
		assert {p: bool(frappe.has_permission("Customer Segment", p, segment.name)) for p in may} == may, (
			roles
		)
		if not may["write"]:
			with pytest.raises(frappe.PermissionError):
				api.add_members(segment.name, data.c1)
		frappe.set_user("Administrator")


def test_over_rest_as_each_role_and_from_bench(server_url):
	"""Committed: the server and the bench command read the site. A Sales Manager makes a segment, a Sales
	User reads its dry run but may not change it, bad rules are a 417 with the reason, never a 500."""
	import requests
	from frappe.utils.password import update_password

	from tests.test_tree_rebuild import bench
	from tests.users import remove_user

	group = make_group_chain(1)[0]
	customer = make_customer(group).name
	users = {role: make_user(role) for role in ("Sales Manager", "Sales User")}
	for user in users.values():
		update_password(user, "Segments-pass-1234!")
	frappe.db.commit()
	sessions = {}
	for role, user in users.items():
		sessions[role] = http_session(server_url, user, "Segments-pass-1234!")
	name = unique("REST segment")
	try:
		rules = [{"field": "customer_group", "operator": "equals", "value": group}]
		made = sessions["Sales Manager"].post(
			f"{server_url}/api/resource/Customer Segment",
			json={"segment_name": name, "rules": rules, "auto_update": 1},
		)
		assert made.status_code == 200, made.text[-500:]
		assert made.json()["data"]["member_count"] == 1
		bad = sessions["Sales Manager"].post(
			f"{server_url}/api/resource/Customer Segment",
			json={
				"segment_name": unique("Bad"),
				"rules": [{"field": "secret", "operator": "equals", "value": 1}],
			},
		)
		assert bad.status_code == 417 and "InvalidSegmentRuleError" in bad.text
		method = f"{server_url}/api/method/crm_app.api.segments"
		preview = sessions["Sales User"].get(f"{method}.preview_segment", params={"segment": name})
		assert preview.status_code == 200 and preview.json()["message"]["matching"] == 1
		for bad_rules in (
			'[{"field": "balance", "operator": "greater than", "value": "x"}]',
			"{not json",
			"[1]",
		):
			refused = sessions["Sales User"].get(
				f"{method}.preview_segment", params={"segment": name, "rules": bad_rules}
			)
			assert 400 <= refused.status_code < 500, refused.text[-500:]
		denied = sessions["Sales User"].post(
			f"{method}.remove_members", data={"segment": name, "customers": customer}
		)
		assert denied.status_code == 403
		removed = sessions["Sales Manager"].post(
			f"{method}.remove_members", data={"segment": name, "customers": customer}
		)
		assert removed.status_code == 200 and removed.json()["message"] == {"removed": 1}
		done = bench("refresh-segments", name)
		assert done.returncode == 0 and "0 joined, 0 left" in done.stdout, done.stderr[-2000:]
		missing = bench("refresh-segments", unique("No such segment"))
		assert missing.returncode != 0 and "No such customer segment" in missing.stderr
	finally:
		frappe.db.rollback()
		frappe.delete_doc("Customer Segment", name, force=True, ignore_missing=True)
		frappe.db.delete(LOG, {"segment": name})
		frappe.delete_doc("Customer", customer, force=True)
		frappe.delete_doc("Customer Group", group, force=True)
		for user in users.values():
			remove_user(user)
		frappe.db.commit()


def test_address_rules_over_rest_and_the_company_a_save_keeps(server_url):
	"""Committed: the server reads the site. A Sales Manager whose default company is set saves a segment
	of billing states over REST without a company: it keeps none, and its dry run (of the saved segment, or
	of its rules as the form sends them, company "") counts with that same empty company and agrees with
	what the save's refresh brought in. An operator an address field does not take is a 417, never a 500."""
	from frappe.utils.password import update_password

	from tests.receivables import purge_masters
	from tests.users import remove_user

	group = make_group_chain(1)[0]
	billed = make_customer(group).name
	shipped = make_customer(group).name
	addresses = [
		make_address(billed, "CA", "Oakland", "94601").name,
		make_address(shipped, "CA", "Fresno", "93650", address_type="Shipping").name,
	]
	company = make_company("EUR").name
	user = make_user("Sales Manager")
	update_password(user, "Segments-pass-1234!")
	frappe.defaults.set_user_default("company", company, user)
	frappe.db.commit()
	session = http_session(server_url, user, "Segments-pass-1234!")
	method = f"{server_url}/api/method/crm_app.api.segments.preview_segment"
	name = unique("Californie")
	rules = [
		{"field": "customer_group", "operator": "equals", "value": group},
		{"field": "billing_state", "operator": "one of", "value": "CA, OR"},
	]
	try:
		made = session.post(
			f"{server_url}/api/resource/Customer Segment",
			json={"segment_name": name, "rules": rules, "auto_update": 1},
		)
		assert made.status_code == 200, made.text[-500:]
		saved = made.json()["data"]
		assert (saved["company"], saved["member_count"]) == (None, 1)
		assert frappe.get_all(MEMBER, {"segment": name}, pluck="customer") == [billed]
		for params in (
			{"segment": name},
			{"segment": name, "rules": frappe.as_json(rules), "match": "All", "company": ""},
		):
			preview = session.get(method, params=params)
			assert preview.status_code == 200, preview.text[-500:]
			said = preview.json()["message"]
			assert (said["company"], said["matching"], said["join"], said["leave"]) == (None, 1, 0, 0)
		for bad in (
			{"field": "billing_state", "operator": "greater than", "value": "CA"},
			{"field": "billing_city", "operator": "between", "value": "A", "value_to": "B"},
			{"field": "billing_pincode", "operator": "in subtree of", "value": "9"},
			{"field": "billing_country", "operator": "like", "value": "%"},
		):
			refused = session.get(method, params={"segment": name, "rules": frappe.as_json([bad])})
			assert refused.status_code == 417 and "InvalidSegmentRuleError" in refused.text, bad
			not_saved = session.put(
				f"{server_url}/api/resource/Customer Segment/{name}", json={"rules": [rules[0], bad]}
			)
			assert not_saved.status_code == 417 and "InvalidSegmentRuleError" in not_saved.text, bad
		frappe.db.rollback()
		assert [r.field for r in frappe.get_doc("Customer Segment", name).rules] == [
			"customer_group",
			"billing_state",
		]
	finally:
		frappe.db.rollback()
		frappe.delete_doc("Customer Segment", name, force=True, ignore_missing=True)
		frappe.db.delete(LOG, {"segment": name})
		for address in addresses:
			frappe.delete_doc("Address", address, force=True)
		purge_masters([billed, shipped], [group], companies=[company])
		frappe.defaults.clear_user_default("company", user)
		remove_user(user)
		frappe.db.commit()
