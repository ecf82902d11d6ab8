"""Time a permission check of a user restricted by a segment, reading the segment restrictions from the
database on each check (the app's way) and from a Redis cache (the way before, which a request with an
older snapshot could fill with stale restrictions), in the same run.

Run from the repo (after `make test` or dev/setup.sh):
    .bench/frappe-bench/env/bin/python benchmarks/permission_cache.py [--segments 50] [--repeat 2000]

Works on the test site (FRAPPE_SITE, default test.localhost); removes what it made when it ends.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

import frappe
from frappe.model.db_query import DatabaseQuery
from frappe.utils.nestedset import get_root_of

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from crm_app import permissions
from tests.conftest import connect_site

PREFIX = "_BPERM"
KEY = "crm_app:bench_segment_restrictions"


def make_data(segments: int) -> tuple[str, list[str]]:
	"""A role restricted by one segment (others restricting other roles), a user with that role, and a few
	customers, one of them a member."""
	group = (
		frappe.get_doc(
			{
				"doctype": "Customer Group",
				"customer_group_name": f"{PREFIX} group",
				"parent_customer_group": get_root_of("Customer Group"),
			}
		)
		.insert()
		.name
	)
	roles = [
		frappe.get_doc({"doctype": "Role", "role_name": f"{PREFIX} role {i}", "desk_access": 1}).insert().name
		for i in range(segments)
	]
	customers = [
		frappe.get_doc(
			{"doctype": "Customer", "customer_name": f"{PREFIX} customer {i}", "customer_group": group}
		)
		.insert()
		.name
		for i in range(5)
	]
	for i, role in enumerate(roles):
		frappe.get_doc(
			{
				"doctype": "Customer Segment",
				"segment_name": f"{PREFIX} segment {i}",
				"auto_update": 1,
				"restrict_role": role,
				"rules": [{"field": "customer_group", "operator": "equals", "value": group}],
			}
		).insert()
	user = frappe.get_doc(
		{
			"doctype": "User",
			"email": "bench-perm@crm-app.test",
			"first_name": "Bench",
			"send_welcome_email": 0,
			"roles": [{"role": "Sales User"}, {"role": roles[0]}],
		}
	).insert(ignore_permissions=True)
	frappe.db.delete("Has Role", {"parent": user.name, "role": "System Manager"})
	frappe.clear_cache(user=user.name)
	return user.name, customers


def remove_data() -> None:
	segments = frappe.get_all("Customer Segment", {"name": ("like", f"{PREFIX}%")}, pluck="name")
	for table, field in (("Customer Segment Member", "segment"), ("Customer Segment Log", "segment")):
		frappe.db.delete(table, {field: ("in", segments or ["-"])})
	frappe.db.delete("Customer Segment Rule", {"parent": ("in", segments or ["-"])})
	frappe.db.delete("Customer Segment", {"name": ("in", segments or ["-"])})
	frappe.db.delete("Has Role", {"parent": "bench-perm@crm-app.test"})
	# through delete_doc: the customer and group trees keep exact bounds
	for doctype in ("Customer", "Customer Group", "Role"):
		for name in frappe.get_all(doctype, {"name": ("like", f"{PREFIX}%")}, pluck="name"):
			frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
	frappe.db.delete("User", {"name": "bench-perm@crm-app.test"})
	frappe.cache.delete_value(KEY)
	frappe.db.commit()


def cached_restrictions(read):
	"""The way before: Redis, with Frappe's per-request copy (frappe.local.cache) dropped before each call,
	as each request starts without it."""

	def restrictions():
		frappe.local.cache.pop(frappe.cache.make_key(KEY), None)
		return frappe.cache.get_value(KEY, generator=read)

	return restrictions


def time_both(check, repeat: int) -> tuple[float, float]:
	"""Medians of `check` with the restrictions read from the database and from the cache, the two
	alternated call by call so that the load of a shared machine weighs on both alike."""
	read, cached = permissions._restrictions, cached_restrictions(permissions._restrictions)
	times = {read: [], cached: []}
	try:
		for _ in range(repeat):
			for way in (read, cached):
				permissions._restrictions = way
				start = time.perf_counter()
				check()
				times[way].append(time.perf_counter() - start)
	finally:
		permissions._restrictions = read
	return statistics.median(times[read]), statistics.median(times[cached])


def main() -> None:
	parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
	parser.add_argument("--segments", type=int, default=50)
	parser.add_argument("--repeat", type=int, default=2000)
	args = parser.parse_args()
	connect_site()
	frappe.set_user("Administrator")
	remove_data()
	try:
		user, customers = make_data(args.segments)
		frappe.db.commit()
		assert permissions.restricting_segments(user) == [f"{PREFIX} segment 0"]
		read = permissions._restrictions
		checks = {
			"the restrictions alone": read,
			"a list's condition (customer_conditions)": lambda: permissions.customer_conditions(user),
			"a list's match conditions (DatabaseQuery)": lambda: DatabaseQuery(
				"Customer", user=user
			).build_match_conditions(),
			"one document (frappe.has_permission)": lambda: frappe.has_permission(
				"Customer", "read", doc=customers[0], user=user
			),
		}
		print(f"{args.segments} segments restricting roles, {args.repeat} checks each way (medians)")
		for label, check in checks.items():
			frappe.db.rollback()
			uncached, cached = time_both(check, args.repeat)
			print(
				f"  {label}: database {uncached * 1e6:.0f} µs, Redis cache {cached * 1e6:.0f} µs,"
				f" difference {(uncached - cached) * 1e6:.0f} µs"
			)
	finally:
		frappe.db.rollback()
		remove_data()
		frappe.destroy()


if __name__ == "__main__":
	main()
