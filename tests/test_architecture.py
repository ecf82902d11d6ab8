"""The layers point one way (README "Architecture"): `api/`, the reports and the entry points on top, the
domain packages below, the foundations at the bottom; no two packages import each other, even through a
function-level import. And what must exist once exists once."""

import ast
import importlib
import json
import pkgutil
import re
from pathlib import Path

import pytest

import crm_app

APP = Path(crm_app.__file__).parent
DOMAINS = {
	"customers",
	"receivables",
	"sales_targets",
	"data_transfer",
	"crm_setup",
	"projects",
	"selling",
}
# entry points: what Frappe or a person calls, above the domain packages
ENTRIES = {"crm_app.hooks", "crm_app.commands", "crm_app.desk"}


def module_names() -> list[str]:
	return sorted(
		name
		for _finder, name, _is_package in pkgutil.walk_packages([str(APP)], prefix="crm_app.")
		if ".public." not in name
	)


def source_of(module: str) -> Path:
	path = APP.joinpath(*module.split(".")[1:])
	return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def _type_checking_only(node: ast.If) -> bool:
	test = node.test
	return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
		isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
	)


def imports_of(module: str) -> set[str]:
	path = source_of(module)
	return imports_in(path.read_text(), module if path.name == "__init__.py" else module.rpartition(".")[0])


def imports_in(source: str, package: str) -> set[str]:
	"""Every crm_app module a module of `package` imports, at its top or inside a function (imports for
	type hints only excepted)."""
	tree = ast.parse(source)
	found = set()

	def visit(node):
		if isinstance(node, ast.If) and _type_checking_only(node):
			return  # annotations only: never imported at run time
		if isinstance(node, ast.Import):
			found.update(alias.name for alias in node.names)
		elif isinstance(node, ast.ImportFrom):
			base = node.module or ""
			if node.level:
				parts = package.split(".")
				base = ".".join([*parts[: len(parts) - node.level + 1], base]).strip(".")
			found.update(f"{base}.{alias.name}" for alias in node.names)
			found.add(base)
		for child in ast.iter_child_nodes(node):
			visit(child)

	visit(tree)
	return {name for name in found if name == "crm_app" or name.startswith("crm_app.")}


def is_report(module: str) -> bool:
	parts = module.split(".")
	return len(parts) > 3 and parts[1] in DOMAINS and parts[2] == "report"


def unit(module: str) -> str:
	"""What a module belongs to: `api`, `reports`, an entry point, a domain package, or a foundation."""
	parts = module.split(".")
	if len(parts) == 1:
		return "crm_app"
	if parts[1] == "api":
		return "api"
	if is_report(module):
		return "reports"
	if parts[1] in DOMAINS:
		return parts[1]
	if parts[1] == "patches":
		return "patches"
	return "crm_app." + parts[1]


def layer(module: str) -> int:
	"""2: api, reports, entry points, patches; 1: domain packages; 0: foundations."""
	name = unit(module)
	if name in {"api", "reports", "patches"} or name in ENTRIES:
		return 2
	if name in DOMAINS:
		return 1
	return 0


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
	modules = module_names()
	for name in modules:
		importlib.import_module(name)  # every module imports (a cycle at import time would fail here)
	return {name: imports_of(name) for name in modules}


def test_the_walk_sees_function_level_and_relative_imports():
	"""The checker itself: an import inside a function counts, one for type hints only does not."""
	source = (
		"import frappe\n"
		"def f():\n\tfrom crm_app.api import tree\n"
		"class C:\n\tif TYPE_CHECKING:\n\t\tfrom crm_app.api import hidden\n"
		"def g():\n\tfrom ..ledger import post\n"
	)
	assert imports_in(source, "crm_app.receivables.sub") == {
		"crm_app.api",
		"crm_app.api.tree",
		"crm_app.receivables.ledger",
		"crm_app.receivables.ledger.post",
	}
	assert "crm_app.events" in imports_of("crm_app.receivables.ledger")


