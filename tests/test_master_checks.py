"""The checks ERPNext makes on customers and customer groups (issue 22): each bad value refused over REST as
a new CRM Manager sends it, with a 4xx naming the record, and by the import's dry run where the import
carries the field; each valid variant accepted."""

import json

import frappe
import pytest
from frappe.utils import fmt_money, strip_html_tags
from frappe.utils.nestedset import get_root_of
from frappe.utils.password import update_password

from crm_app.customers import mailings
from crm_app.data_transfer.importer import import_files
from tests.fixtures import make_account, make_company, make_customer, make_group_chain, make_price_list
from tests.receivables import invoice, make_item, purge, purge_masters
from tests.test_http import resource
from tests.test_import import csv_file
from tests.test_mailings import make_outgoing_account
from tests.trees import unique
from tests.users import http_session, make_user, remove_user

PASSWORD = "Checks-pass-1234!"
OUTSTANDING = 1000


@pytest.fixture(scope="module")
def world(server_url):
	"""Committed: a company with a receivable and a payable account, a leaf group, a customer of it owing
	1000, a selling and a buying-only price list, an Email mailing to the group, a new CRM Manager."""
	company = make_company("EUR")
	payable = frappe.get_doc(
		{"doctype": "Account", "account_name": unique("Creditors"), "company": company.name}
	)
	payable.account_type = "Payable"
	payable = payable.insert().name
	group = make_group_chain(1)[0]
	customer = make_customer(group, email_id=f"{frappe.generate_hash(length=8)}@crm-app.test").name
	item = make_item()
	owed = invoice(customer, company.name, item, rate=OUTSTANDING).name
	buying = frappe.get_doc(
		{"doctype": "Price List", "price_list_name": unique("Purchase"), "currency": "EUR"}
	)
	buying.update({"selling": 0, "buying": 1})
	mailing = frappe.get_doc(
		{
			"doctype": "Customer Mailing",
			"title": unique("Mailing"),
			"mailing_type": "Email",
			"company": company.name,
			"customer_group": group,
			"subject": "Hello",
			"message": "Hello {{ customer.customer_name }}",
		}
	).insert()
	mailings.get_recipients(mailing)
	mailing.save()
	user = make_user("CRM Manager")
	update_password(user, PASSWORD)
	world = frappe._dict(
		company=company.name,
		receivable=company.receivable,
		other_receivable=make_account(company.name, "Debtors"),
		payable=payable,
		group=group,
		customer=customer,
		selling=make_price_list(),
		buying=buying.insert().name,
		mailing=mailing.name,
		user=user,
		made={"Customer": [], "Customer Group": []},
	)
	frappe.db.commit()
	world.session = http_session(server_url, user, PASSWORD)
	yield world
	frappe.db.rollback()
	remove_user(user)
	frappe.delete_doc("Customer Mailing", mailing.name, force=True, ignore_permissions=True)
	purge("Sales Invoice", [owed])
	purge_masters(
		[customer, *world.made["Customer"]], [*world.made["Customer Group"], group], [item], [company.name]
	)
	for price_list in (world.selling, world.buying):
		frappe.delete_doc("Price List", price_list, force=True, ignore_missing=True)
	frappe.db.commit()


def message_of(response) -> str:
	messages = json.loads(response.json().get("_server_messages") or "[]")
	return " ".join(strip_html_tags(json.loads(message)["message"]) for message in messages)


def assert_refused(response, error: str, *named: str) -> str:
	assert 400 <= response.status_code < 500, response.text[:1000]
	assert response.json()["exc_type"] == error
	message = message_of(response)
	for text in named:
		assert text in message, message
	return message


def assert_accepted(response) -> dict:
	assert response.status_code == 200, response.text[:1000]
	return response.json()["data"]


def put(world, server_url, doctype, name, **values):
	return world.session.put(resource(server_url, doctype, name), json=values)


def post(world, server_url, doctype, **values):
	response = world.session.post(resource(server_url, doctype), json=values)
	if response.status_code == 200:
		world.made[doctype].append(response.json()["data"]["name"])
	return response


# 1. a group named like a customer, a customer named like a group


def test_a_group_named_like_a_customer_is_refused(world, server_url):
	root = get_root_of("Customer Group")
	response = post(
		world, server_url, "Customer Group", customer_group_name=world.customer, parent_customer_group=root
	)
	assert_refused(response, "GroupNamedLikeCustomerError", world.customer, "A Customer exists")
	assert not frappe.db.exists("Customer Group", world.customer)
	assert_accepted(
		post(
			world,
			server_url,
			"Customer Group",
			customer_group_name=unique("Own name"),
			parent_customer_group=root,
		)
	)


