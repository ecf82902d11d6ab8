"""Rules shared by the app's trees (Customer Group, Territory, Customer, Sales Target, Sales Person,
Item Group), and the one way they are written.

The controllers subclass `TreeNode` (a Frappe NestedSet whose writers are serialised); the checks here
run before anything is written, so a refused change leaves the tree as it was. They take plain values, so a bulk import
can apply the same rules to rows that are not documents.
"""

from dataclasses import dataclass
from typing import Protocol

import frappe
from frappe import _
from frappe.utils.nestedset import (
	NestedSet,
	NestedSetChildExistsError,
	NestedSetMultipleRootsError,
	NestedSetRecursionError,
)

from crm_app.locks import conflicts_as_busy, lock_tree


class ParentNotAGroupError(frappe.ValidationError):
	pass


class LeafHasChildrenError(ParentNotAGroupError):
	pass


class GroupNodeNotAllowedError(frappe.ValidationError):
	pass


class MembersExistError(frappe.ValidationError):
	pass


@dataclass(frozen=True)
class Tree:
	"""One of the app's trees. `members`: (doctype, link field) of the records that hang only on its
	leaves; `imported`: the bulk import writes it (in the registry's order, parents before what links to
	them); `single_root`: False for a forest (customers: each standalone customer is a root)."""

	doctype: str
	single_root: bool = True
	members: tuple[tuple[str, str], ...] = ()
	imported: bool = True


# the one list of the app's trees
TREES = {
	tree.doctype: tree
	for tree in (
		Tree("Territory", members=(("Customer", "territory"),)),
		Tree("Customer Group", members=(("Customer", "customer_group"),)),
		Tree("Sales Person"),
		Tree("Item Group", members=(("Item", "item_group"),)),
		Tree("Customer", single_root=False),
		Tree("Sales Target", imported=False),
	)
}
TREE_DOCTYPES = tuple(TREES)
IMPORTED_TREES = [doctype for doctype, tree in TREES.items() if tree.imported]


def parent_field_of(doctype: str) -> str:
	return "parent_" + frappe.scrub(doctype)


# The rules of a node's place, as pure functions over a node lookup: a form save looks at the stored tree
# (StoredNodes), the import at the stored tree with the file's rows laid over it (NodesInMemory).


@dataclass(frozen=True, slots=True)
class Node:
	parent: str | None
	is_group: bool


class NodeLookup(Protocol):
	def node(self, name: str) -> Node | None: ...

	def a_child(self, name: str) -> str | None: ...

	def a_root(self, other_than: str | None) -> str | None: ...

	def a_member(self, name: str) -> tuple[str, str] | None: ...


def check_place(
	doctype: str, nodes: NodeLookup, name: str | None, parent: str | None, is_group, stored: bool = True
) -> None:
	"""Every rule of a node's place: its parent is a group and not the node or one of its descendants, a
	stored leaf has no children, a stored group holds no records (customers...), a single-root tree keeps
	one root. `stored`: the node exists already (a new one has no children or records yet)."""
	check_parent(doctype, nodes, name, parent)
	if name and stored and not is_group:
		check_no_children(doctype, nodes, name)
	if name and stored and is_group:
		check_no_members(doctype, nodes, name)
	if TREES[doctype].single_root and not parent:
		check_single_root(doctype, nodes, name)


def check_parent(doctype: str, nodes: NodeLookup, name: str | None, parent: str | None) -> None:
	if not parent:
		return
	node = nodes.node(parent)
	if not node:
		# Frappe checked the link before the tree's lock was taken: it may be gone since
		frappe.throw(
			_("{0} {1} does not exist (any more): choose another parent").format(_(doctype), parent),
			frappe.LinkValidationError,
		)
	if not node.is_group:
		frappe.throw(
			_("{0} {1} is not a group, so it cannot have children").format(_(doctype), frappe.bold(parent)),
			ParentNotAGroupError,
		)
	if name and parent == name:
		frappe.throw(_("{0} cannot be its own parent").format(frappe.bold(name)), NestedSetRecursionError)
	seen, ancestor = set(), node.parent
	while name and ancestor and ancestor not in seen:  # `seen`: a loop above the parent (bad stored data)
		if ancestor == name:
			frappe.throw(
				_("{0} cannot be moved under {1}, which is one of its own descendants").format(
					frappe.bold(name), frappe.bold(parent)
				),
				NestedSetRecursionError,
			)
		seen.add(ancestor)
		above = nodes.node(ancestor)
		ancestor = above.parent if above else None


def check_no_children(doctype: str, nodes: NodeLookup, name: str) -> None:
	if nodes.a_child(name):
		frappe.throw(
			_("{0} {1} cannot be a leaf node as it has children").format(_(doctype), frappe.bold(name)),
			LeafHasChildrenError,
		)


