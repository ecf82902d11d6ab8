"""Graduated credit control (crm_app.receivables.credit_control): the policy of CRM Settings or of a customer
group, applied at invoice over HTTP as an Accounts User, and every decision recorded."""

import json

import frappe
import pytest
import requests
from frappe.utils import date_diff, fmt_money, now, nowdate, strip_html_tags
from frappe.utils.password import update_password

from crm_app.compat import separate_transaction
from crm_app.customers.credit_policy import DEFAULT_POLICY, InvalidCreditPolicyError
from crm_app.customers.defaults import get_effective_defaults
from crm_app.guards import DerivedRecordWriteError
from crm_app.receivables.credit_control import (
	CreditHoldError,
	OverdueInvoicesError,
	enforce_credit_control,
)
from crm_app.receivables.ledger import balance
from crm_app.receivables.rules import CreditLimitExceededError
from tests.fixtures import make_customer, make_group_chain
from tests.receivables import invoice, purge, purge_masters, setup_customer
from tests.users import http_session, make_user, remove_user

PASSWORD = "Credit-pass-1234!"
DECISION = "Credit Control Decision"


@pytest.fixture(autouse=True)
def forget_decisions():
	"""Refusals are recorded on a connection of their own (they outlive the refusal's rollback): remove
	what this test recorded, and put the policy back."""
	start = now()
	yield
	frappe.db.rollback()
	frappe.db.delete(DECISION, {"creation": (">=", start)})
	set_policy(**DEFAULT_POLICY, credit_controller=None)
	frappe.db.commit()


@pytest.fixture(scope="module")
def users():
	"""Two Accounts Users, a credit controller (Accounts Manager, named in CRM Settings by the tests) and a Sales
	Manager (writes groups, reads no decision)."""
	made = {
		"clerk": make_user("Accounts User"),
		"other_clerk": make_user("Accounts User"),
		"controller": make_user("Accounts User", "Accounts Manager"),
		"sales": make_user("Sales User", "Sales Manager"),
		"other_sales": make_user("Sales User"),
	}
	for user in made.values():
		update_password(user, PASSWORD)
	frappe.db.commit()
	yield made
	for user in made.values():
		remove_user(user)
	frappe.db.commit()


def set_policy(**values):
	for field, value in values.items():
		frappe.db.set_single_value("CRM Settings", field, value)


def set_limit(doctype, name, company, amount):
	doc = frappe.get_doc(doctype, name)
	doc.append("credit_limits", {"company": company, "credit_limit": amount})
	doc.save()


def decisions(customer):
	"""The customer's decisions: those written with this test's documents (its own transaction) and those the
	refusals committed on a connection of their own (read on another connection: this transaction's snapshot
	is older)."""

	def read():
		return frappe.db.sql(
			"""select name, creation, decision, stage, reference_doctype, reference_name, outstanding,
				document_amount, credit_limit, tolerance_percent, overdue_amount, oldest_overdue_days,
				limit_source, policy_source, user, reason
			from `tabCredit Control Decision` where customer = %s""",
			customer,
			as_dict=True,
		)

	rows = {row.name: row for row in read()}
	with separate_transaction():
		rows.update({row.name: row for row in read()})
	return sorted(rows.values(), key=lambda row: row.creation)


@pytest.fixture
def committed_customer():
	"""A customer with a limit of 1000 and 800 already invoiced, committed for the HTTP server."""
	data = setup_customer()
	set_limit("Customer", data.customer, data.company, 1000)
	data.invoices = [invoice(data.customer, data.company, data.item, rate=800).name]
	data.invoices.append(invoice(data.customer, data.company, data.item, rate=300, submit=False).name)
	frappe.db.commit()
	yield data
	frappe.db.rollback()
	purge("Sales Invoice", data.invoices)
	frappe.db.delete("Customer Ledger Summary", {"customer_group": data.group})
	purge_masters([data.customer], [data.group], [data.item], [data.company])
	frappe.db.commit()


def submit(server_url, user, name):
	session = http_session(server_url, user, PASSWORD)
	return session.put(f"{server_url}/api/resource/Sales Invoice/{name}", json={"docstatus": 1})


