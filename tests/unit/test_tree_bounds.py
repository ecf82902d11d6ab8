"""Nested-set bounds computed in memory from parent links (crm_app.tree_rebuild.compute_bounds)."""

from crm_app.tree_rebuild import compute_bounds


def is_nested_set(bounds: dict, parents: dict) -> bool:
	"""Every node's bounds lie strictly inside its parent's, and the numbers 1..2n are each used once."""
	numbers = sorted(n for pair in bounds.values() for n in pair)
	if numbers != list(range(1, 2 * len(bounds) + 1)):
		return False
	return all(
		bounds[parent][0] < bounds[name][0] < bounds[name][1] < bounds[parent][1]
		for name, parent in parents.items()
		if parent
	)


def test_a_tree_gets_depth_first_bounds_children_by_current_position():
	rows = [
		("All", None, 1),
		("B", "All", 5),
		("A", "All", 2),  # before B: its current lft is lower, whatever the name
		("A1", "A", 3),
	]
	bounds, problems = compute_bounds(rows)
	assert problems == []
	assert bounds == {"All": (1, 8), "A": (2, 5), "A1": (3, 4), "B": (6, 7)}


def test_children_without_a_position_come_by_name():
	bounds, _problems = compute_bounds([("R", None, None), ("b", "R", None), ("a", "R", None)])
	assert bounds == {"R": (1, 6), "a": (2, 3), "b": (4, 5)}


def test_several_roots_follow_each_other():
	bounds, _problems = compute_bounds([("Second", None, 9), ("First", None, 1), ("Leaf", "Second", 10)])
	assert bounds == {"First": (1, 2), "Second": (3, 6), "Leaf": (4, 5)}


def test_a_deep_tree_does_not_hit_the_recursion_limit():
	depth = 5000
	rows = [("n0", None, 1)] + [(f"n{i}", f"n{i - 1}", i + 1) for i in range(1, depth)]
	bounds, problems = compute_bounds(rows)
	assert problems == []
	assert bounds["n0"] == (1, 2 * depth)
	assert bounds[f"n{depth - 1}"] == (depth, depth + 1)
	assert is_nested_set(bounds, {name: parent for name, parent, _lft in rows})


def test_a_node_whose_parent_is_missing_is_reported_and_left_out():
	bounds, problems = compute_bounds([("R", None, 1), ("Orphan", "Gone", 2), ("Leaf", "R", 3)])
	assert problems == [{"name": "Orphan", "problem": "missing parent", "parent": "Gone"}]
	assert bounds == {"R": (1, 4), "Leaf": (2, 3)}


def test_a_loop_is_reported_and_left_out():
	rows = [("R", None, 1), ("X", "Y", 2), ("Y", "X", 3), ("Ok", "R", 4)]
	bounds, problems = compute_bounds(rows)
	assert bounds == {"R": (1, 4), "Ok": (2, 3)}
	assert sorted(p["name"] for p in problems) == ["X", "Y"]
	assert {p["problem"] for p in problems} == {"loop"}