def check_no_members(doctype: str, nodes: NodeLookup, name: str) -> None:
	"""A leaf that holds records (customers...) cannot become a group."""
	member = nodes.a_member(name)
	if member:
		frappe.throw(
			_("{0} {1} cannot become a group: {2} {3} belongs to it").format(
				_(doctype), frappe.bold(name), _(member[0]), frappe.bold(member[1])
			),
			MembersExistError,
		)


def check_single_root(doctype: str, nodes: NodeLookup, name: str | None) -> None:
	other_root = nodes.a_root(other_than=name)
	if other_root:
		frappe.throw(
			_("{0} already has a root, {1}: choose a parent").format(_(doctype), frappe.bold(other_root)),
			NestedSetMultipleRootsError,
		)


def check_leaf(doctype: str, nodes: NodeLookup, name: str | None) -> None:
	"""Records such as customers hang only on leaf nodes: a group is a heading, not a place."""
	node = nodes.node(name) if name else None
	if node and node.is_group:
		frappe.throw(
			_("{0} {1} is a group: choose a {0} under it that is not a group").format(
				_(doctype), frappe.bold(name)
			),
			GroupNodeNotAllowedError,
		)


class StoredNodes:
	"""A tree as stored. With `locking` (a writer of the tree, under its lock) every read is a locking
	read: it sees the latest committed nodes, not the transaction's older snapshot."""

	def __init__(self, doctype: str, locking: bool = True):
		self.doctype, self.parent_field, self.locking = doctype, parent_field_of(doctype), locking

	def node(self, name: str) -> Node | None:
		row = frappe.db.get_value(
			self.doctype, name, [self.parent_field, "is_group"], as_dict=True, for_update=self.locking
		)
		return Node(row.get(self.parent_field) or None, bool(row.is_group)) if row else None

	def a_child(self, name: str) -> str | None:
		return frappe.db.get_value(self.doctype, {self.parent_field: name}, "name", for_update=self.locking)

	def a_root(self, other_than: str | None) -> str | None:
		return frappe.db.get_value(
			self.doctype,
			{self.parent_field: ("is", "not set"), "name": ("!=", other_than or "")},
			"name",
			for_update=self.locking,
		)

	def a_member(self, name: str) -> tuple[str, str] | None:
		for doctype, link_field in TREES[self.doctype].members:
			member = frappe.db.get_value(doctype, {link_field: name}, "name")
			if member:
				return doctype, member
		return None


class NodesInMemory:
	"""A tree given whole: name -> Node, and the records (doctype, name) some nodes hold."""

	def __init__(self, nodes: dict[str, Node], members: dict[str, tuple[str, str]] | None = None):
		self.nodes, self.members = nodes, members or {}
		self._children, self._roots = None, None

	def node(self, name: str) -> Node | None:
		return self.nodes.get(name)

	def a_child(self, name: str) -> str | None:
		if self._children is None:
			self._children = {}
			for child, node in self.nodes.items():
				if node.parent:
					self._children.setdefault(node.parent, child)
		return self._children.get(name)

	def a_root(self, other_than: str | None) -> str | None:
		if self._roots is None:
			self._roots = [name for name, node in self.nodes.items() if not node.parent][:2]
		return next((root for root in self._roots if root != other_than), None)

	def a_member(self, name: str) -> tuple[str, str] | None:
		return self.members.get(name)


def _node(doctype: str, name: str, fields=("lft", "rgt", "is_group")) -> frappe._dict | None:
	"""A node's latest committed values, locked: the tree's writers read nothing else."""
	return frappe.db.get_value(doctype, name, list(fields), as_dict=True, for_update=True)


def _has_children(doctype: str, name: str) -> bool:
	return bool(StoredNodes(doctype).a_child(name))


def validate_leaf(doctype: str, name: str | None) -> None:
	check_leaf(doctype, StoredNodes(doctype, locking=False), name)


def validate_node(doc) -> None:
	"""All checks of a tree node's place before it is saved, run under the tree's lock. A save that
	keeps the node's place (parent and group flag) has nothing to check and locks nothing."""
	if not doc.flags.get("changes_place", True):
		return
	check_place(
		doc.doctype,
		StoredNodes(doc.doctype),
		doc.name,
		doc.get(doc.nsm_parent_field),
		doc.get("is_group"),
		stored=not doc.is_new(),
	)


def subtree_filters(doctype: str, node: str) -> dict | None:
	"""The same subtree as filters of frappe.get_all; None when the node does not exist."""
	bounds = frappe.db.get_value(doctype, node, ["lft", "rgt"])
	return {"lft": (">=", bounds[0]), "rgt": ("<=", bounds[1])} if bounds else None


