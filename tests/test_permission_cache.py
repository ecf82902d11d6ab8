"""What decides who may read what is never stale: a segment's "Restrict Role to Members", once its change is
committed, holds for every request that starts afterwards, including when requests that began before the
change are still running (MariaDB repeatable read: they read the database as it was when they began)."""

import json
import threading
import time

import frappe
import pytest
import requests
from frappe.utils.password import update_password

from crm_app.permissions import restricting_segments
from tests.conftest import connect_site
from tests.fixtures import make_customer, make_group_chain
from tests.receivables import purge_masters
from tests.segments import make_group_segment
from tests.trees import unique
from tests.users import http_session, make_user, remove_user

PASSWORD = "Permission-cache-pass-1234!"
READERS = 4


def login(server_url, user) -> requests.Session:
	return http_session(server_url, user, PASSWORD)


@pytest.fixture(scope="module")
def world(server_url):
	"""Two customers in a group that a segment selects, two in another group, a role and a Sales User with
	that role; the segment restricts nobody yet. All committed."""
	inside, outside = make_group_chain(1)[0], make_group_chain(1)[0]
	members = {make_customer(inside).name for _ in range(2)}
	others = {make_customer(outside).name for _ in range(2)}
	segment = make_group_segment("Restriction segment", inside).name
	role = frappe.get_doc({"doctype": "Role", "role_name": unique("Restricted"), "desk_access": 1}).insert()
	user = make_user("Sales User", role.name)
	update_password(user, PASSWORD)
	frappe.db.commit()
	assert set(frappe.get_all("Customer Segment Member", {"segment": segment}, pluck="customer")) == members
	yield frappe._dict(
		members=members,
		customers=members | others,
		groups=[inside, outside],
		segment=segment,
		role=role.name,
		user=user,
	)
	frappe.db.rollback()
	frappe.db.set_value("Customer Segment", segment, "restrict_role", None)
	frappe.delete_doc("Customer Segment", segment, force=True, ignore_permissions=True)
	frappe.db.delete("Customer Segment Log", {"segment": segment})
	purge_masters(sorted(members | others), [inside, outside])
	remove_user(user)
	frappe.delete_doc("Role", role.name, force=True, ignore_permissions=True)
	frappe.db.commit()


def listed(session, server_url, world) -> set[str]:
	"""The customers of the test's two groups that the session's user may read."""
	response = session.get(
		f"{server_url}/api/resource/Customer",
		params={
			"filters": json.dumps([["customer_group", "in", world.groups]]),
			"limit_page_length": 0,
		},
	)
	assert response.status_code == 200, response.text[:500]
	return {row["name"] for row in response.json()["data"]}


def restrict(world, role: str | None) -> None:
	"""The segment's restriction set (a role) or removed (None), through the document, committed."""
	segment = frappe.get_doc("Customer Segment", world.segment)
	segment.restrict_role = role
	segment.save()
	frappe.db.commit()


def test_readers_running_while_a_restriction_changes_never_read_outside_the_members(
	world, server_url, admin_session
):
	"""Sessions of the restricted user list customers in a loop while an admin session sets and removes the
	restriction, several times. A list that started after a change was answered (the server commits before it
	answers) and ended before the next change was sent must show that change: only the members while the
	restriction holds, every customer once it is removed."""
	admin = admin_session
	sessions = [login(server_url, world.user) for _ in range(READERS)]
	segment_url = f"{server_url}/api/resource/Customer Segment/{world.segment}"
	reads, stop, errors = [], threading.Event(), []

	def read_in_a_loop(session):
		try:
			while not stop.is_set():
				started = time.monotonic()
				seen = listed(session, server_url, world)
				reads.append((started, time.monotonic(), seen))
		except Exception as error:  # reported by the test, not lost with the thread
			errors.append(repr(error))

	threads = [threading.Thread(target=read_in_a_loop, args=(session,)) for session in sessions]
	for thread in threads:
		thread.start()
	changes = [(0.0, 0.0, None)]  # (sent, answered, role): none restricts at first
	try:
		for role in (world.role, None) * 3:
			time.sleep(1.0)
			sent = time.monotonic()
			response = admin.put(segment_url, json={"restrict_role": role})
			assert response.status_code == 200, response.text[:500]
			changes.append((sent, time.monotonic(), role))
		time.sleep(1.0)
	finally:
		stop.set()
		for thread in threads:
			thread.join(timeout=120)
		admin.put(segment_url, json={"restrict_role": None})
	assert not errors, errors

	expected = {"restricted": [], "unrestricted": []}
	for started, ended, seen in reads:
		answered = [change for change in changes if change[1] < started]
		if any(sent < ended for sent, _, _ in changes[len(answered) :]):
			continue  # a change was under way during this read: either answer is right
		expected["restricted" if answered[-1][2] else "unrestricted"].append(seen)
	# enough reads in both states for the test to mean something
	assert min(len(expected["restricted"]), len(expected["unrestricted"])) >= READERS, {
		key: len(value) for key, value in expected.items()
	}
	assert [seen for seen in expected["restricted"] if seen != world.members] == []
	assert [seen for seen in expected["unrestricted"] if seen != world.customers] == []


def test_a_request_reading_an_older_snapshot_cannot_bring_the_old_restrictions_back(world, server_url):
	"""The race itself, step by step: a request (its own thread, connection and transaction) reads the
	database before the restriction is committed; its permission check runs after the commit, still in its
	old snapshot, and finds the user unrestricted. The next request must still see the restriction: with the
	restrictions cached, the old request wrote its answer into the cache after the commit had emptied it."""
	snapshot_taken, committed = threading.Event(), threading.Event()
	seen, errors = {}, []

	def old_request():
		try:
			connect_site()  # this thread's own frappe.local, connection and transaction
			# the transaction's snapshot is taken at its first read, before the change
			seen["restrict_role"] = frappe.db.get_value("Customer Segment", world.segment, "restrict_role")
			snapshot_taken.set()
			assert committed.wait(timeout=60)
			seen["segments"] = restricting_segments(world.user)
		except Exception as error:  # reported by the test, not lost with the thread
			errors.append(repr(error))
		finally:
			snapshot_taken.set()
			if getattr(frappe.local, "db", None):
				frappe.db.rollback()
			frappe.destroy()

	thread = threading.Thread(target=old_request)
	thread.start()
	try:
		assert snapshot_taken.wait(timeout=60)
		restrict(world, world.role)
		committed.set()
		thread.join(timeout=60)
		assert not errors, errors
		# the old request did run in the old snapshot: no restriction there
		assert seen == {"restrict_role": None, "segments": []}
		frappe.db.rollback()  # the next request's transaction starts after the commit
		assert restricting_segments(world.user) == [world.segment]
		assert listed(login(server_url, world.user), server_url, world) == world.members
	finally:
		committed.set()
		thread.join(timeout=60)
		frappe.db.rollback()
		restrict(world, None)
	# and the removal, committed, is seen at once too
	assert restricting_segments(world.user) == []