def test_a_customer_named_like_a_group_is_refused(world, server_url):
	response = post(world, server_url, "Customer", customer_name=world.group, customer_group=world.group)
	assert_refused(response, "CustomerNamedLikeGroupError", world.group, "A Customer Group exists")
	assert_accepted(
		post(world, server_url, "Customer", customer_name=unique("Own name"), customer_group=world.group)
	)


def test_a_customer_cannot_be_renamed_like_a_group(world):
	customer = make_customer(world.group).name
	with pytest.raises(frappe.ValidationError, match="A Customer Group exists"):
		frappe.rename_doc("Customer", customer, world.group)


# 2. one credit limit a company and currency


@pytest.mark.parametrize("doctype", ["Customer Group", "Customer"])
def test_two_credit_limits_for_one_company_are_refused(world, server_url, doctype):
	name = world.group if doctype == "Customer Group" else world.customer
	twice = [
		{"company": world.company, "credit_limit": 5000},
		{"company": world.company, "currency": "EUR", "credit_limit": 6000},  # EUR: the company's
	]
	response = put(world, server_url, doctype, name, credit_limits=twice)
	assert_refused(response, "DuplicateCreditLimitError", world.company, name, "row 2")
	other_currency = [twice[0], {"company": world.company, "currency": "USD", "credit_limit": 6000}]
	saved = assert_accepted(put(world, server_url, doctype, name, credit_limits=other_currency))
	assert len(saved["credit_limits"]) == 2


# 3. and 4. one receivable account a company, of the Receivable type


@pytest.mark.parametrize("doctype", ["Customer Group", "Customer"])
def test_two_receivable_accounts_for_one_company_are_refused(world, server_url, doctype):
	name = world.group if doctype == "Customer Group" else world.customer
	rows = [
		{"company": world.company, "account": world.receivable},
		{"company": world.company, "account": world.other_receivable},
	]
	response = put(world, server_url, doctype, name, accounts=rows)
	assert_refused(response, "DuplicatePartyAccountError", world.company, name)
	saved = assert_accepted(put(world, server_url, doctype, name, accounts=rows[1:]))
	assert [row["account"] for row in saved["accounts"]] == [world.other_receivable]


@pytest.mark.parametrize("doctype", ["Customer Group", "Customer"])
def test_a_payable_account_as_receivable_account_is_refused(world, server_url, doctype):
	name = world.group if doctype == "Customer Group" else world.customer
	rows = [{"company": world.company, "account": world.payable}]
	response = put(world, server_url, doctype, name, accounts=rows)
	assert_refused(response, "NotAReceivableAccountError", world.payable, name, "Payable")
	rows = [{"company": world.company, "account": world.receivable}]
	assert_accepted(put(world, server_url, doctype, name, accounts=rows))


# 5. a selling price list as default price list


@pytest.mark.parametrize("doctype", ["Customer Group", "Customer"])
def test_a_buying_price_list_as_default_price_list_is_refused(world, server_url, doctype):
	name = world.group if doctype == "Customer Group" else world.customer
	response = put(world, server_url, doctype, name, default_price_list=world.buying)
	assert_refused(response, "NotASellingPriceListError", world.buying, name)
	saved = assert_accepted(put(world, server_url, doctype, name, default_price_list=world.selling))
	assert saved["default_price_list"] == world.selling


# 6. a credit limit below the outstanding


def test_a_credit_limit_below_the_outstanding_is_refused(world, server_url):
	below = [{"company": world.company, "credit_limit": OUTSTANDING - 1}]
	response = put(world, server_url, "Customer", world.customer, credit_limits=below)
	assert_refused(
		response,
		"CreditLimitBelowOutstandingError",
		world.customer,
		fmt_money(OUTSTANDING, currency="EUR"),
	)
	covering = [{"company": world.company, "credit_limit": OUTSTANDING}]
	assert_accepted(put(world, server_url, "Customer", world.customer, credit_limits=covering))
	# 0 is no limit at all; a new customer owes nothing yet
	assert_accepted(
		put(
			world,
			server_url,
			"Customer",
			world.customer,
			credit_limits=[{"company": world.company, "credit_limit": 0}],
		)
	)


