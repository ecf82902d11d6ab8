import frappe
import pytest
from frappe.utils.nestedset import get_root_of

from crm_app.trees import GroupNodeNotAllowedError, MembersExistError, ParentNotAGroupError
from tests.trees import assert_tree_valid, make_node, unique


@pytest.fixture
def leaf_territory():
	return make_node("Territory", unique("Territory"), get_root_of("Territory")).name


def test_a_customer_takes_a_leaf_group_and_a_leaf_territory(leaf_territory):
	customer = make_node(
		"Customer", unique("Acme"), None, customer_group="Commercial", territory=leaf_territory
	)
	assert customer.customer_group == "Commercial"
	assert customer.territory == leaf_territory


def test_a_customer_on_a_group_customer_group_is_refused():
	with pytest.raises(GroupNodeNotAllowedError):
		make_node("Customer", unique("Acme"), None, customer_group=get_root_of("Customer Group"))


def test_a_customer_on_a_group_territory_is_refused():
	with pytest.raises(GroupNodeNotAllowedError):
		make_node("Customer", unique("Acme"), None, territory=get_root_of("Territory"))


def test_a_group_or_territory_holding_customers_cannot_become_a_group(leaf_territory):
	group = make_node("Customer Group", unique("Retail"), get_root_of("Customer Group"))
	make_node("Customer", unique("Acme"), None, customer_group=group.name, territory=leaf_territory)
	group.is_group = 1
	with pytest.raises(MembersExistError):
		group.save()
	territory = frappe.get_doc("Territory", leaf_territory)
	territory.is_group = 1
	with pytest.raises(MembersExistError):
		territory.save()


def test_a_used_customer_group_cannot_be_deleted():
	group = make_node("Customer Group", unique("Retail"), get_root_of("Customer Group"))
	make_node("Customer", unique("Acme"), None, customer_group=group.name)
	with pytest.raises(frappe.LinkExistsError):
		frappe.delete_doc("Customer Group", group.name)


def test_national_account_branches_nest_under_their_head_office():
	office = make_node("Customer", unique("Head Office"), None, is_group=1, customer_group="Commercial")
	branches = [
		make_node("Customer", unique(f"Branch {i}"), office.name, customer_group="Commercial")
		for i in range(3)
	]
	office.reload()
	for branch in branches:
		branch.reload()
		assert office.lft < branch.lft < branch.rgt < office.rgt
	assert office.rgt - office.lft == 2 * len(branches) + 1
	# a plain customer (not a head office) cannot take branches
	with pytest.raises(ParentNotAGroupError):
		make_node("Customer", unique("Sub-branch"), branches[0].name)
	assert_tree_valid("Customer")