def test_no_module_imports_a_layer_above_its_own(graph):
	upward = sorted(
		f"{module} imports {imported}"
		for module, imported_names in graph.items()
		for imported in imported_names
		if unit(imported) != "crm_app" and layer(imported) > layer(module)
	)
	assert upward == []


def test_the_reports_read_through_the_domain_packages_not_the_api(graph):
	reports = [module for module in graph if is_report(module)]
	assert len(reports) >= 4
	through_api = sorted(
		f"{module} imports {imported}"
		for module in reports
		for imported in graph[module]
		if unit(imported) == "api"
	)
	assert through_api == []


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
	"""The strongly connected groups of more than one unit (Tarjan)."""
	index, low, stack, on_stack, found = {}, {}, [], set(), []

	def connect(node):
		index[node] = low[node] = len(index)
		stack.append(node)
		on_stack.add(node)
		for target in edges.get(node, ()):
			if target not in index:
				connect(target)
				low[node] = min(low[node], low[target])
			elif target in on_stack:
				low[node] = min(low[node], index[target])
		if low[node] == index[node]:
			group = []
			while True:
				member = stack.pop()
				on_stack.discard(member)
				group.append(member)
				if member == node:
					break
			if len(group) > 1:
				found.append(sorted(group))

	for node in sorted(edges):
		if node not in index:
			connect(node)
	return found


def test_no_two_packages_or_foundations_import_each_other(graph):
	edges: dict[str, set[str]] = {}
	for module, imported_names in graph.items():
		for imported in imported_names:
			if unit(imported) not in (unit(module), "crm_app"):
				edges.setdefault(unit(module), set()).add(unit(imported))
	assert cycles(edges) == []
	assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]  # the checker


def code_files():
	for path in sorted(APP.rglob("*.py")):
		yield path, path.read_text()


def test_the_rows_a_user_may_read_have_one_definition():
	"""Frappe's match conditions are reached through compat, and only permissions.match_conditions asks."""
	assert [path.name for path, text in code_files() if "build_match_conditions" in text] == ["compat.py"]
	callers = [path.name for path, text in code_files() if "list_match_conditions(" in text]
	assert sorted(callers) == ["compat.py", "permissions.py"]


def test_csv_is_written_in_one_place():
	writers = [path.name for path, text in code_files() if "csv.writer(" in text]
	assert writers == ["csv_files.py"]


def test_every_named_mutex_waits_a_bounded_time():
	"""A DocType row locked FOR UPDATE is the app's named mutex: only crm_app.locks takes one (bounded wait,
	409 when busy); a segment's row lock goes through it too."""
	pattern = re.compile(r"from `tabDocType`[^\"']*for update", re.IGNORECASE)
	assert [path.name for path, text in code_files() if pattern.search(text)] == ["locks.py"]
	segment_locks = re.compile(r"`tabCustomer Segment` where name = %s for update", re.IGNORECASE)
	assert not [path.name for path, text in code_files() if segment_locks.search(text)]


@pytest.mark.parametrize(
	"doctype", ["customer_ledger_entry", "customer_ledger_summary", "customer_statistics_adjustment"]
)
def test_the_ledgers_movement_types_are_listed_once(doctype):
	from crm_app.receivables.movements import MOVEMENT_TYPES

	meta = json.loads((APP / "receivables" / "doctype" / doctype / f"{doctype}.json").read_text())
	(field,) = [f for f in meta["fields"] if f["fieldname"] == "movement_type"]
	assert set(field["options"].split("\n")) == set(MOVEMENT_TYPES)
	literals = [
		path.relative_to(APP).as_posix()
		for path, text in code_files()
		if "Returned Cheque" in text and "Interest Charge" in text and "doctype/" not in path.as_posix()
	]
	assert literals == ["receivables/movements.py"]