def messages(response) -> str:
	return " ".join(
		json.loads(m)["message"] for m in json.loads(response.json().get("_server_messages", "[]"))
	)


def test_refuse_over_http_names_the_figures_and_records_the_refusal(server_url, users, committed_customer):
	data = committed_customer
	response = submit(server_url, users["clerk"], data.invoices[1])
	assert response.status_code == 417, response.text
	assert response.json()["exc_type"] == "CreditLimitExceededError"
	text = messages(response)
	for figure in (800, 300, 1100, 1000):
		assert fmt_money(figure, currency="EUR") in text
	assert data.customer in text and "the customer's own limit" in text
	frappe.db.rollback()
	assert frappe.db.get_value("Sales Invoice", data.invoices[1], "docstatus") == 0
	[row] = decisions(data.customer)
	assert (row.decision, row.stage, row.reference_name, row.user) == (
		"Refuse",
		"Invoice",
		data.invoices[1],
		users["clerk"],
	)
	assert (row.outstanding, row.document_amount, row.credit_limit) == (800, 300, 1000)
	assert row.limit_source == "the customer's own limit" and row.policy_source == "CRM Settings"


def test_hold_keeps_the_invoice_a_draft_until_the_credit_controller_submits_it(
	server_url, users, committed_customer
):
	data = committed_customer
	set_policy(credit_control_action="Hold", credit_controller="Accounts Manager")
	frappe.db.commit()
	response = submit(server_url, users["clerk"], data.invoices[1])
	assert response.status_code == 417, response.text
	assert response.json()["exc_type"] == "CreditHoldError"
	assert "stays a draft until a user with the role Accounts Manager submits it" in messages(response)
	frappe.db.rollback()
	assert frappe.db.get_value("Sales Invoice", data.invoices[1], "docstatus") == 0
	# the credit controller releases it by submitting it: passed by the role, and recorded as such
	response = submit(server_url, users["controller"], data.invoices[1])
	assert response.status_code == 200, response.text
	assert "you hold the role Accounts Manager" in messages(response)
	frappe.db.rollback()
	assert [(r.decision, r.user) for r in decisions(data.customer)] == [
		("Hold", users["clerk"]),
		("Bypass", users["controller"]),
	]
	assert balance([data.customer], data.company, "EUR") == 1100


def test_warn_lets_the_invoice_through_with_a_message(server_url, users, committed_customer):
	data = committed_customer
	set_policy(credit_control_action="Warn")
	frappe.db.commit()
	response = submit(server_url, users["clerk"], data.invoices[1])
	assert response.status_code == 200, response.text
	assert response.json()["data"]["docstatus"] == 1
	text = messages(response)
	assert "Credit limit exceeded" in text and "only warns" in text
	frappe.db.rollback()
	[row] = decisions(data.customer)
	assert (row.decision, row.reference_name, row.user) == ("Warn", data.invoices[1], users["clerk"])
	assert balance([data.customer], data.company, "EUR") == 1100


def test_the_policy_applies_only_at_its_stage():
	data = setup_customer()
	set_limit("Customer", data.customer, data.company, 100)
	set_policy(credit_control_stage="Order")
	assert invoice(data.customer, data.company, data.item, rate=500).docstatus == 1
	set_policy(credit_control_stage="Invoice")
	with pytest.raises(CreditLimitExceededError):
		invoice(data.customer, data.company, data.item, rate=500)


def test_hold_at_order_stage_puts_the_document_on_hold_and_records_it():
	data = setup_customer()
	set_limit("Customer", data.customer, data.company, 1000)
	invoice(data.customer, data.company, data.item, rate=900)
	set_policy(credit_control_action="Hold")
	order = invoice(data.customer, data.company, data.item, rate=200, submit=False)
	assert enforce_credit_control(order, "order") == "Hold"
	assert order.status == "On Hold"
	[row] = decisions(data.customer)
	assert (row.decision, row.stage, row.outstanding, row.document_amount) == ("Hold", "Order", 900, 200)
	# within the limit nothing is decided
	small = invoice(data.customer, data.company, data.item, rate=100, submit=False)
	assert enforce_credit_control(small, "order") is None
	assert small.status == "Draft"


