"""The customer's 360 view (issue 21, seed 004): blocks composed from hooks.py, figures against invoices made
here by hand, ageing edges per company, a block registered through the hook, the activity history."""

import sys
import types

import frappe
import pytest
from frappe.utils import add_days, nowdate
from frappe.utils.password import update_password

from crm_app.customers import activity, overview
from crm_app.receivables import overview as receivables_overview
from crm_app.receivables.overview import InvalidAgeingRangesError
from tests.fixtures import make_company, make_customer, make_group_chain, make_payment_terms
from tests.receivables import invoice, make_fiscal_year, make_item, payment
from tests.test_mailings import make_outgoing_account
from tests.users import http_session, make_user, remove_user


def ago(days: int) -> str:
	return add_days(nowdate(), -days)


@pytest.fixture
def data():
	make_fiscal_year()
	company = make_company("EUR")
	group = make_group_chain(1)[0]
	customer = make_customer(group).name
	return frappe._dict(company=company.name, group=group, customer=customer, item=make_item())


def blocks_of(composed: dict) -> dict:
	return {block["key"]: block for tab in composed["tabs"] for block in tab["blocks"]}


def by_label(block: dict, **match) -> dict:
	return {
		f["label"]: (f["count"], f["amount"])
		for f in block["figures"]
		if all(f.get(k) == v for k, v in match.items())
	}


def test_invoice_figures_are_exact_per_state_and_currency(data):
	terms = make_payment_terms((100, 30))
	# authorised: submitted, unpaid, not yet due (30 days' terms)
	invoice(
		data.customer, data.company, data.item, rate=100, posting_date=nowdate(), payment_terms_template=terms
	)
	invoice(
		data.customer, data.company, data.item, rate=50, posting_date=ago(5), payment_terms_template=terms
	)
	# pending: a draft
	invoice(data.customer, data.company, data.item, rate=70, posting_date=nowdate(), submit=False)
	# overdue: due 10 and 40 days ago, one of them half paid
	late = invoice(data.customer, data.company, data.item, rate=200, posting_date=ago(10))
	invoice(data.customer, data.company, data.item, rate=300, posting_date=ago(40))
	payment(data.customer, data.company, 100, [(late.name, 100)], posting_date=nowdate())
	# paid in full
	paid = invoice(data.customer, data.company, data.item, rate=400, posting_date=ago(3))
	payment(data.customer, data.company, 400, [(paid.name, 400)], posting_date=nowdate())
	# a cancelled one counts nowhere
	invoice(data.customer, data.company, data.item, rate=999, posting_date=ago(3)).cancel()

	block = receivables_overview.invoices_block([data.customer])
	assert block["tab"] == "orders"
	assert by_label(block, currency="EUR") == {
		"Authorised": (2, 150),
		"Pending": (1, 70),
		"Overdue": (2, 500),
		"Paid": (1, 400),
	}
	overdue = next(f for f in block["figures"] if f["state"] == "overdue")
	assert overdue["outstanding"] == 400
	# each figure opens the list of exactly what it counts
	assert overdue["route"][:2] == ["List", "Sales Invoice"]
	listed = frappe.get_list("Sales Invoice", filters=overdue["route"][2], pluck="name")
	assert len(listed) == 2
	payments = receivables_overview.payments_block([data.customer])
	assert [(f["count"], f["amount"]) for f in payments["figures"]] == [(2, 500)]


def ageing_of(customer: str, company: str) -> dict:
	block = receivables_overview.ageing_block([customer])
	return {f["label"]: (f["count"], f["amount"]) for f in block["figures"] if f["company"] == company}


