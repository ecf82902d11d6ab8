"""Many people at once, over real HTTP: each thread is its own logged-in session of a user with a real
role, spread over two web servers on the site (two gunicorns, 2 workers x 4 threads each, as two
machines behind a proxy). What is checked is what must never go wrong
under concurrent writers: the trees, customer names and their child rows, the credit limit and the
freeze.
"""

import json
import random
import threading
import time
from collections import Counter

import frappe
import pytest
import requests
from frappe.utils.nestedset import get_root_of
from frappe.utils.password import update_password

from crm_app.receivables.ledger import balance
from crm_app.trees import parent_field_of
from tests.receivables import invoice, purge, purge_masters, setup_customer
from tests.segments import make_group_segment
from tests.trees import NAME_FIELD, assert_tree_valid, make_node, unique
from tests.users import http_session, make_user, remove_user

SESSIONS = 8
OPS_PER_SESSION = 24
PASSWORD = "Concurrent-pass-1234!"


def resource(server_url, doctype, name=""):
	return f"{server_url}/api/resource/{doctype}" + (f"/{name}" if name else "")


def login(server_url, user) -> requests.Session:
	return http_session(server_url, user, PASSWORD)


@pytest.fixture(scope="module")
def users():
	"""Half CRM Managers, half Sales Managers (with an accounting role for invoices and credit limits): the
	roles that write the customer trees (README, "Roles and permissions")."""
	made = []
	for index in range(SESSIONS):
		roles = ("CRM Manager", "Accounts User") if index % 2 == 0 else ("Sales Manager", "Accounts Manager")
		user = make_user(*roles)
		update_password(user, PASSWORD)
		made.append(user)
	frappe.db.commit()
	yield made
	for user in made:
		remove_user(user)
	frappe.db.commit()


def run_at_once(jobs):
	"""Run callables in threads released together; return their results in order."""
	barrier = threading.Barrier(len(jobs))
	results = [None] * len(jobs)
	errors = []

	def run(index, job):
		try:
			barrier.wait(timeout=30)
			results[index] = job()
		except Exception as error:  # surfaced below, with the thread's traceback lost but its message kept
			errors.append(repr(error))

	threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
	for thread in threads:
		thread.start()
	for thread in threads:
		thread.join(timeout=600)
	assert not errors, errors
	return results


def fresh_snapshot():
	"""The test process reads what the server committed, not its transaction's older snapshot."""
	frappe.db.rollback()


def delete_subtree(doctype: str, top: str) -> None:
	fresh_snapshot()
	lft, rgt = frappe.db.get_value(doctype, top, ["lft", "rgt"])
	for name in frappe.get_all(
		doctype, filters={"lft": (">=", lft), "rgt": ("<=", rgt)}, order_by="lft desc", pluck="name"
	):
		frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
	frappe.db.commit()


def sandbox_top(doctype: str) -> str:
	"""A group of the test's own: under the root, or a head office of its own in the customer forest."""
	parent = None if doctype == "Customer" else get_root_of(doctype)
	doc = frappe.get_doc(
		{
			"doctype": doctype,
			NAME_FIELD[doctype]: unique("Storm"),
			parent_field_of(doctype): parent,
			"is_group": 1,
		}
	).insert()
	frappe.db.commit()
	return doc.name