def subtree_condition(doctype: str, node: str, column: str, key: str = "subtree") -> tuple[str, dict] | None:
	"""SQL saying that `column` (names of `doctype`) is `node` or one of its descendants, with its values
	(named after `key`); None when the node does not exist."""
	bounds = frappe.db.get_value(doctype, node, ["lft", "rgt"])
	if not bounds:
		return None
	return (
		f"{column} in (select `name` from `tab{doctype}` where lft >= %({key}_lft)s and rgt <= %({key}_rgt)s)",
		{f"{key}_lft": bounds[0], f"{key}_rgt": bounds[1]},
	)


# Writing a tree. Every writer of a tree (insert, move, delete, rename) first takes the tree's lock
# (crm_app.locks.lock_tree), then reads positions with locking reads only, so writers of one tree run
# one after the other and never act on stale lft/rgt. A node's place is written here, never taken from
# what a user sent: lft, rgt and old_parent are reset from the database before every save.

TREE_FIELDS = ("lft", "rgt", "old_parent")


class TreeNode(NestedSet):
	"""NestedSet with serialised writers. Subclasses set `nsm_parent_field`; a forest (several roots,
	e.g. customers) sets `single_root = False` and keeps a standalone root cheap: inserting or deleting
	one never shifts the other nodes (a deleted root leaves a gap, which nested-set queries ignore)."""

	@property
	def single_root(self) -> bool:
		return TREES[self.doctype].single_root

	def load_from_db(self):
		# a node loaded to be changed (a REST PUT, a save's check_if_latest) locks the tree before its
		# own row, as every writer of the tree does: a writer holding the tree never waits for a node
		# held by someone who waits for the tree
		if self.flags.for_update:
			lock_tree(self.doctype)
		super().load_from_db()
		self.flags.loaded_as = self.name

	def before_insert(self):
		lock_tree(self.doctype)

	def before_validate(self):
		keep_tree_fields(self)
		self.flags.changes_place = self.is_new() or self.changes_place()
		if self.flags.changes_place:
			lock_tree(self.doctype)

	def changes_place(self) -> bool:
		stored = frappe.db.get_value(
			self.doctype, self.name, [self.nsm_parent_field, "is_group"], as_dict=True
		)
		return bool(stored) and (
			(stored.get(self.nsm_parent_field) or None) != (self.get(self.nsm_parent_field) or None)
			or bool(stored.is_group) != bool(self.get("is_group"))
		)

	def on_update(self):
		with conflicts_as_busy(_(self.doctype)):
			place_node(self)

	def on_trash(self):
		if not self.get(self.nsm_parent_field) and self.single_root:
			frappe.throw(_("Root {0} cannot be deleted").format(_(self.doctype)))
		# Frappe (15.x after the wheel's build) locks the row of a document it deletes before on_trash:
		# waiting for the tree while holding it could deadlock with a tree writer that needs that row
		lock_tree(self.doctype, nowait=True)
		self.flags.removed_from = check_removable(self)

	def after_delete(self):
		# the hole closes only once the row is gone: a delete refused after on_trash (a link to the
		# record) leaves the tree as it was
		with conflicts_as_busy(_(self.doctype)):
			close_hole(self.doctype, self.flags.removed_from)

	def before_rename(self, old_name, new_name, merge=False):
		lock_tree(self.doctype)  # the children's parent links change with the name
		super().before_rename(old_name, new_name, merge)


def keep_tree_fields(doc) -> None:
	"""lft, rgt and old_parent belong to the tree code: whatever a request sent is replaced by what is
	stored (nothing for a new node), and a document cannot be switched to another record's name."""
	if doc.is_new():
		doc.update({"lft": 0, "rgt": 0, "old_parent": None})
		return
	if doc.flags.loaded_as and doc.name != doc.flags.loaded_as:
		frappe.throw(
			_("{0} {1} cannot be saved as {2}: use Rename to change a name").format(
				_(doc.doctype), frappe.bold(doc.flags.loaded_as), frappe.bold(doc.name)
			),
			frappe.ValidationError,
		)
	# a locking read: the transaction's snapshot may predate the last move, and these values are
	# written back by the save
	stored = _node(doc.doctype, doc.name, TREE_FIELDS) or {}
	doc.update({field: stored.get(field) for field in TREE_FIELDS})


def place_node(doc) -> None:
	"""After insert or save: give a new node its interval, or move a node whose parent changed."""
	doctype, parent = doc.doctype, doc.get(doc.nsm_parent_field) or None
	own = _node(doctype, doc.name, ("lft", "rgt", "old_parent"))
	if own.lft and (own.old_parent or None) == parent:
		return
	lock_tree(doctype)
	if not own.lft:
		_add_node(doctype, doc.name, parent)
	else:
		_move_node(doctype, doc.name, own.lft, own.rgt, parent)
	frappe.db.sql(f"update {_table(doctype)} set old_parent = %s where name = %s", (parent or "", doc.name))
	doc.update({**_node(doctype, doc.name, ("lft", "rgt")), "old_parent": parent})


