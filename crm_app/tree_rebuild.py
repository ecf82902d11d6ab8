"""A whole tree's nested-set bounds (lft, rgt) computed in one pass and written back in bulk.

Frappe's `rebuild_tree` walks the tree with one query and one UPDATE per node. Here the parent links are
read in one query, the bounds computed in memory (children in their current order, then by name), and
only the rows whose bounds change are written, in multi-row statements. The bulk import, the repair
command (`bench --site SITE crm rebuild-tree DOCTYPE`) and the check (`crm check-tree`) use it. It runs under the tree's lock, as every writer of the tree does.
"""

from collections import defaultdict

import frappe
from frappe import _

from crm_app.locks import lock_tree
from crm_app.trees import parent_field_of

WRITE_CHUNK = 5000


class CorruptTreeError(frappe.ValidationError):
	pass


def compute_bounds(rows) -> tuple[dict[str, tuple[int, int]], list[dict]]:
	"""`rows`: (name, parent, current lft) of every node. Returns each reachable node's (lft, rgt) and the
	problems that keep a node out of the tree: a parent that does not exist, or a loop."""
	names = {row[0] for row in rows}
	children, roots, problems = defaultdict(list), [], []
	for name, parent, lft in rows:
		if not parent:
			roots.append((lft or 0, name))
		elif parent in names:
			children[parent].append((lft or 0, name))
		else:
			problems.append({"name": name, "problem": "missing parent", "parent": parent})
	bounds, counter = {}, 1
	for _position, root in sorted(roots):
		# iterative depth-first walk: a deep tree does not hit Python's recursion limit
		bounds_left = {root: counter}
		counter += 1
		stack = [(root, iter(sorted(children.get(root, ()))))]
		while stack:
			node, pending = stack[-1]
			child = next(pending, None)
			if child is None:
				stack.pop()
				bounds[node] = (bounds_left.pop(node), counter)
				counter += 1
				continue
			child_name = child[1]
			bounds_left[child_name] = counter
			counter += 1
			stack.append((child_name, iter(sorted(children.get(child_name, ())))))
	missing = {p["name"] for p in problems}
	for name, parent, _lft in rows:
		if name not in bounds and name not in missing and parent in names:
			problems.append({"name": name, "problem": "loop", "parent": parent})
	return bounds, problems


def read_tree(doctype: str) -> list[tuple]:
	"""(name, parent, lft, rgt, old_parent) of every node, in one query."""
	parent = parent_field_of(doctype)
	return frappe.db.sql(f"select name, `{parent}`, lft, rgt, old_parent from `tab{doctype}`")


def check_tree(doctype: str) -> list[dict]:
	"""What is wrong with a stored tree: nodes whose bounds differ from a rebuild's, missing parents,
	loops. Empty when the tree is exact."""
	rows = read_tree(doctype)
	bounds, problems = compute_bounds([row[:3] for row in rows])
	for name, _parent, lft, rgt, _old_parent in rows:
		if name in bounds and bounds[name] != (lft, rgt):
			problems.append(
				{"name": name, "problem": "wrong bounds", "stored": (lft, rgt), "expected": bounds[name]}
			)
	return problems


def rebuild_tree(doctype: str) -> int:
	"""Recompute and store the whole tree's bounds; returns how many nodes changed. A missing parent or a
	loop is refused (CorruptTreeError) before anything is written: it needs a person to decide."""
	lock_tree(doctype)
	rows = read_tree(doctype)
	bounds, problems = compute_bounds([row[:3] for row in rows])
	if problems:
		shown = ", ".join(f"{p['name']} ({_(p['problem'])}: {p['parent']})" for p in problems[:20])
		frappe.throw(_("The {0} tree cannot be rebuilt: {1}").format(_(doctype), shown), CorruptTreeError)
	changed = [
		(name, *bounds[name])
		for name, parent, lft, rgt, old_parent in rows
		if bounds[name] != (lft, rgt) or (old_parent or "") != (parent or "")
	]
	write_bounds(doctype, changed)
	return len(changed)


def write_bounds(doctype: str, rows: list[tuple[str, int, int]]) -> None:
	"""Store (name, lft, rgt) rows, and old_parent (which the tree's save compares with the parent), in
	multi-row statements of WRITE_CHUNK rows. Every row exists and the tree is locked: the upsert only
	updates."""
	parent = parent_field_of(doctype)
	for start in range(0, len(rows), WRITE_CHUNK):
		chunk = rows[start : start + WRITE_CHUNK]
		frappe.db.sql(
			f"insert into `tab{doctype}` (name, lft, rgt) values "
			+ ", ".join(["(%s, %s, %s)"] * len(chunk))
			+ f""" on duplicate key update lft = values(lft), rgt = values(rgt),
				old_parent = ifnull(`{parent}`, '')""",
			[value for row in chunk for value in row],
		)