@pytest.mark.parametrize("doctype", ["Customer Group", "Territory", "Customer"])
def test_concurrent_inserts_moves_and_deletes_keep_the_tree_exact(doctype, web_nodes, users):
	top = sandbox_top(doctype)
	parent_field = parent_field_of(doctype)
	shared = threading.Lock()
	groups, alive, deleted = [top], set(), set()
	outcomes = Counter()

	def worker(user, seed):
		server_url = web_nodes[seed % len(web_nodes)]
		session, rng = login(server_url, user), random.Random(seed)
		for step in range(OPS_PER_SESSION):
			with shared:
				choice = rng.random()
				parent = rng.choice(groups)
				node = rng.choice(sorted(alive)) if alive else None
			if choice < 0.5 or not node:
				is_group = int(rng.random() < 0.35)
				response = session.post(
					resource(server_url, doctype),
					json={
						NAME_FIELD[doctype]: unique(f"s{seed}-{step}"),
						parent_field: parent,
						"is_group": is_group,
					},
				)
				if response.status_code == 200:
					with shared:
						alive.add(response.json()["data"]["name"])
						if is_group:
							groups.append(response.json()["data"]["name"])
				outcomes[("insert", response.status_code)] += 1
			elif choice < 0.78:
				response = session.put(resource(server_url, doctype, node), json={parent_field: parent})
				outcomes[("move", response.status_code)] += 1
			else:
				response = session.delete(resource(server_url, doctype, node))
				if response.status_code == 202:
					with shared:
						alive.discard(node)
						deleted.add(node)
						if node in groups:
							groups.remove(node)
				outcomes[("delete", response.status_code)] += 1
			# Frappe 15.x after the wheel's build refuses at once to delete a row another session is
			# writing ("try again"), answering its QueryTimeoutError with a 500 of its own: nothing written
			busy = response.status_code == 500 and response.json().get("exc_type") == "QueryTimeoutError"
			assert response.status_code < 500 or busy, (
				f"{doctype}: {response.status_code} {_traceback(response)}"
			)

	try:
		run_at_once([lambda u=user, s=i: worker(u, s) for i, user in enumerate(users)])
		fresh_snapshot()
		assert_tree_valid(doctype)
		# nothing lost, nothing left behind
		stored = set(frappe.get_all(doctype, filters={"name": ("in", list(alive | deleted))}, pluck="name"))
		assert stored == alive
		lft, rgt = frappe.db.get_value(doctype, top, ["lft", "rgt"])
		in_sandbox = frappe.get_all(doctype, filters={"lft": (">", lft), "rgt": ("<", rgt)}, pluck="name")
		assert set(in_sandbox) == {name for name in alive if _under(doctype, name, top)}
		assert sum(n for (op, code), n in outcomes.items() if op == "insert" and code == 200) >= SESSIONS
		assert any(op == "move" and code == 200 for op, code in outcomes), outcomes
	finally:
		delete_subtree(doctype, top)
	fresh_snapshot()
	assert_tree_valid(doctype)


def _traceback(response) -> str:
	try:
		return "".join(json.loads(response.json()["exc"]))[-3000:]
	except Exception:
		return response.text[:3000]


def _under(doctype: str, name: str, top: str) -> bool:
	parent = frappe.db.get_value(doctype, name, parent_field_of(doctype))
	while parent:
		if parent == top:
			return True
		parent = frappe.db.get_value(doctype, parent, parent_field_of(doctype))
	return False


def test_tree_fields_sent_by_a_client_are_ignored(server_url, users):
	top = sandbox_top("Customer Group")
	session = login(server_url, users[0])
	try:
		created = session.post(
			resource(server_url, "Customer Group"),
			json={
				"customer_group_name": unique("Forged"),
				"parent_customer_group": top,
				"lft": 1,
				"rgt": 100000,
				"old_parent": "All Customer Groups",
			},
		)
		assert created.status_code == 200, created.text
		name = created.json()["data"]["name"]
		# a PUT may not rewrite the place, nor switch to another record through the body
		response = session.put(resource(server_url, "Customer Group", name), json={"lft": 3, "rgt": 4})
		assert response.status_code == 200, response.text
		response = session.put(
			resource(server_url, "Customer Group", name), json={"name": top, "lft": 5, "rgt": 6}
		)
		assert response.status_code == 417, response.text
		fresh_snapshot()
		top_row = frappe.db.get_value("Customer Group", top, ["lft", "rgt"], as_dict=True)
		row = frappe.db.get_value("Customer Group", name, ["lft", "rgt", "old_parent"], as_dict=True)
		assert top_row.lft < row.lft and row.rgt == row.lft + 1 and row.rgt < top_row.rgt
		assert row.old_parent == top
		assert_tree_valid("Customer Group")
	finally:
		delete_subtree("Customer Group", top)


