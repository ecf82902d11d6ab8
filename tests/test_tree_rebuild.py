"""The one-pass tree rebuild: the same bounds as Frappe's rebuild, a corrupt tree refused untouched, and
the `crm rebuild-tree` / `crm check-tree` commands."""

import random
import subprocess
import sys

import frappe
import pytest
from frappe.utils.nestedset import get_root_of

from crm_app.compat import frappe_rebuild_tree
from crm_app.tree_rebuild import CorruptTreeError, check_tree, compute_bounds, rebuild_tree
from tests.conftest import SITE, SITES_PATH
from tests.trees import make_node, unique


def bounds_of(doctype):
	return dict(frappe.db.sql(f"select name, concat(lft, ':', rgt) from `tab{doctype}`"))


def is_nested_set(bounds: dict[str, tuple[int, int]], parents: dict[str, str | None]) -> bool:
	"""Every node inside its parent, siblings disjoint, and the numbers 1..2n each used once."""
	used = sorted(n for pair in bounds.values() for n in pair)
	if used != list(range(1, 2 * len(bounds) + 1)):
		return False
	for name, (lft, rgt) in bounds.items():
		parent = parents[name]
		if lft >= rgt or (parent and not (bounds[parent][0] < lft and rgt < bounds[parent][1])):
			return False
	return True


def test_bounds_of_a_shuffled_forest_form_an_exact_nested_set():
	rng = random.Random(3)
	parents, groups = {"r1": None, "r2": None}, ["r1", "r2"]
	for i in range(2000):
		parent = rng.choice(groups)
		parents[f"n{i}"] = parent
		if rng.random() < 0.3:
			groups.append(f"n{i}")
	rows = [(name, parent, 0) for name, parent in parents.items()]
	rng.shuffle(rows)  # children before their parents, in any order
	bounds, problems = compute_bounds(rows)
	assert problems == []
	assert len(bounds) == len(parents) and is_nested_set(bounds, parents)


def test_a_loop_and_a_missing_parent_are_reported_not_placed():
	rows = [("root", None, 1), ("a", "b", 0), ("b", "a", 0), ("child", "a", 0), ("lost", "nowhere", 0)]
	bounds, problems = compute_bounds(rows)
	assert set(bounds) == {"root"}
	assert {(p["name"], p["problem"]) for p in problems} == {
		("a", "loop"),
		("b", "loop"),
		("child", "loop"),
		("lost", "missing parent"),
	}


def test_rebuild_repairs_a_corrupted_tree_like_frappes_rebuild():
	root = get_root_of("Territory")
	top = make_node("Territory", unique("Rebuild top"), root, is_group=1).name
	for i in range(5):
		make_node("Territory", unique(f"Rebuild leaf {i}"), top, is_group=0)
	assert check_tree("Territory") == []
	frappe.db.sql("update `tabTerritory` set lft = 0, rgt = 0 where name != %s", root)
	assert check_tree("Territory")  # the corruption is seen
	assert rebuild_tree("Territory") > 0
	assert check_tree("Territory") == []
	mine = bounds_of("Territory")
	frappe_rebuild_tree("Territory")
	# the same nested set as Frappe's own rebuild, up to the order of siblings
	parents = dict(frappe.db.sql("select name, parent_territory from `tabTerritory`"))
	assert is_nested_set({n: tuple(map(int, b.split(":"))) for n, b in mine.items()}, parents)
	# rebuilding an exact tree (Frappe's result, siblings in its order) writes nothing
	assert rebuild_tree("Territory") == 0
	frappe.db.rollback()


def test_a_loop_is_refused_and_nothing_is_written():
	root = get_root_of("Customer Group")
	a = make_node("Customer Group", unique("Loop A"), root, is_group=1).name
	b = make_node("Customer Group", unique("Loop B"), a, is_group=1).name
	frappe.db.sql("update `tabCustomer Group` set parent_customer_group = %s where name = %s", (b, a))
	before = bounds_of("Customer Group")
	with pytest.raises(CorruptTreeError):
		rebuild_tree("Customer Group")
	assert bounds_of("Customer Group") == before
	frappe.db.rollback()


def bench(*args):
	return subprocess.run(
		[sys.executable, "-m", "frappe.utils.bench_helper", "frappe", "--site", SITE, "crm", *args],
		cwd=SITES_PATH,
		capture_output=True,
		text=True,
	)


def test_the_check_and_rebuild_commands():
	group = make_node("Customer Group", unique("Command"), get_root_of("Customer Group"), is_group=0).name
	frappe.db.sql("update `tabCustomer Group` set lft = 0, rgt = 0 where name = %s", group)
	frappe.db.commit()
	try:
		checked = bench("check-tree", "Customer Group")
		assert checked.returncode == 1 and group in checked.stdout
		rebuilt = bench("rebuild-tree", "Customer Group")
		assert rebuilt.returncode == 0, rebuilt.stderr[-2000:]
		assert bench("check-tree", "Customer Group").returncode == 0
		refused = bench("rebuild-tree", "Customer Ledger Entry")
		assert refused.returncode != 0 and "is not one of" in refused.stderr
	finally:
		frappe.db.rollback()
		frappe.delete_doc("Customer Group", group, force=True)
		frappe.db.commit()
