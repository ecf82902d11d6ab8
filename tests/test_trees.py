import random

import frappe
import pytest
from frappe.utils.nestedset import (
	NestedSetChildExistsError,
	NestedSetMultipleRootsError,
	NestedSetRecursionError,
	get_root_of,
)

from crm_app.trees import ParentNotAGroupError, parent_field_of
from tests.trees import assert_tree_valid, make_node, tree_rows, unique

SINGLE_ROOT_TREES = ["Customer Group", "Territory", "Sales Target"]
ALL_TREES = [*SINGLE_ROOT_TREES, "Customer"]


def top_of(doctype: str) -> str:
	"""Where a test builds its nodes: the tree's root, or for the customer forest a head office of its own."""
	if doctype == "Customer":
		return make_node("Customer", unique("Head Office"), None, is_group=1).name
	return get_root_of(doctype)


def move(doctype: str, name: str, new_parent: str | None):
	doc = frappe.get_doc(doctype, name)
	doc.set(parent_field_of(doctype), new_parent)
	doc.save()


def subtree(rows, name):
	row = rows[name]
	return {n for n, r in rows.items() if row.lft <= r.lft and r.rgt <= row.rgt}


@pytest.mark.parametrize("doctype", ALL_TREES)
def test_many_inserts_moves_and_deletes_keep_the_nested_set_exact(doctype):
	rng = random.Random(f"crm-{doctype}")
	top = top_of(doctype)
	groups, nodes = [top], []
	refused = {"move": 0, "delete": 0}
	for step in range(80):
		rows = tree_rows(doctype)
		choice = rng.random()
		if choice < 0.45 or len(nodes) < 6:
			is_group = int(rng.random() < 0.4)
			node = make_node(doctype, unique(f"n{step}"), rng.choice(groups), is_group=is_group).name
			nodes.append(node)
			if is_group:
				groups.append(node)
		elif choice < 0.65:
			node = rng.choice(nodes)
			targets = [g for g in groups if g not in subtree(rows, node)]
			move(doctype, node, rng.choice(targets))
		elif choice < 0.8:
			# a group moved under one of its own descendants (or itself) is refused and changes nothing
			movable = [g for g in groups[1:] if len(subtree(rows, g) & set(groups)) > 1]
			if not movable:
				continue
			node = rng.choice(movable)
			inside = [g for g in subtree(rows, node) & set(groups) if g != node]
			with pytest.raises(NestedSetRecursionError):
				move(doctype, node, rng.choice(inside))
			assert tree_rows(doctype) == rows
			refused["move"] += 1
		elif choice < 0.92:
			leaves = [n for n in nodes if rows[n].rgt == rows[n].lft + 1]
			node = rng.choice(leaves)
			frappe.delete_doc(doctype, node)
			nodes.remove(node)
			if node in groups:
				groups.remove(node)
		else:
			parents = [n for n in nodes if rows[n].rgt > rows[n].lft + 1]
			if not parents:
				continue
			with pytest.raises(NestedSetChildExistsError):
				frappe.delete_doc(doctype, rng.choice(parents))
			assert tree_rows(doctype) == rows
			refused["delete"] += 1
		assert_tree_valid(doctype)
	assert refused["move"] and refused["delete"], f"the random walk never tried a refused change: {refused}"


@pytest.mark.parametrize("doctype", SINGLE_ROOT_TREES)
def test_a_second_root_is_refused(doctype):
	with pytest.raises(NestedSetMultipleRootsError):
		make_node(doctype, unique("root"), None, is_group=1)
	# and moving an existing node to the top level is a second root too
	node = make_node(doctype, unique("node"), get_root_of(doctype))
	with pytest.raises(NestedSetMultipleRootsError):
		move(doctype, node.name, None)
	assert_tree_valid(doctype)


@pytest.mark.parametrize("doctype", SINGLE_ROOT_TREES)
def test_the_root_cannot_be_deleted(doctype):
	with pytest.raises(frappe.ValidationError):
		frappe.delete_doc(doctype, get_root_of(doctype))
	assert frappe.db.exists(doctype, get_root_of(doctype))


@pytest.mark.parametrize("doctype", ALL_TREES)
def test_a_parent_must_be_a_group(doctype):
	top = top_of(doctype)
	leaf = make_node(doctype, unique("leaf"), top)
	with pytest.raises(ParentNotAGroupError):
		make_node(doctype, unique("child"), leaf.name)


@pytest.mark.parametrize("doctype", ALL_TREES)
def test_a_node_cannot_be_its_own_parent_or_move_under_its_descendant(doctype):
	top = top_of(doctype)
	a = make_node(doctype, unique("a"), top, is_group=1)
	b = make_node(doctype, unique("b"), a.name, is_group=1)
	c = make_node(doctype, unique("c"), b.name, is_group=1)
	before = tree_rows(doctype)
	for target in (a.name, b.name, c.name):
		with pytest.raises(NestedSetRecursionError):
			move(doctype, a.name, target)
	assert tree_rows(doctype) == before
	assert_tree_valid(doctype)