def test_homonyms_saved_at_once_get_distinct_names_and_keep_their_own_rows(web_nodes, users):
	data = setup_customer()
	frappe.db.commit()
	base = unique("Homonym")
	names = []
	try:

		def save(user, limit):
			server_url = web_nodes[limit % len(web_nodes)]
			response = login(server_url, user).post(
				resource(server_url, "Customer"),
				json={
					"customer_name": base,
					"customer_group": data.group,
					"credit_limits": [{"company": data.company, "credit_limit": limit}],
				},
			)
			return response.status_code, response.json().get("data", {}).get("name"), response.text[:2000]

		results = run_at_once([lambda u=user, i=i: save(u, 1000 + i) for i, user in enumerate(users)])
		names = [name for _code, name, _text in results if name]
		assert [code for code, _name, _text in results] == [200] * SESSIONS, results
		assert sorted(names) == sorted([base] + [f"{base}-{n}" for n in range(1, SESSIONS)])
		fresh_snapshot()
		for index, (_code, name, _text) in enumerate(results):
			rows = frappe.get_all(
				"Customer Credit Limit",
				filters={"parent": name, "parenttype": "Customer"},
				pluck="credit_limit",
			)
			assert rows == [1000 + index], f"{name} holds {rows}"
	finally:
		fresh_snapshot()
		purge_masters([*names, data.customer], [data.group], [data.item], [data.company])
		frappe.db.commit()


def _credit_setup(limit: float):
	data = setup_customer()
	customer = frappe.get_doc("Customer", data.customer)
	customer.append("credit_limits", {"company": data.company, "credit_limit": limit})
	customer.save()
	return data


def test_concurrent_invoices_never_take_the_outstanding_over_the_limit(web_nodes, users):
	data = _credit_setup(1000)
	drafts = [invoice(data.customer, data.company, data.item, rate=400, submit=False).name for _ in range(6)]
	frappe.db.commit()
	try:

		def submit(user, name, server_url):
			response = login(server_url, user).put(
				resource(server_url, "Sales Invoice", name), json={"docstatus": 1}
			)
			return response.status_code, response.json().get("exc_type")

		nodes = [web_nodes[i % len(web_nodes)] for i in range(len(drafts))]
		results = run_at_once(
			[lambda u=users[i], n=name, url=nodes[i]: submit(u, n, url) for i, name in enumerate(drafts)]
		)
		assert all(code < 500 for code, _exc in results), results
		assert sorted(results) == sorted([(200, None)] * 2 + [(417, "CreditLimitExceededError")] * 4)
		fresh_snapshot()
		assert balance([data.customer], data.company, "EUR") == 800
	finally:
		fresh_snapshot()
		purge("Sales Invoice", drafts)
		frappe.db.delete("Customer Ledger Summary", {"customer_group": data.group})
		purge_masters([data.customer], [data.group], [data.item], [data.company])
		frappe.db.commit()


def _submit_while_locked(server_url, user, name, hold):
	"""Hold the customer in this process (as another user's transaction would), send a submission over
	HTTP, let `hold` change and commit while it waits, and return the answer."""
	answer = {}

	def submit():
		response = login(server_url, user).put(
			resource(server_url, "Sales Invoice", name), json={"docstatus": 1}
		)
		answer.update(code=response.status_code, exc=response.json().get("exc_type"))

	thread = threading.Thread(target=submit)
	thread.start()
	time.sleep(1.5)  # the submission is now waiting for the customer (or, without the lock, done)
	hold()
	frappe.db.commit()
	thread.join(timeout=120)
	return answer


def test_a_submission_waits_for_a_concurrent_freeze_and_sees_it(server_url, users):
	data = _credit_setup(0)
	draft = invoice(data.customer, data.company, data.item, rate=10, submit=False).name
	frappe.db.commit()
	try:
		frappe.db.sql("select name from `tabCustomer` where name = %s for update", data.customer)

		def freeze():
			frappe.db.set_value("Customer", data.customer, {"is_frozen": 1, "freeze_reason": "Dispute"})

		answer = _submit_while_locked(server_url, users[1], draft, freeze)
		assert answer == {"code": 417, "exc": "FrozenCustomerError"}
	finally:
		fresh_snapshot()
		purge("Sales Invoice", [draft])
		frappe.db.delete("Customer Ledger Summary", {"customer_group": data.group})
		purge_masters([data.customer], [data.group], [data.item], [data.company])
		frappe.db.commit()