def test_the_tolerance_lets_104_percent_pass_and_refuses_106():
	data = setup_customer()
	set_limit("Customer", data.customer, data.company, 1000)
	set_policy(credit_tolerance_percent=5)
	with pytest.raises(CreditLimitExceededError, match="tolerance of 5"):
		invoice(data.customer, data.company, data.item, rate=1060)
	assert invoice(data.customer, data.company, data.item, rate=1040).docstatus == 1
	assert [r.decision for r in decisions(data.customer)] == ["Refuse"]
	assert decisions(data.customer)[0].tolerance_percent == 5


def test_invoices_overdue_for_the_threshold_refuse_even_without_a_limit():
	data = setup_customer()
	old = invoice(data.customer, data.company, data.item, rate=50, posting_date="2026-01-10")
	days = date_diff(nowdate(), old.due_date)
	assert days > 0
	set_policy(credit_overdue_days=days + 1)
	assert invoice(data.customer, data.company, data.item, rate=10, posting_date=nowdate()).docstatus == 1
	set_policy(credit_overdue_days=days)
	with pytest.raises(OverdueInvoicesError, match=f"by {days} days"):
		invoice(data.customer, data.company, data.item, rate=10, posting_date=nowdate())
	[row] = decisions(data.customer)
	assert (row.decision, row.overdue_amount, row.oldest_overdue_days) == ("Refuse", 50, days)


def test_a_group_policy_overrides_the_settings_and_is_inherited_by_its_subgroups():
	data = setup_customer()
	top, middle, leaf = make_group_chain(3)
	group = frappe.get_doc("Customer Group", top)
	group.update(
		{"override_credit_control": 1, "credit_control_action": "Warn", "credit_tolerance_percent": 10}
	)
	group.save()
	customer = make_customer(leaf).name
	for name in (customer, data.customer):
		set_limit("Customer", name, data.company, 100)
	in_force = get_effective_defaults([customer])[customer]["values"]["credit_control"]
	assert (in_force["source"], in_force["source_name"]) == ("ancestor", top)
	assert in_force["value"]["credit_control_action"] == "Warn"
	# the settings refuse; the group only warns, for its subgroups' customers too
	assert invoice(customer, data.company, data.item, rate=150).docstatus == 1
	[row] = decisions(customer)
	assert (row.decision, row.policy_source, row.tolerance_percent) == ("Warn", top, 10)
	with pytest.raises(CreditLimitExceededError):
		invoice(data.customer, data.company, data.item, rate=150)
	# the nearest group that sets its own policy wins
	sub = frappe.get_doc("Customer Group", middle)
	sub.update({"override_credit_control": 1, "credit_control_action": "Refuse"})
	sub.save()
	with pytest.raises(CreditLimitExceededError):
		invoice(customer, data.company, data.item, rate=150)
	assert decisions(customer)[-1].policy_source == middle


def test_a_group_policy_is_written_at_the_credit_level_only(server_url, users):
	top = make_group_chain(1)[0]
	frappe.db.commit()
	try:
		session = http_session(server_url, users["sales"], PASSWORD)  # writes groups, not level 2
		response = session.put(
			f"{server_url}/api/resource/Customer Group/{top}",
			json={"override_credit_control": 1, "credit_control_action": "Warn"},
		)
		assert response.status_code == 403, response.text
	finally:
		frappe.db.rollback()
		purge_masters(groups=[top])
		frappe.db.commit()


def submit_at_once(
	web_nodes, users, drafts, doctype="Sales Invoice", submitters=("clerk", "other_clerk")
) -> list[tuple[int, str | None]]:
	"""Each draft submitted over REST by its own session (two users in turn, on the two web servers in
	turn), all at once: each answer's status code and exception type."""
	from tests.test_concurrency import run_at_once

	urls = [web_nodes[i % len(web_nodes)] for i in range(len(drafts))]
	sessions = [
		http_session(url, users[submitters[i % len(submitters)]], PASSWORD) for i, url in enumerate(urls)
	]

	def send(session, url, name):
		response = session.put(f"{url}/api/resource/{doctype}/{name}", json={"docstatus": 1})
		return response.status_code, response.json().get("exc_type")

	return run_at_once(
		[lambda s=s, u=u, n=n: send(s, u, n) for s, u, n in zip(sessions, urls, drafts, strict=True)]
	)