@pytest.mark.parametrize("doctype", ALL_TREES)
def test_a_node_with_children_cannot_be_deleted_or_become_a_leaf(doctype):
	top = top_of(doctype)
	group = make_node(doctype, unique("group"), top, is_group=1)
	child = make_node(doctype, unique("child"), group.name)
	with pytest.raises(NestedSetChildExistsError):
		frappe.delete_doc(doctype, group.name)
	group.reload()
	group.is_group = 0
	with pytest.raises(frappe.ValidationError, match="leaf"):
		group.save()
	# once empty, it goes
	frappe.delete_doc(doctype, child.name)
	frappe.delete_doc(doctype, group.name)
	assert not frappe.db.exists(doctype, group.name)
	assert_tree_valid(doctype)


def test_tree_view_lists_children_in_tree_order_and_the_customer_forest_under_a_virtual_root():
	from crm_app.api.tree import get_children

	root = get_children("Customer Group")
	assert [n.value for n in root] == [get_root_of("Customer Group")]
	children = [n.value for n in get_children("Customer Group", parent=root[0].value)]
	in_tree_order = frappe.get_all(
		"Customer Group", {"parent_customer_group": root[0].value}, pluck="name", order_by="lft"
	)
	assert children == in_tree_order
	assert {"Individual", "Commercial", "Government"} <= set(children)

	office = make_node("Customer", unique("Head Office"), None, is_group=1)
	branch = make_node("Customer", unique("Branch"), office.name)
	top_level = {n.value: n for n in get_children("Customer", parent="All Customers", is_root=True)}
	assert office.name in top_level and top_level[office.name].expandable == 1
	# standalone customers are not national accounts: the top level lists head offices only
	standalone = make_node("Customer", unique("Standalone"), None)
	assert branch.name not in top_level and standalone.name not in top_level
	assert [n.value for n in get_children("Customer", parent=office.name)] == [branch.name]
	with pytest.raises(frappe.ValidationError):
		get_children("User")


# The rules of a node's place as pure functions over a node lookup (crm_app.trees): the same functions
# serve a form save (stored nodes) and the import (stored nodes with the file's rows laid over them).


def lookup(**members):
	from crm_app.trees import Node, NodesInMemory

	#   root
	#   ├── europe (group)
	#   │   └── france (leaf, holds a customer)
	#   └── asia (group)
	nodes = {
		"root": Node(None, True),
		"europe": Node("root", True),
		"france": Node("europe", False),
		"asia": Node("root", True),
	}
	return NodesInMemory(nodes, {"france": ("Customer", "Dupont"), **members})


def test_the_pure_tree_rules_accept_a_good_place():
	from crm_app.trees import check_leaf, check_place

	nodes = lookup()
	check_place("Territory", nodes, "france", "asia", False)  # a move under another group
	check_place("Territory", nodes, "spain", "europe", True, stored=False)  # a new group
	check_place("Territory", nodes, "asia", "europe", False)  # a leaf without children
	check_leaf("Territory", nodes, "france")


@pytest.mark.parametrize(
	"name, parent, is_group, stored, error",
	[
		("spain", "france", False, False, ParentNotAGroupError),  # parent is a leaf
		("spain", "nowhere", False, False, frappe.LinkValidationError),  # parent does not exist
		("europe", "europe", True, True, NestedSetRecursionError),  # its own parent
		("root", "europe", True, True, NestedSetRecursionError),  # under its own descendant
		("europe", None, True, True, NestedSetMultipleRootsError),  # a second root
		("spain", None, True, False, NestedSetMultipleRootsError),  # a new second root
		("europe", "root", False, True, "LeafHasChildrenError"),  # a group with children made a leaf
		("france", "europe", True, True, "MembersExistError"),  # a leaf holding a customer made a group
	],
)
def test_the_pure_tree_rules_refuse_a_bad_place(name, parent, is_group, stored, error):
	import crm_app.trees
	from crm_app.trees import check_place

	if isinstance(error, str):
		error = getattr(crm_app.trees, error)
	with pytest.raises(error):
		check_place("Territory", lookup(), name, parent, is_group, stored=stored)
	frappe.local.message_log = []


def test_the_pure_tree_rules_refuse_a_customer_on_a_group_and_see_the_forest_has_many_roots():
	from crm_app.trees import GroupNodeNotAllowedError, Node, NodesInMemory, check_leaf, check_place

	with pytest.raises(GroupNodeNotAllowedError):
		check_leaf("Territory", lookup(), "europe")
	forest = NodesInMemory({"a": Node(None, True), "b": Node(None, False)})
	check_place("Customer", forest, "c", None, False, stored=False)  # customers: each may be a root
	frappe.local.message_log = []


def test_the_registry_lists_every_tree_once_with_its_parent_field():
	from crm_app.trees import IMPORTED_TREES, TREE_DOCTYPES

	assert set(TREE_DOCTYPES) == {*ALL_TREES, "Sales Person", "Item Group"}
	assert IMPORTED_TREES[-1] == "Customer" and "Sales Target" not in IMPORTED_TREES
	for doctype in TREE_DOCTYPES:
		assert frappe.get_meta(doctype).has_field(parent_field_of(doctype))
