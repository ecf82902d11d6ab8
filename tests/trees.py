"""Helpers for tree tests: make nodes, and check a whole nested set against its parent links."""

import frappe

from crm_app.trees import parent_field_of

NAME_FIELD = {
	"Customer Group": "customer_group_name",
	"Territory": "territory_name",
	"Sales Target": "sales_target_name",
	"Customer": "customer_name",
	"Sales Person": "sales_person_name",
	"Item Group": "item_group_name",
}


def unique(label: str) -> str:
	"""A name no other test (or an earlier run, through the HTTP server's commits) has used."""
	return f"_Test {label} {frappe.generate_hash(length=8)}"


def any_fiscal_year() -> str:
	return frappe.db.get_value("Fiscal Year", {}, "name") or (
		frappe.get_doc(
			{
				"doctype": "Fiscal Year",
				"year": unique("FY"),
				"year_start_date": "2026-01-01",
				"year_end_date": "2026-12-31",
			}
		)
		.insert()
		.name
	)


def required_fields(doctype: str, is_group: int) -> dict:
	"""What a node needs beyond its place in the tree: a sales target has a target or adds up its children."""
	if doctype != "Sales Target":
		return {}
	return {"use_children_total": 1} if is_group else {"target_qty": 1, "fiscal_year": any_fiscal_year()}


def make_node(doctype: str, name: str, parent: str | None, is_group: int = 0, **fields):
	doc = frappe.get_doc(
		{
			"doctype": doctype,
			NAME_FIELD[doctype]: name,
			parent_field_of(doctype): parent,
			"is_group": is_group,
			**required_fields(doctype, is_group),
			**fields,
		}
	)
	return doc.insert()


def tree_rows(doctype: str) -> dict[str, frappe._dict]:
	rows = frappe.get_all(doctype, fields=["name", f"{parent_field_of(doctype)} as parent", "lft", "rgt"])
	return {row.name: row for row in rows}


# The customer forest leaves the hole of a deleted standalone customer open (closing it would rewrite
# every customer after it): its bounds are distinct but may have gaps.
FORESTS = {"Customer"}


def assert_tree_valid(doctype: str) -> None:
	"""lft/rgt are 1..2n with no gaps or duplicates (distinct, gaps allowed in a forest), and an interval
	contains another exactly when its node is an ancestor of the other by the parent links."""
	rows = tree_rows(doctype)
	bounds = sorted([r.lft for r in rows.values()] + [r.rgt for r in rows.values()])
	if doctype in FORESTS:
		assert len(set(bounds)) == len(bounds) and min(bounds, default=1) >= 1, (
			f"{doctype}: duplicate or null lft/rgt"
		)
	else:
		assert bounds == list(range(1, 2 * len(rows) + 1)), f"{doctype}: lft/rgt have gaps or duplicates"
	for row in rows.values():
		assert row.lft < row.rgt, f"{doctype} {row.name}: lft {row.lft} >= rgt {row.rgt}"

	def ancestors(name):
		seen = set()
		parent = rows[name].parent
		while parent:
			assert parent not in seen, f"{doctype}: loop through {parent}"
			seen.add(parent)
			parent = rows[parent].parent
		return seen

	ancestry = {name: ancestors(name) for name in rows}
	for a in rows.values():
		for b in rows.values():
			if a.name == b.name:
				continue
			contains = a.lft < b.lft and b.rgt < a.rgt
			disjoint = a.rgt < b.lft or b.rgt < a.lft
			assert contains or disjoint or (b.lft < a.lft and a.rgt < b.rgt), (
				f"{doctype}: {a.name} and {b.name} overlap"
			)
			assert contains == (a.name in ancestry[b.name]), (
				f"{doctype}: {a.name} / {b.name} nesting disagrees with parents"
			)