@pytest.mark.parametrize(
	("action", "tolerance", "passing", "refusal"),
	[("Refuse", 25, 3, "CreditLimitExceededError"), ("Hold", 0, 2, "CreditHoldError")],
)
def test_concurrent_submissions_by_two_users_never_pass_the_limit(
	web_nodes, users, action, tolerance, passing, refusal
):
	data = setup_customer()
	set_limit("Customer", data.customer, data.company, 1000)
	drafts = [invoice(data.customer, data.company, data.item, rate=400, submit=False).name for _ in range(6)]
	set_policy(credit_control_action=action, credit_tolerance_percent=tolerance)
	frappe.db.commit()
	try:
		results = submit_at_once(web_nodes, users, drafts)
		assert sorted(results) == sorted([(200, None)] * passing + [(417, refusal)] * (6 - passing))
		frappe.db.rollback()
		assert balance([data.customer], data.company, "EUR") == 400 * passing
		assert sorted(r.decision for r in decisions(data.customer)) == [action] * (6 - passing)
	finally:
		frappe.db.rollback()
		purge("Sales Invoice", drafts)
		frappe.db.delete("Customer Ledger Summary", {"customer_group": data.group})
		purge_masters([data.customer], [data.group], [data.item], [data.company])
		frappe.db.commit()


@pytest.mark.parametrize(
	("action", "refused", "held"), [("Refuse", 4, 0), ("Hold", 0, 4)], ids=["refuse", "hold"]
)
def test_concurrent_orders_never_pass_the_limit_and_go_on_hold_past_it(
	web_nodes, users, action, refused, held
):
	"""Six orders of 400 against a limit of 1,000, submitted at once by two Sales Users over two web
	servers: two go through; the four others are refused, or submitted on hold, whatever the order."""
	data = setup_customer()
	set_limit("Customer", data.customer, data.company, 1000)
	drafts = [
		frappe.get_doc(
			{
				"doctype": "Sales Order",
				"customer": data.customer,
				"company": data.company,
				"transaction_date": "2026-11-01",
				"delivery_date": "2026-11-20",
				"items": [{"item_code": data.item, "qty": 1, "rate": 400}],
			}
		)
		.insert()
		.name
		for _ in range(6)
	]
	set_policy(credit_control_action=action, credit_tolerance_percent=0)
	frappe.db.commit()
	try:
		results = submit_at_once(web_nodes, users, drafts, "Sales Order", ("sales", "other_sales"))
		assert sorted(results) == sorted(
			[(200, None)] * (6 - refused) + [(417, "CreditLimitExceededError")] * refused
		)
		frappe.db.rollback()
		statuses = frappe.get_all("Sales Order", {"name": ("in", drafts)}, pluck="status")
		assert sorted(statuses) == sorted(
			["To Deliver and Bill"] * 2 + ["On Hold"] * held + ["Draft"] * refused
		)
		assert sorted(r.decision for r in decisions(data.customer)) == [action] * 4
	finally:
		frappe.db.rollback()
		purge("Sales Order", drafts)
		purge_masters([data.customer], [data.group], [data.item], [data.company])
		frappe.db.commit()


@pytest.mark.parametrize(
	"values",
	[
		{"credit_tolerance_percent": -1},
		{"credit_tolerance_percent": 101},
		{"credit_overdue_days": -5},
		{"credit_control_action": "Shrug"},
		{"credit_control_stage": "Delivery"},
	],
)
def test_bad_policy_settings_are_refused_with_a_4xx(admin_session, server_url, values):
	response = admin_session.put(f"{server_url}/api/resource/CRM Settings/CRM Settings", json=values)
	assert response.status_code == 417, response.text
	frappe.db.rollback()
	settings = frappe.get_single("CRM Settings")
	assert all(settings.get(field) != value for field, value in values.items())