def _table(doctype: str) -> str:
	return f"`tab{doctype}`"


def _shift(doctype: str, from_position: int, by: int) -> None:
	"""Move every bound at or after `from_position` by `by` (positive bounds only: a subtree parked at
	negative positions during a move stays where it is)."""
	table = _table(doctype)
	frappe.db.sql(f"update {table} set rgt = rgt + %s where rgt >= %s", (by, from_position))
	frappe.db.sql(f"update {table} set lft = lft + %s where lft >= %s", (by, from_position))


def _end_of_forest(doctype: str) -> int:
	last = frappe.db.sql(f"select rgt from {_table(doctype)} order by rgt desc limit 1 for update")
	return (last[0][0] if last and last[0][0] else 0) + 1


def _add_node(doctype: str, name: str, parent: str | None) -> int:
	if parent:
		position = _node(doctype, parent).rgt  # checked by validate_node, under this same lock
		_shift(doctype, position, 2)
	else:
		position = _end_of_forest(doctype)  # a new root goes after the others: nothing moves
	frappe.db.sql(
		f"update {_table(doctype)} set lft = %s, rgt = %s where name = %s", (position, position + 1, name)
	)
	return position


def _move_node(doctype: str, name: str, lft: int, rgt: int, parent: str | None) -> int:
	table, width = _table(doctype), rgt - lft + 1
	if parent:
		# checked by validate_node under this lock too, but a stored old_parent that disagrees with the
		# parent (data written around the documents) brings a save here that validate_node let through
		check_parent(doctype, StoredNodes(doctype), name, parent)
	# park the subtree at negative positions, close the hole it leaves, open one at the new place
	frappe.db.sql(f"update {table} set lft = -lft, rgt = -rgt where lft >= %s and rgt <= %s", (lft, rgt))
	_shift(doctype, rgt + 1, -width)
	if parent:
		position = _node(doctype, parent, ("rgt",)).rgt
		_shift(doctype, position, width)
	else:
		position = _end_of_forest(doctype)
	frappe.db.sql(
		f"update {table} set lft = -lft + %(offset)s, rgt = -rgt + %(offset)s where lft < 0",
		{"offset": position - lft},
	)
	return position


def check_removable(doc) -> frappe._dict | None:
	"""Before a node is deleted (under the tree's lock): refuse if it has children, and say which hole
	its deletion leaves to close. A root of a forest (a standalone customer) leaves its hole: it is
	harmless and leaving it costs nothing, where closing it would rewrite every node after it."""
	if _has_children(doc.doctype, doc.name):
		frappe.throw(_("Cannot delete {0} as it has child nodes").format(doc.name), NestedSetChildExistsError)
	own = _node(doc.doctype, doc.name, ("lft", "rgt", doc.nsm_parent_field))
	if own and own.lft and own.get(doc.nsm_parent_field):
		return frappe._dict(lft=own.lft, rgt=own.rgt)
	return None


def close_hole(doctype: str, hole: frappe._dict | None) -> None:
	if hole:
		_shift(doctype, hole.rgt + 1, -(hole.rgt - hole.lft + 1))


def get_tree_nodes(
	doctype: str, parent: str = "", is_root: bool = False, groups_only_at_top: bool = False
) -> list[dict]:
	"""Children of a node for the desk's tree view; the virtual root of a forest stands for "no parent".
	With `groups_only_at_top`, the top level lists only groups (a forest whose single nodes are many)."""
	meta = frappe.get_meta(doctype)
	if frappe.utils.sbool(is_root) and not frappe.db.exists(doctype, parent):
		parent = ""
	filters = {parent_field_of(doctype): parent or ("is", "not set")}
	if groups_only_at_top and not parent:
		filters["is_group"] = 1
	fields = ["name as value", f"{meta.get('title_field') or 'name'} as title", "is_group as expandable"]
	nodes = frappe.get_list(doctype, fields=fields, filters=filters, order_by="lft")
	if not parent and not nodes:
		# a user limited to part of the tree (User Permission) does not see its root: the top is then
		# the highest nodes they see (the desk's tree view fails on an empty top)
		del filters[parent_field_of(doctype)]
		return _highest_readable(doctype, fields, filters)
	return nodes


def _highest_readable(doctype: str, fields: list[str], filters: dict) -> list[dict]:
	"""The nodes the user reads whose parent they do not read."""
	rows = frappe.get_list(
		doctype,
		fields=[*fields, f"{parent_field_of(doctype)} as parent_node"],
		filters=filters,
		order_by="lft",
	)
	readable = {row.value for row in rows}
	return [row for row in rows if row.pop("parent_node") not in readable]