# 7. a mailing with no outgoing email account


def test_a_mailing_without_an_outgoing_account_is_refused_before_it_is_queued(world, server_url):
	defaults = frappe.get_all("Email Account", filters={"default_outgoing": 1}, pluck="name")
	frappe.db.set_value("Email Account", {"default_outgoing": 1}, "default_outgoing", 0)
	frappe.db.commit()
	try:
		response = world.session.post(
			f"{server_url}/api/method/crm_app.api.mailings.send_mailing", json={"mailing": world.mailing}
		)
		assert_refused(response, "NoOutgoingEmailAccountError", world.mailing, "Set one up in Email Account")
		assert response.status_code == 417
		frappe.db.rollback()  # a fresh snapshot
		assert frappe.db.get_value("Customer Mailing", world.mailing, "status") != "Queued"
		# the customer form's one-click statement too
		response = world.session.post(
			f"{server_url}/api/method/crm_app.api.mailings.send_statement",
			json={"customer": world.customer, "from_date": "2026-01-01", "to_date": "2026-12-31"},
		)
		assert_refused(response, "NoOutgoingEmailAccountError", world.customer, "Set one up in Email Account")
	finally:
		for name in defaults:
			frappe.db.set_value("Email Account", name, "default_outgoing", 1)
		frappe.db.commit()
	# with an account the same mailing is queued (in this transaction, rolled back)
	frappe.db.set_value("Email Account", {"default_outgoing": 1}, "default_outgoing", 0)
	make_outgoing_account()
	assert mailings.enqueue_send(world.mailing)
	assert frappe.db.get_value("Customer Mailing", world.mailing, "status") == "Queued"


# the import: names and default price lists (it carries no child table)


def form_message(values: dict, error) -> str:
	with pytest.raises(error) as refused:
		frappe.get_doc(values).insert()
	frappe.local.message_log = []
	return strip_html_tags(str(refused.value))


def test_the_import_dry_run_refuses_the_same_names_and_price_lists_as_the_form(world):
	from crm_app.customers import master_checks as checks

	root = get_root_of("Customer Group")
	new_group, fine_group, fine_customer = unique("Imported"), unique("Fine group"), unique("Fine")
	group_file = csv_file(
		"Customer Group",
		["Customer Group Name", "Parent Customer Group", "Default Price List"],
		[
			[world.customer, root, ""],
			[new_group, root, world.buying],
			[fine_group, root, world.selling],
		],
	)
	customer_file = csv_file(
		"Customer",
		["Customer Name", "Customer Group", "Default Price List"],
		[
			[world.group, world.group, ""],
			[unique("Buyer"), world.group, world.buying],
			[fine_group, world.group, ""],  # named like a group of the same file
			[fine_customer, world.group, world.selling],
		],
	)
	report = import_files([group_file, customer_file], dry_run=True)
	group = {"doctype": "Customer Group", "parent_customer_group": root}
	customer = {"doctype": "Customer", "customer_group": world.group}
	expected = [
		(
			"Customer",
			2,
			"customer_name",
			form_message({**customer, "customer_name": world.group}, checks.CustomerNamedLikeGroupError),
		),
		("Customer", 3, "default_price_list", None),
		("Customer", 4, "customer_name", None),
		(
			"Customer Group",
			2,
			"customer_group_name",
			form_message(
				{**group, "customer_group_name": world.customer}, checks.GroupNamedLikeCustomerError
			),
		),
		(
			"Customer Group",
			3,
			"default_price_list",
			form_message(
				{**group, "customer_group_name": new_group, "default_price_list": world.buying},
				checks.NotASellingPriceListError,
			),
		),
	]
	errors = report["errors"]
	assert [(e["sheet"], e["row"], e["column"]) for e in errors] == [row[:3] for row in expected], errors
	for error, (_sheet, _row, _column, message) in zip(errors, expected, strict=True):
		if message:
			assert error["message"] == message
	assert world.buying in errors[1]["message"] and fine_group in errors[2]["message"]
	# the valid rows alone pass
	valid_groups = csv_file(
		"Customer Group",
		["Customer Group Name", "Parent Customer Group", "Default Price List"],
		[[fine_group, root, world.selling]],
	)
	valid_customers = csv_file(
		"Customer",
		["Customer Name", "Customer Group", "Default Price List"],
		[[fine_customer, world.group, world.selling]],
	)
	assert import_files([valid_groups, valid_customers], dry_run=True)["errors"] == []
