"""Rules shared by the app's trees (Customer Group, Territory, Customer, Sales Target).

The controllers subclass Frappe's NestedSet, which keeps lft/rgt; the checks here run before anything
is written, so a refused change leaves the tree as it was. They take plain values, so a bulk import
can apply the same rules to rows that are not documents.
"""

import frappe
from frappe import _
from frappe.utils.nestedset import NestedSetMultipleRootsError, NestedSetRecursionError


class ParentNotAGroupError(frappe.ValidationError):
	pass


class GroupNodeNotAllowedError(frappe.ValidationError):
	pass


class MembersExistError(frappe.ValidationError):
	pass


def parent_field_of(doctype: str) -> str:
	return "parent_" + frappe.scrub(doctype)


def validate_parent(doctype: str, name: str | None, parent: str | None) -> None:
	"""A node's parent must be a group, and neither the node itself nor one of its descendants."""
	if not parent:
		return
	row = frappe.db.get_value(doctype, parent, ["is_group", "lft", "rgt"], as_dict=True)
	if not row:
		return  # Frappe's link validation reports the missing record
	if not row.is_group:
		frappe.throw(
			_("{0} {1} is not a group, so it cannot have children").format(_(doctype), frappe.bold(parent)),
			ParentNotAGroupError,
		)
	if name and parent == name:
		frappe.throw(_("{0} cannot be its own parent").format(frappe.bold(name)), NestedSetRecursionError)
	if name:
		own = frappe.db.get_value(doctype, name, ["lft", "rgt"], as_dict=True)
		if own and own.lft and own.lft < row.lft and row.rgt < own.rgt:
			frappe.throw(
				_("{0} cannot be moved under {1}, which is one of its own descendants").format(
					frappe.bold(name), frappe.bold(parent)
				),
				NestedSetRecursionError,
			)


def validate_single_root(doctype: str, name: str | None, parent: str | None) -> None:
	"""Trees with one root refuse a second node without a parent."""
	if parent:
		return
	other_root = frappe.db.get_value(
		doctype, {parent_field_of(doctype): ("is", "not set"), "name": ("!=", name or "")}, "name"
	)
	if other_root:
		frappe.throw(
			_("{0} already has a root, {1}: choose a parent").format(_(doctype), frappe.bold(other_root)),
			NestedSetMultipleRootsError,
		)


def validate_leaf(doctype: str, name: str | None) -> None:
	"""Records such as customers hang only on leaf nodes: a group is a heading, not a place."""
	if name and frappe.db.get_value(doctype, name, "is_group"):
		frappe.throw(
			_("{0} {1} is a group: choose a {0} under it that is not a group").format(
				_(doctype), frappe.bold(name)
			),
			GroupNodeNotAllowedError,
		)


def validate_no_members(doc, member_doctype: str, link_field: str) -> None:
	"""A leaf that holds records (customers...) cannot become a group."""
	if doc.is_new() or not doc.is_group:
		return
	member = frappe.db.get_value(member_doctype, {link_field: doc.name}, "name")
	if member:
		frappe.throw(
			_("{0} {1} cannot become a group: {2} {3} belongs to it").format(
				_(doc.doctype), frappe.bold(doc.name), _(member_doctype), frappe.bold(member)
			),
			MembersExistError,
		)


def validate_leaf_has_no_children(doctype: str, name: str | None, is_group: int) -> None:
	if name and not is_group and frappe.db.exists(doctype, {parent_field_of(doctype): name}):
		frappe.throw(
			_("{0} {1} cannot be a leaf node as it has children").format(_(doctype), frappe.bold(name)),
			ParentNotAGroupError,
		)


def validate_node(doc, single_root: bool = True) -> None:
	"""All checks of a tree node before it is saved."""
	parent = doc.get(doc.nsm_parent_field)
	name = None if doc.is_new() else doc.name
	validate_parent(doc.doctype, name, parent)
	validate_leaf_has_no_children(doc.doctype, name, doc.get("is_group"))
	if single_root:
		validate_single_root(doc.doctype, name, parent)


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
	return frappe.get_list(
		doctype,
		fields=["name as value", f"{meta.get('title_field') or 'name'} as title", "is_group as expandable"],
		filters=filters,
		order_by="lft",
	)