def test_ageing_buckets_put_30_and_31_days_on_either_side_of_the_edge(data):
	terms = make_payment_terms((100, 15))
	invoice(
		data.customer, data.company, data.item, rate=1, posting_date=nowdate(), payment_terms_template=terms
	)
	for days, rate in ((0, 2), (30, 4), (31, 8), (60, 16), (61, 32), (90, 64), (91, 128)):
		invoice(data.customer, data.company, data.item, rate=rate, posting_date=ago(days))
	assert ageing_of(data.customer, data.company) == {
		"Not Due": (2, 3),  # due in 15 days, and due today
		"1-30": (1, 4),
		"31-60": (2, 8 + 16),
		"61-90": (2, 32 + 64),
		"90+": (1, 128),
	}


def test_each_company_has_its_own_ageing_edges_and_the_drill_down_follows_them(data):
	other = make_company("EUR", ageing_range_1=10, ageing_range_2=20, ageing_range_3=45).name
	for days, rate in ((10, 1), (11, 2), (20, 4), (21, 8), (45, 16), (46, 32)):
		invoice(data.customer, other, data.item, rate=rate, posting_date=ago(days))
	invoice(data.customer, data.company, data.item, rate=64, posting_date=ago(11))
	assert ageing_of(data.customer, other) == {
		"Not Due": (0, 0),
		"1-10": (1, 1),
		"11-20": (2, 6),
		"21-45": (2, 24),
		"45+": (1, 32),
	}
	assert ageing_of(data.customer, data.company)["1-30"] == (1, 64)
	block = receivables_overview.ageing_block([data.customer])
	for f in block["figures"]:
		listed = frappe.get_list("Sales Invoice", filters=f["route"][2], fields=["grand_total"])
		assert (len(listed), sum(r.grand_total for r in listed)) == (f["count"], f["amount"]), f["label"]


def test_ageing_edges_must_grow(data):
	company = frappe.get_doc("Company", data.company)
	company.update({"ageing_range_1": 30, "ageing_range_2": 20, "ageing_range_3": 90})
	with pytest.raises(InvalidAgeingRangesError):
		company.save()


def test_credit_says_used_limit_available_and_where_the_limit_comes_from(data):
	group = frappe.get_doc("Customer Group", data.group)
	group.append("credit_limits", {"company": data.company, "credit_limit": 1000})
	group.save()
	invoice(data.customer, data.company, data.item, rate=300, posting_date=ago(2))
	block = receivables_overview.credit_block([data.customer])
	figures = {f["label"]: f for f in block["figures"]}
	assert (figures["Credit Used"]["amount"], figures["Credit Limit"]["amount"]) == (300, 1000)
	assert figures["Credit Available"]["amount"] == 700
	assert figures["Credit Limit"]["source"] == f"limit of customer group {data.group}"


def test_a_national_account_sums_over_its_branches(data):
	head = make_customer(data.group, is_group=1).name
	branch = make_customer(data.group, parent_customer=head).name
	invoice(head, data.company, data.item, rate=100, posting_date=ago(40))
	invoice(branch, data.company, data.item, rate=250, posting_date=ago(40))
	composed = overview.compose(head)
	assert composed["customers"] == [head, branch]
	blocks = blocks_of(composed)
	assert by_label(blocks["sales_invoices"])["Overdue"] == (2, 350)
	national = {f["label"]: (f["count"], f["amount"]) for f in blocks["national_account"]["figures"]}
	assert national == {"Branches": (1, None), f"Outstanding ({data.company})": (2, 350)}
	# a branch alone has no national account block and its own figures only
	assert "national_account" not in blocks_of(overview.compose(branch))
	assert by_label(blocks_of(overview.compose(branch))["sales_invoices"])["Overdue"] == (1, 250)


def test_segments_files_and_todos_of_the_customer(data):
	frappe.get_doc(
		{
			"doctype": "ToDo",
			"description": "late",
			"reference_type": "Customer",
			"reference_name": data.customer,
			"date": ago(1),
		}
	).insert()
	frappe.get_doc(
		{
			"doctype": "ToDo",
			"description": "soon",
			"reference_type": "Customer",
			"reference_name": data.customer,
			"date": add_days(nowdate(), 3),
		}
	).insert()
	frappe.get_doc(
		{
			"doctype": "File",
			"file_name": "contract.txt",
			"content": "signed",
			"attached_to_doctype": "Customer",
			"attached_to_name": data.customer,
			"is_private": 1,
		}
	).insert()
	blocks = blocks_of(overview.compose(data.customer))
	assert by_label(blocks["todos"]) == {"Overdue": (1, None), "To Do": (0, None), "Upcoming": (1, None)}
	assert by_label(blocks["files"]) == {"Attached Files": (1, None)}
	assert blocks["segments"]["figures"] == []


