import frappe
import pytest
from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

from crm_app.api.customer import get_effective_defaults as api_get_effective_defaults
from crm_app.customers.defaults import get_effective_defaults
from tests.fixtures import (
	make_account,
	make_company,
	make_customer,
	make_group_chain,
	make_payment_terms,
	make_price_list,
)

OPTIONAL_FIELD = "crm_test_region_code"


@pytest.fixture(scope="module")
def optional_field():
	"""A custom field on both Customer and Customer Group (DDL commits, so it lives for the module)."""
	field = {
		"fieldname": OPTIONAL_FIELD,
		"fieldtype": "Data",
		"label": "Region Code",
		"insert_after": "territory",
	}
	create_custom_fields(
		{"Customer": [field], "Customer Group": [{**field, "insert_after": "payment_terms"}]}
	)
	frappe.db.commit()
	yield OPTIONAL_FIELD
	for doctype in ("Customer", "Customer Group"):
		frappe.delete_doc("Custom Field", f"{doctype}-{OPTIONAL_FIELD}", force=True)
	frappe.db.commit()
	frappe.clear_cache(doctype="Customer")


def in_force(customer, field):
	return get_effective_defaults([customer])[customer]["values"][field]


def test_price_list_comes_from_the_nearest_level_that_has_one():
	top, _middle, leaf = make_group_chain(3)
	customer = make_customer(leaf).name
	settings_list, top_list, leaf_list, own_list = (make_price_list() for _ in range(4))

	frappe.db.set_single_value("CRM Settings", "selling_price_list", settings_list)
	assert in_force(customer, "default_price_list") == {
		"value": settings_list,
		"source": "settings",
		"source_name": "CRM Settings",
	}
	frappe.db.set_value("Customer Group", top, "default_price_list", top_list)
	assert in_force(customer, "default_price_list") == {
		"value": top_list,
		"source": "ancestor",
		"source_name": top,
	}
	frappe.db.set_value("Customer Group", leaf, "default_price_list", leaf_list)
	assert in_force(customer, "default_price_list") == {
		"value": leaf_list,
		"source": "group",
		"source_name": leaf,
	}
	frappe.db.set_value("Customer", customer, "default_price_list", own_list)
	assert in_force(customer, "default_price_list") == {
		"value": own_list,
		"source": "customer",
		"source_name": None,
	}


def test_payment_terms_fall_back_to_the_company_given():
	_top, middle, leaf = make_group_chain(3)
	company_terms, middle_terms = make_payment_terms(), make_payment_terms((50, 0), (50, 30))
	company = make_company(payment_terms=company_terms)
	customer = make_customer(leaf).name
	values = get_effective_defaults([customer], company=company.name)[customer]["values"]
	assert values["payment_terms"] == {
		"value": company_terms,
		"source": "company",
		"source_name": company.name,
	}
	frappe.db.set_value("Customer Group", middle, "payment_terms", middle_terms)
	values = get_effective_defaults([customer], company=company.name)[customer]["values"]
	assert values["payment_terms"] == {"value": middle_terms, "source": "ancestor", "source_name": middle}


def test_receivable_account_per_company_from_customer_group_chain_or_company():
	top, _middle, leaf = make_group_chain(3)
	first, second, third = make_company(), make_company(), make_company()
	group_account, own_account = (
		make_account(second.name, "Group Debtors"),
		make_account(third.name, "Own Debtors"),
	)
	group = frappe.get_doc("Customer Group", top)
	group.append("accounts", {"company": second.name, "account": group_account})
	group.save()
	customer = make_customer(leaf, accounts=[{"company": third.name, "account": own_account}]).name
	accounts = {row["company"]: row for row in in_force(customer, "receivable_accounts")}
	assert (accounts[first.name]["account"], accounts[first.name]["source"]) == (first.receivable, "company")
	assert (accounts[second.name]["account"], accounts[second.name]["source"]) == (group_account, "ancestor")
	assert accounts[second.name]["source_name"] == top
	assert (accounts[third.name]["account"], accounts[third.name]["source"]) == (own_account, "customer")