def test_a_bad_group_policy_is_refused():
	group = frappe.get_doc("Customer Group", make_group_chain(1)[0])
	group.update({"override_credit_control": 1, "credit_tolerance_percent": 150})
	with pytest.raises(InvalidCreditPolicyError):
		group.save()
	# not checked while the group does not set its own policy
	group.reload()
	group.update({"override_credit_control": 0, "credit_tolerance_percent": 150})
	group.save()


def test_decisions_are_written_by_the_app_only_and_read_by_accounts_roles(
	server_url, users, committed_customer
):
	data = committed_customer
	assert submit(server_url, users["clerk"], data.invoices[1]).status_code == 417
	frappe.db.rollback()
	[name] = frappe.get_all(DECISION, {"customer": data.customer}, pluck="name")
	with pytest.raises(DerivedRecordWriteError):
		frappe.get_doc({"doctype": DECISION, "customer": data.customer, "decision": "Warn"}).insert(
			ignore_permissions=True
		)
	with pytest.raises(DerivedRecordWriteError):
		frappe.delete_doc(DECISION, name, ignore_permissions=True)
	clerk = http_session(server_url, users["clerk"], PASSWORD)
	listed = clerk.get(
		f"{server_url}/api/resource/{DECISION}",
		params={
			"filters": json.dumps({"customer": data.customer}),
			"fields": json.dumps(["name", "decision"]),
		},
	)
	assert listed.json()["data"] == [{"name": name, "decision": "Refuse"}]
	# with the customer's name, as the desk's list asks for a link's title (Frappe's `link_field.field`)
	titled = clerk.get(
		f"{server_url}/api/resource/{DECISION}",
		params={
			"filters": json.dumps({"customer": data.customer}),
			"fields": json.dumps(["name", "customer.customer_name as customer_customer_name"]),
		},
	)
	assert titled.status_code == 200, titled.text
	customer_name = frappe.db.get_value("Customer", data.customer, "customer_name")
	assert titled.json()["data"] == [{"name": name, "customer_customer_name": customer_name}]
	made = clerk.post(f"{server_url}/api/resource/{DECISION}", json={"customer": data.customer})
	assert made.status_code == 403
	sales = http_session(server_url, users["sales"], PASSWORD)
	assert sales.get(f"{server_url}/api/resource/{DECISION}/{name}").status_code == 403
	# visible from the customer: a connection of its form
	dashboard = requests.get(
		f"{server_url}/api/method/frappe.desk.notifications.get_open_count",
		params={"doctype": "Customer", "name": data.customer},
		cookies=clerk.cookies,
	)
	counts = dashboard.json()["message"]["count"]
	assert {"name": DECISION, "count": 1} in [
		{"name": c["name"], "count": c["count"]} for c in counts if c["name"] == DECISION
	]


def test_a_bad_group_policy_is_refused_by_the_import_as_by_the_form():
	from crm_app.data_transfer.importer import import_files
	from tests.test_import import csv_file

	group = frappe.get_doc("Customer Group", make_group_chain(1)[0])
	group.update({"override_credit_control": 1, "credit_tolerance_percent": 5})
	group.save()
	group.credit_tolerance_percent = 150
	with pytest.raises(InvalidCreditPolicyError) as refused:
		group.save()
	frappe.local.message_log = []
	headers = ["ID", "Customer Group Name", "Parent Customer Group", "credit_tolerance_percent"]
	row = [group.name, group.customer_group_name, group.parent_customer_group, 150]
	report = import_files([csv_file("Customer Group", headers, [row])], update=True)
	assert report["errors"] == [
		{
			"sheet": "Customer Group",
			"row": 2,
			"column": "credit_tolerance_percent",
			"message": strip_html_tags(str(refused.value)),
		}
	]
	assert frappe.db.get_value("Customer Group", group.name, "credit_tolerance_percent") == 5