def test_a_credit_check_waiting_for_another_posting_counts_it(server_url, users):
	data = _credit_setup(1000)
	draft = invoice(data.customer, data.company, data.item, rate=400, submit=False).name
	frappe.db.commit()
	first = []
	try:
		# this process submits 700 for the same customer and holds it until after the HTTP submission started
		first.append(invoice(data.customer, data.company, data.item, rate=700, submit=False).name)
		frappe.get_doc("Sales Invoice", first[0]).submit()
		answer = _submit_while_locked(server_url, users[1], draft, lambda: None)
		assert answer == {"code": 417, "exc": "CreditLimitExceededError"}
		fresh_snapshot()
		assert balance([data.customer], data.company, "EUR") == 700
	finally:
		fresh_snapshot()
		purge("Sales Invoice", [draft, *first])
		frappe.db.delete("Customer Ledger Summary", {"customer_group": data.group})
		purge_masters([data.customer], [data.group], [data.item], [data.company])
		frappe.db.commit()


def test_customers_changing_while_their_segment_refreshes_end_up_exactly_where_the_rules_say(
	web_nodes, users
):
	"""Eight sessions (over two web servers) move customers in and out of a segment's group while others refresh it: no request
	fails (a customer save never waits for a refresh: no deadlock), and once the background jobs have run,
	the members are exactly the customers the rules select, counted right, with a history that alternates
	joins and leaves."""
	from tests.workers import bench_workers

	top = sandbox_top("Customer Group")
	inside = make_node("Customer Group", unique("Inside"), top).name
	outside = make_node("Customer Group", unique("Outside"), top).name
	customers = [
		frappe.get_doc(
			{
				"doctype": "Customer",
				"customer_name": unique("Mover"),
				"customer_group": (inside, outside)[i % 2],
			}
		)
		.insert()
		.name
		for i in range(12)
	]
	segment = make_group_segment("Moving segment", inside)
	frappe.db.commit()
	try:

		def mover(user, seed):
			server_url = web_nodes[seed % len(web_nodes)]
			session, rng, codes = login(server_url, user), random.Random(seed), []
			for _ in range(10):
				response = session.put(
					resource(server_url, "Customer", rng.choice(customers)),
					json={"customer_group": rng.choice((inside, outside))},
				)
				codes.append((response.status_code, response.json().get("exc_type") or response.text[-600:]))
			return codes

		def refresher(user, server_url):
			session, codes = login(server_url, user), []
			for _ in range(6):
				response = session.post(
					f"{server_url}/api/method/crm_app.api.segments.refresh_segment",
					data={"segment": segment.name},
				)
				codes.append((response.status_code, response.json().get("exc_type") or response.text[-600:]))
			return codes

		jobs = [lambda u=users[i], s=i: mover(u, s) for i in range(6)]
		jobs += [lambda u=users[6]: refresher(u, web_nodes[0]), lambda u=users[7]: refresher(u, web_nodes[1])]
		results = run_at_once(jobs)
		failed = [code for codes in results for code in codes if code[0] != 200]
		assert not failed, failed
		for worker in bench_workers("short,long", count=2):  # two workers on the queue, as two machines
			assert worker.returncode == 0, worker.stderr[-2000:]
		fresh_snapshot()
		in_group = set(frappe.get_all("Customer", {"customer_group": inside}, pluck="name"))
		rows = frappe.get_all(
			"Customer Segment Member", {"segment": segment.name}, ["customer", "status", "source"]
		)
		assert len(rows) == len({row.customer for row in rows})  # one row per customer
		assert {row.customer for row in rows} == in_group
		assert {(row.status, row.source) for row in rows} <= {("Member", "Rule")}
		assert frappe.db.get_value("Customer Segment", segment.name, "member_count") == len(in_group)
		history = frappe.get_all(
			"Customer Segment Log", {"segment": segment.name}, ["customer", "action"], order_by="name"
		)
		for customer in customers:
			actions = [row.action for row in history if row.customer == customer]
			expected = ["Joined", "Left"] * len(actions)
			assert actions == expected[: len(actions)], (customer, actions)
			assert (actions[-1:] == ["Joined"]) == (customer in in_group), (customer, actions)
	finally:
		fresh_snapshot()
		frappe.db.delete("Customer Segment Member", {"segment": segment.name})
		frappe.db.delete("Customer Segment Log", {"segment": segment.name})
		frappe.delete_doc("Customer Segment", segment.name, force=True, ignore_permissions=True)
		for customer in customers:
			frappe.delete_doc("Customer", customer, force=True, ignore_permissions=True)
		frappe.db.commit()
		delete_subtree("Customer Group", top)