REGISTERED_CALLS = []


def registered_orders_block(customers):
	"""A block as selling will register one (hooks.py customer_overview_blocks)."""
	REGISTERED_CALLS.append(customers)
	return {
		"key": "test_orders",
		"tab": "orders",
		"title": "Test Orders",
		"order": 5,
		"figures": [overview.figure("Closed", count=len(customers))],
	}


def unknown_tab_block(customers):
	return {"key": "x", "tab": "nowhere", "title": "x", "figures": []}


def with_hooked_block(monkeypatch, function) -> None:
	"""Frappe's get_hooks with one more block in customer_overview_blocks, as selling's hooks.py will list
	it (Frappe calls only functions of installed apps: the block is put in a module under crm_app's name)."""
	module = types.ModuleType("crm_app.test_registered_blocks")
	setattr(module, function.__name__, function)
	monkeypatch.setitem(sys.modules, module.__name__, module)
	path = f"{module.__name__}.{function.__name__}"
	hooks = frappe.get_hooks

	def get_hooks(hook=None, *args, **kwargs):
		found = hooks(hook, *args, **kwargs)
		return [*found, path] if hook == "customer_overview_blocks" else found

	monkeypatch.setattr(frappe, "get_hooks", get_hooks)


def test_a_block_registered_through_the_hook_appears_in_its_tab(data, monkeypatch):
	REGISTERED_CALLS.clear()
	with_hooked_block(monkeypatch, registered_orders_block)
	composed = overview.compose(data.customer)
	orders = next(tab for tab in composed["tabs"] if tab["key"] == "orders")
	# beside the blocks the app registers on that tab (selling's orders, the invoices and payments)
	assert [b["key"] for b in orders["blocks"]] == ["test_orders", "orders", "sales_invoices", "payments"]
	assert orders["label"] == "Sales Orders / Sales Invoices"
	assert REGISTERED_CALLS == [[data.customer]]
	assert [tab["key"] for tab in composed["tabs"]][:2] == ["overview", "contacts"]


def test_a_block_in_an_unknown_tab_is_refused(data, monkeypatch):
	with_hooked_block(monkeypatch, unknown_tab_block)
	with pytest.raises(overview.UnknownOverviewTabError):
		overview.compose(data.customer)


def test_the_activity_history_merges_sources_filters_by_kind_and_pages(data):
	first = invoice(data.customer, data.company, data.item, rate=100, posting_date=ago(20))
	invoice(data.customer, data.company, data.item, rate=200, posting_date=ago(10))
	payment(data.customer, data.company, 100, [(first.name, 100)], posting_date=ago(5))
	customer = frappe.get_doc("Customer", data.customer)
	customer.add_comment("Comment", "Called about the renewal")
	other_group = make_group_chain(1)[0]
	customer.customer_group = other_group
	customer.save(ignore_version=False)  # Frappe keeps no Version in tests unless asked
	customer.reload()
	customer.is_frozen, customer.freeze_reason = 1, "Unpaid"
	customer.save()

	everything = activity.customer_activity(data.customer)
	kinds = [e["kind"] for e in everything["entries"]]
	assert kinds.count("invoice") == 2 and kinds.count("payment") == 1
	assert {"comment", "group", "freeze"} <= set(kinds)
	group_entry = next(e for e in everything["entries"] if e["kind"] == "group")
	assert data.group in group_entry["title"] and other_group in group_entry["title"]
	dates = [e["date"] for e in everything["entries"]]
	assert dates == sorted(dates, reverse=True)

	only = activity.customer_activity(data.customer, ["invoice", "payment"])
	assert {e["kind"] for e in only["entries"]} == {"invoice", "payment"}
	assert [e["kind"] for e in only["entries"]] == ["payment", "invoice", "invoice"]
	first_page = activity.customer_activity(data.customer, ["invoice", "payment"], 0, 2)
	second_page = activity.customer_activity(data.customer, ["invoice", "payment"], 2, 2)
	assert first_page["has_more"] and not second_page["has_more"]
	assert [e["name"] for e in first_page["entries"] + second_page["entries"]] == [
		e["name"] for e in only["entries"]
	]
	with pytest.raises(activity.InvalidActivityFilterError):
		activity.customer_activity(data.customer, ["gossip"])
	with pytest.raises(activity.InvalidActivityFilterError):
		activity.customer_activity(data.customer, None, 0, 0)