def limits_of(customer):
	return {
		(r["company"], r["currency"]): (r["credit_limit"], r["source"])
		for r in in_force(customer, "credit_limits")
	}


def test_credit_limits_per_company_and_currency_and_the_group_policy():
	top, _middle, leaf = make_group_chain(3)
	company = make_company("EUR", credit_limit=50)
	other = make_company("EUR")
	group = frappe.get_doc("Customer Group", top)
	group.append("credit_limits", {"company": company.name, "credit_limit": 1000})  # currency: the company's
	group.append("credit_limits", {"company": company.name, "currency": "USD", "credit_limit": 700})
	group.save()
	customer = make_customer(
		leaf, credit_limits=[{"company": company.name, "currency": "EUR", "credit_limit": 200}]
	).name
	assert limits_of(customer) == {
		(company.name, "EUR"): (200, "customer"),
		(company.name, "USD"): (700, "ancestor"),
	}

	# "every member takes the group's limit": the customer's own limit no longer counts
	frappe.db.set_value("Customer Group", leaf, "credit_limit_policy", "Every Member Takes the Group Limit")
	assert limits_of(customer) == {
		(company.name, "EUR"): (1000, "ancestor"),
		(company.name, "USD"): (700, "ancestor"),
	}

	# a customer of another chain falls back to the company's own limit
	lone = make_customer(make_group_chain(1)[0]).name
	assert limits_of(lone)[(company.name, "EUR")] == (50, "company")
	assert (other.name, "EUR") not in limits_of(lone)


def test_optional_fields_flow_from_the_group_chain(optional_field):
	top, _middle, leaf = make_group_chain(3)
	frappe.db.set_value("Customer Group", top, optional_field, "NE")
	inherits = make_customer(leaf).name
	own = make_customer(leaf, **{optional_field: "SW"}).name
	result = get_effective_defaults([inherits, own])
	assert result[inherits]["values"]["optional_fields"][optional_field] == {
		"value": "NE",
		"source": "ancestor",
		"source_name": top,
	}
	assert result[own]["values"]["optional_fields"][optional_field]["value"] == "SW"


def test_bulk_call_costs_the_same_queries_for_5_or_60_customers(monkeypatch):
	_top, _middle, leaf = make_group_chain(3)
	names = [make_customer(leaf).name for _ in range(60)]
	counted = []
	original = frappe.db.sql

	def counting_sql(*args, **kwargs):
		counted.append(args[0])
		return original(*args, **kwargs)

	monkeypatch.setattr(frappe.db, "sql", counting_sql)
	get_effective_defaults(names[:5])
	few = len(counted)
	counted.clear()
	result = get_effective_defaults(names)
	assert len(counted) == few <= 10
	assert set(result) == set(names)


def test_api_refuses_unknown_customers():
	with pytest.raises(frappe.DoesNotExistError):
		api_get_effective_defaults('["_Test no such customer"]')


def test_rest_gives_the_same_values_as_the_desk(admin_session, server_url):
	top, _middle, leaf = make_group_chain(3)
	price_list = make_price_list()
	frappe.db.set_value("Customer Group", top, "default_price_list", price_list)
	customers = [make_customer(leaf).name for _ in range(3)]
	expected = get_effective_defaults(customers)
	frappe.db.commit()
	try:
		response = admin_session.post(
			f"{server_url}/api/method/crm_app.api.customer.get_effective_defaults",
			json={"customers": customers},
		)
		assert response.status_code == 200, response.text
		assert response.json()["message"] == frappe.parse_json(frappe.as_json(expected))
		response = admin_session.get(
			f"{server_url}/api/method/crm_app.api.customer.get_effective_defaults",
			params={"customers": '["_Test missing"]'},
		)
		assert response.status_code == 404
	finally:
		for name in customers:
			frappe.delete_doc("Customer", name, force=True)
		for group in (leaf, _middle, top):
			frappe.delete_doc("Customer Group", group, force=True)
		frappe.delete_doc("Price List", price_list, force=True)
		frappe.db.commit()
