"""The tree views' nodes for users limited to part of a tree (a User Permission on a territory or a
customer group, a segment restricting their role): the top of the tree is the highest nodes they read
(never an empty list, on which the desk's tree view fails), and each node lists only the children they
read."""

import frappe
import pytest
from frappe.utils.nestedset import get_root_of

from crm_app.api.tree import get_children
from tests.fixtures import make_customer, make_group_chain
from tests.segments import make_group_segment
from tests.trees import make_node, unique
from tests.users import make_user


def nodes(doctype: str, parent: str = "", is_root: bool = False) -> list[str]:
	return [row["value"] for row in get_children(doctype=doctype, parent=parent, is_root=is_root)]


def limit(user: str, allow: str, value: str) -> None:
	frappe.get_doc({"doctype": "User Permission", "user": user, "allow": allow, "for_value": value}).insert()


@pytest.fixture
def as_user():
	yield lambda user: frappe.set_user(user)
	frappe.set_user("Administrator")
	frappe.clear_cache()  # the user permissions cached by the test are rolled back with it


@pytest.fixture
def territories():
	"""Two regions under the root, a town in each; a third region holding a nested one."""
	root = get_root_of("Territory")
	made = frappe._dict(root=root)
	for key in ("a", "b", "c"):
		made[key] = make_node("Territory", unique(f"Tree region {key}"), root, is_group=1).name
		made[f"{key}_town"] = make_node("Territory", unique(f"Tree town {key}"), made[key], is_group=0).name
	made.nested = make_node("Territory", unique("Tree nested"), made.c, is_group=1).name
	return made


def test_a_user_limited_to_a_territory_has_it_as_the_top_of_the_tree(territories, as_user):
	user = make_user("Sales User")
	limit(user, "Territory", territories.a)
	as_user(user)
	# what the desk's tree view asks first (no parent): one node, which it then shows as the root
	assert nodes("Territory") == [territories.a]
	assert nodes("Territory", territories.a, is_root=True) == [territories.a_town]
	# under the real root (asked for by name) only their region; nothing of the other regions
	assert nodes("Territory", territories.root, is_root=True) == [territories.a]
	assert nodes("Territory", territories.b) == []


def test_a_user_limited_to_two_branches_has_both_at_the_top(territories, as_user):
	user = make_user("Sales User")
	limit(user, "Territory", territories.a)
	limit(user, "Territory", territories.nested)  # a grandchild of the root, its parent not theirs
	as_user(user)
	assert nodes("Territory") == [territories.a, territories.nested]
	# with several tops the desk shows the doctype as the root, whose value is "": the same tops
	assert nodes("Territory", "", is_root=True) == [territories.a, territories.nested]


def test_an_unrestricted_user_still_has_the_root_at_the_top(territories, as_user):
	as_user(make_user("Sales User"))
	assert nodes("Territory") == [territories.root]
	assert territories.a in nodes("Territory", territories.root, is_root=True)


def test_a_user_limited_to_a_customer_group_has_it_as_the_top_of_the_tree(as_user):
	top, middle, leaf = make_group_chain(3)
	user = make_user("Sales User")
	limit(user, "Customer Group", middle)
	as_user(user)
	assert nodes("Customer Group") == [middle]
	assert nodes("Customer Group", middle, is_root=True) == [leaf]
	assert nodes("Customer Group", top) == [middle]
	assert nodes("Customer Group", get_root_of("Customer Group"), is_root=True) == []


def test_a_user_whose_role_a_segment_restricts_sees_its_head_offices_only(as_user):
	member_group, other_group = make_group_chain(1)[0], make_group_chain(1)[0]
	member = make_customer(member_group, is_group=1).name
	branch = make_customer(member_group, parent_customer=member).name
	other = make_customer(other_group, is_group=1).name
	role = frappe.get_doc({"doctype": "Role", "role_name": unique("Tree segment role")}).insert().name
	segment = make_group_segment("Tree members", member_group)
	segment.db_set("restrict_role", role)
	user = make_user("Sales User", role)
	as_user(user)
	top = nodes("Customer", "All Customers", is_root=True)
	assert member in top
	assert other not in top
	assert nodes("Customer", member) == [branch]