def test_the_banner_status_counts_overdue_invoices(data):
	invoice(data.customer, data.company, data.item, rate=120, posting_date=ago(3))
	invoice(data.customer, data.company, data.item, rate=80, posting_date=nowdate())
	status = receivables_overview.customer_status(data.customer)
	assert [(r.currency, r["count"], r.amount) for r in status.overdue] == [("EUR", 1, 120)]
	assert not status.is_frozen


@pytest.fixture
def outgoing():
	frappe.db.set_value("Email Account", {"default_outgoing": 1}, "default_outgoing", 0)
	return make_outgoing_account()


def test_the_statement_button_emails_the_statement_and_the_history_shows_it(data, outgoing):
	from crm_app.api.mailings import send_statement
	from crm_app.customers.mailings import MailingError

	invoice(data.customer, data.company, data.item, rate=100, posting_date=ago(3))
	period = (add_days(nowdate(), -60), nowdate())
	with pytest.raises(MailingError):  # nobody to send it to
		send_statement(data.customer, *period, company=data.company)
	frappe.db.set_value("Customer", data.customer, "email_id", "accounts@crm-app.test")
	sent = send_statement(data.customer, *period)  # the company of its latest movement
	communication = frappe.get_doc("Communication", sent["communication"])
	assert (communication.reference_name, communication.recipients) == (
		data.customer,
		"accounts@crm-app.test",
	)
	assert frappe.db.exists("Email Queue", {"communication": communication.name})
	assert frappe.get_all("File", {"attached_to_name": communication.name}, pluck="file_name")
	history = activity.customer_activity(data.customer, ["statement"])
	assert [(e["kind"], e["name"]) for e in history["entries"]] == [("statement", communication.name)]
	assert activity.customer_activity(data.customer, ["reminder"])["entries"] == []


# the customer form's one load call (issue 21 part 6): overview, banner and values in force together


@pytest.fixture
def overdue_over_http():
	"""A customer with an invoice 10 days overdue, committed (the server reads it), and a Sales User and a
	Projects User (who reads customers, not invoices nor the ledger) with their HTTP sessions."""
	from tests.receivables import purge, purge_masters, setup_customer

	data = setup_customer()
	data.invoice = invoice(data.customer, data.company, data.item, rate=120, posting_date=ago(10)).name
	data.users = {role: make_user(role) for role in ("Sales User", "Projects User")}
	for user in data.users.values():
		update_password(user, FORM_PASSWORD)
	frappe.db.commit()
	yield data
	for user in data.users.values():
		remove_user(user)
	purge("Sales Invoice", [data.invoice])
	purge_masters([data.customer], [data.group], [data.item], [data.company])
	frappe.db.commit()


FORM_PASSWORD = "Overview-form-pass-1234!"
FORM_DATA = "crm_app.api.receivables.get_customer_form_data"


def form_data(server_url, user, customer):
	session = http_session(server_url, user, FORM_PASSWORD)
	return session.get(f"{server_url}/api/method/{FORM_DATA}", params={"customer": customer})