def test_a_user_limited_to_some_customers_reads_only_their_decisions():
	data = setup_customer()
	other = make_customer(data.group).name
	for name in (data.customer, other):
		set_limit("Customer", name, data.company, 100)
	set_policy(credit_control_action="Warn")
	for name in (data.customer, other):
		invoice(name, data.company, data.item, rate=150)
	scoped = make_user("Accounts User")
	frappe.get_doc(
		{"doctype": "User Permission", "user": scoped, "allow": "Customer", "for_value": data.customer}
	).insert()
	mine, theirs = (
		frappe.get_all(DECISION, {"customer": c}, pluck="name")[0] for c in (data.customer, other)
	)
	frappe.set_user(scoped)
	assert frappe.get_list(DECISION, filters={"customer": ("in", [data.customer, other])}, pluck="name") == [
		mine
	]
	assert frappe.has_permission(DECISION, "read", doc=mine)
	assert not frappe.has_permission(DECISION, "read", doc=theirs)


def test_concurrent_submissions_for_two_branches_never_pass_their_head_office_limit(web_nodes, users):
	"""The branches' own rows do not hold each other back: the head office whose limit covers them does."""
	data = setup_customer()
	office = make_customer(data.group, is_group=1, credit_limit_covers_branches=1).name
	set_limit("Customer", office, data.company, 1000)
	branches = [make_customer(data.group, parent_customer=office).name for _ in range(2)]
	drafts = [
		invoice(branches[i % 2], data.company, data.item, rate=400, submit=False).name for i in range(6)
	]
	set_policy(credit_control_action="Hold")
	frappe.db.commit()
	try:
		results = submit_at_once(web_nodes, users, drafts)
		assert sorted(results) == sorted([(200, None)] * 2 + [(417, "CreditHoldError")] * 4)
		frappe.db.rollback()
		assert balance(branches, data.company, "EUR") == 800
		held = [row for branch in branches for row in decisions(branch)]
		assert [row.decision for row in held] == ["Hold"] * 4
		assert all("national account of" in row.limit_source for row in held)
	finally:
		frappe.db.rollback()
		purge("Sales Invoice", drafts)
		frappe.db.delete("Customer Ledger Summary", {"customer_group": data.group})
		purge_masters([*branches, office], [data.group], [data.item], [data.company])
		frappe.db.commit()


def test_the_credit_control_screens_are_in_french(new_desk_page, server_url, committed_customer):
	"""CRM Settings' credit control section, a group's policy and the decisions list, as a French user."""
	import re

	from tests.browser import ARTIFACTS, DESK, is_realtime_noise
	from tests.french import english_with_french_line
	from tests.test_desk_roles import settle
	from tests.users import make_french_user

	data = committed_customer
	user = make_french_user("CRM Manager", "Accounts Manager", password=PASSWORD)
	frappe.db.commit()
	try:
		assert submit(server_url, user, data.invoices[1]).status_code == 417  # one decision to list
		english = english_with_french_line()
		page = new_desk_page(user, PASSWORD, viewport={"width": 1280, "height": 900}, locale="fr-FR")
		settle(page)
		ARTIFACTS.mkdir(exist_ok=True)
		screens = {
			"settings": (f"{DESK}/crm-settings", "Contrôle de crédit"),
			"group": (f"{DESK}/customer-group/{data.group}", "Politique de contrôle de crédit propre"),
			"decisions": (f"{DESK}/credit-control-decision?customer={data.customer}", data.customer),
		}
		for key, (route, expected) in screens.items():
			page.goto(f"{server_url}{route}")
			settle(page)
			try:
				page.locator(".page-container:visible").get_by_text(expected).first.wait_for(timeout=30_000)
			finally:
				page.screenshot(path=str(ARTIFACTS / f"fr-credit-{key}.png"), full_page=True)
			text = page.locator(".page-container:visible").first.inner_text()
			lines = {line.strip() for line in re.split(r"[\n\t]", text) if line.strip()}
			assert not lines & english, (key, sorted(lines & english))
		assert [e for e in page.errors if not is_realtime_noise(e)] == []
	finally:
		remove_user(user)
		frappe.db.commit()
