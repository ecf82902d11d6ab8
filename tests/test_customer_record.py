import frappe
import pytest

from crm_app.api.customer import make_customer_from_lead
from crm_app.customers.leads import LeadAlreadyConvertedError
from crm_app.customers.national_accounts import (
	NotAHeadOfficeError,
	covering_head_office,
	national_account_summary,
)
from crm_app.customers.validation import PercentageTotalError
from tests.fixtures import make_company, make_customer, make_group_chain
from tests.trees import make_node, unique


def test_quick_entry_makes_and_links_frappe_contact_and_address():
	territory = make_node("Territory", unique("Ile-de-France"), "All Territories").name
	customer = frappe.get_doc(
		{
			"doctype": "Customer",
			"customer_name": unique("Dupont"),
			"customer_type": "Individual",
			"customer_group": "Individual",
			"territory": territory,
			"email_id": "dupont@example.com",
			"mobile_no": "+33 6 12 34 56 78",
			"address_line1": "1 rue de la Paix",
			"city": "Paris",
			"pincode": "75002",
			"country": "France",
		}
	).insert()
	customer.reload()
	contact = frappe.get_doc("Contact", customer.customer_primary_contact)
	assert contact.email_id == "dupont@example.com" and contact.mobile_no == "+33 6 12 34 56 78"
	assert [(link.link_doctype, link.link_name) for link in contact.links] == [("Customer", customer.name)]
	address = frappe.get_doc("Address", customer.customer_primary_address)
	assert (address.address_line1, address.city, address.country) == ("1 rue de la Paix", "Paris", "France")
	assert address.territory == territory  # addresses carry the territory too
	assert [(link.link_doctype, link.link_name) for link in address.links] == [("Customer", customer.name)]
	assert "rue de la Paix" in customer.primary_address


def test_no_contact_or_address_without_their_details():
	customer = make_customer("Commercial")
	assert not customer.customer_primary_contact and not customer.customer_primary_address


def test_a_customer_made_from_a_lead_carries_its_data_and_links_back():
	territory = make_node("Territory", unique("Grand-Est"), "All Territories").name
	lead = frappe.get_doc(
		{
			"doctype": "Lead",
			"lead_name": "Marie Curie",
			"company_name": unique("Radium SA"),
			"email_id": "marie@radium.example",
			"territory": territory,
			"language": "fr",
		}
	).insert()
	customer = make_customer_from_lead(lead.name)
	customer.customer_group = "Commercial"
	customer.insert()
	assert (customer.customer_name, customer.customer_type) == (lead.company_name, "Company")
	assert (customer.lead_name, customer.territory, customer.language) == (lead.name, territory, "fr")
	assert frappe.db.get_value("Lead", lead.name, "status") == "Converted"
	contact = frappe.get_doc(
		"Contact", frappe.db.get_value("Customer", customer.name, "customer_primary_contact")
	)
	assert (contact.first_name, contact.email_id) == ("Marie Curie", "marie@radium.example")
	with pytest.raises(LeadAlreadyConvertedError):
		make_customer_from_lead(lead.name)


def test_a_head_office_sees_its_branches_and_their_limits_rolled_up():
	company = make_company("EUR")
	leaf = make_group_chain(1)[0]
	office = make_customer(
		leaf,
		is_group=1,
		credit_limit_covers_branches=1,
		credit_limits=[{"company": company.name, "credit_limit": 5000}],
	)
	branches = [
		make_customer(
			leaf,
			parent_customer=office.name,
			credit_limits=[{"company": company.name, "credit_limit": amount}],
		)
		for amount in (100, 250)
	]
	summary = national_account_summary(office.name)
	assert [b.name for b in summary["branches"]] == [b.name for b in branches]
	assert summary["credit_limits"][0]["credit_limit"] == 5000
	assert summary["branch_credit_limits"] == [
		{"company": company.name, "currency": "EUR", "credit_limit": 350}
	]
	assert covering_head_office(branches[0].name) == office.name
	with pytest.raises(NotAHeadOfficeError):
		national_account_summary(branches[0].name)


def test_payment_terms_and_sales_team_must_total_100():
	template = frappe.get_doc({"doctype": "Payment Terms Template", "template_name": unique("Terms")})
	template.append("terms", {"invoice_portion": 60, "credit_days": 0})
	template.append("terms", {"invoice_portion": 30, "credit_days": 30})
	with pytest.raises(PercentageTotalError):
		template.insert()
	template.terms[1].invoice_portion = 40
	template.insert()

	person = make_node(
		"Sales Person",
		unique("Alice"),
		frappe.db.get_value("Sales Person", {"parent_sales_person": ("is", "not set")}),
	)
	with pytest.raises(PercentageTotalError):
		make_customer("Commercial", sales_team=[{"sales_person": person.name, "allocated_percentage": 80}])
	make_customer("Commercial", sales_team=[{"sales_person": person.name, "allocated_percentage": 100}])


def test_accounts_are_named_the_erpnext_way():
	company = make_company()
	abbr = frappe.db.get_value("Company", company.name, "abbr")
	assert company.receivable.endswith(f" - {abbr}")


def test_a_new_customer_without_group_or_territory_takes_the_defaults_in_order():
	from crm_app.customers.naming import most_chosen_leaf, new_customer_defaults
	from crm_app.install import seeded_default_leaf

	# nothing in CRM Settings: the leaf most customers have, else the seeded leaf
	frappe.db.set_single_value("CRM Settings", {"customer_group": None, "territory": None})
	expected = {
		"customer_group": most_chosen_leaf("customer_group") or seeded_default_leaf("Customer Group"),
		"territory": most_chosen_leaf("territory") or seeded_default_leaf("Territory"),
	}
	assert all(expected.values())
	assert new_customer_defaults() == expected
	customer = frappe.get_doc({"doctype": "Customer", "customer_name": unique("No group")}).insert()
	assert (customer.customer_group, customer.territory) == (
		expected["customer_group"],
		expected["territory"],
	)
	# the most chosen leaf follows the customers: a leaf given to more customers than any other wins
	leaf = make_node("Customer Group", unique("Popular"), "All Customer Groups", is_group=0).name
	top = frappe.db.sql(
		"select count(*) from `tabCustomer` group by customer_group order by count(*) desc limit 1"
	)[0][0]
	frappe.db.bulk_insert(
		"Customer",
		["name", "customer_name", "customer_group", "lft", "rgt"],
		[(unique("Bulk"), "Bulk", leaf, 0, 0) for _ in range(top + 1)],
	)
	assert most_chosen_leaf("customer_group") == leaf
	# CRM Settings win over both
	frappe.db.set_single_value("CRM Settings", "customer_group", "Commercial")
	assert new_customer_defaults()["customer_group"] == "Commercial"
	frappe.db.rollback()


def test_the_seeded_leaves_are_the_fallback_of_a_fresh_site():
	from crm_app.install import seeded_default_leaf

	assert seeded_default_leaf("Customer Group") == "Commercial"
	assert seeded_default_leaf("Territory") == "Rest Of The World"