def test_the_form_loads_overview_banner_and_values_in_force_in_one_call(server_url, overdue_over_http):
	data = overdue_over_http
	response = form_data(server_url, data.users["Sales User"], data.customer)
	assert response.status_code == 200, response.text[:300]
	loaded = response.json()["message"]
	# the same as the three calls it replaces, made as that user
	frappe.set_user(data.users["Sales User"])
	try:
		alone = frappe.parse_json(frappe.as_json(overview.compose(data.customer)))
		banner = frappe.parse_json(frappe.as_json(receivables_overview.customer_status(data.customer)))
	finally:
		frappe.set_user("Administrator")
	assert loaded["overview"] == alone and loaded["banner"] == banner
	assert [(r["currency"], r["count"], r["amount"]) for r in loaded["banner"]["overdue"]] == [
		("EUR", 1, 120)
	]
	assert loaded["values_in_force"]["customer"] == data.customer
	assert set(loaded["values_in_force"]["values"]) >= {"credit_limits", "payment_terms", "credit_control"}
	blocks = blocks_of(loaded["overview"])
	assert "sales_invoices" in blocks and "credit" not in blocks  # a Sales User does not read the ledger


def test_the_forms_one_call_keeps_each_blocks_permission(server_url, overdue_over_http):
	data = overdue_over_http
	response = form_data(server_url, data.users["Projects User"], data.customer)
	assert response.status_code == 200, response.text[-1500:]
	loaded = response.json()["message"]
	blocks = blocks_of(loaded["overview"])
	# no invoice may be read: neither the invoice blocks nor the banner's overdue amounts tell of them
	assert not {"sales_invoices", "ageing", "credit", "payments", "orders"} & set(blocks)
	assert {"projects", "tasks"} <= set(blocks)
	assert loaded["banner"]["overdue"] == []
	assert loaded["values_in_force"]["customer"] == data.customer


def test_the_forms_one_call_refuses_a_missing_customer_with_a_404(server_url, overdue_over_http):
	response = form_data(server_url, overdue_over_http.users["Sales User"], "No Such Customer 21")
	assert response.status_code == 404, response.text[:300]


# the customer list's Outstanding and Credit Available columns


def add_credit_limit(doctype: str, name: str, row: dict) -> None:
	doc = frappe.get_doc(doctype, name)
	doc.append("credit_limits", row)
	doc.save()


def test_the_customer_list_shows_outstanding_and_credit_available_per_customer(data):
	from crm_app.receivables.overview import customer_list_balances

	limited = make_customer(data.group).name
	add_credit_limit("Customer", limited, {"company": data.company, "credit_limit": 500})
	invoice(limited, data.company, data.item, rate=120, posting_date=ago(3))
	invoice(data.customer, data.company, data.item, rate=80, posting_date=ago(3))
	balances = customer_list_balances([limited, data.customer])
	assert balances[limited] == [
		{"company": data.company, "currency": "EUR", "outstanding": 120.0, "credit_available": 380.0}
	]
	# no limit in force: what it owes, and no credit available figure rather than a made-up one
	assert balances[data.customer] == [
		{"company": data.company, "currency": "EUR", "outstanding": 80.0, "credit_available": None}
	]


def test_the_credit_limits_alone_are_those_of_the_values_in_force(data):
	from crm_app.customers.defaults import get_credit_limits, get_effective_defaults

	add_credit_limit("Customer Group", data.group, {"company": data.company, "credit_limit": 900})
	own = make_customer(data.group).name
	add_credit_limit("Customer", own, {"company": data.company, "credit_limit": 300})
	names = [data.customer, own]
	full = get_effective_defaults(names)
	assert get_credit_limits(names) == {name: full[name]["values"]["credit_limits"] for name in names}
	assert [row["credit_limit"] for row in get_credit_limits(names)[own]] == [300]
	assert [row["source"] for row in get_credit_limits(names)[data.customer]] == ["group"]
