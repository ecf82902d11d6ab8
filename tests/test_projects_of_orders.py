"""A project delivers a customer's order (ERPNext's Project.sales_order): made from the order with its
customer, company and delivery date, refused for an order that is not submitted or is another customer's."""

import frappe
import pytest

from crm_app.projects.errors import SalesOrderMismatchError
from crm_app.selling import mapping
from crm_app.selling.mapping import NotMappableError
from tests.fixtures import make_customer
from tests.selling import sales_order, selling_world


@pytest.fixture
def world():
	return selling_world()


def test_a_project_made_from_an_order_carries_its_customer_company_and_dates(world):
	order = sales_order(world)
	project = mapping.project_from_order(order.name)
	project.insert()
	assert (project.sales_order, project.customer, project.company, project.project_name) == (
		order.name,
		order.customer,
		order.company,
		order.name,
	)
	assert (str(project.expected_start_date), str(project.expected_end_date)) == (
		str(order.transaction_date),
		str(order.delivery_date),
	)


def test_a_project_naming_an_order_takes_its_customer_when_none_is_given(world):
	order = sales_order(world)
	project = frappe.get_doc(
		{
			"doctype": "Project",
			"project_name": "Delivery",
			"sales_order": order.name,
			"company": order.company,
		}
	).insert()
	assert project.customer == order.customer


def test_a_project_cannot_deliver_another_customers_or_a_draft_order(world):
	order = sales_order(world)
	other = make_customer(frappe.db.get_value("Customer", world.customer, "customer_group")).name
	with pytest.raises(SalesOrderMismatchError):
		frappe.get_doc(
			{
				"doctype": "Project",
				"project_name": "Wrong customer",
				"customer": other,
				"company": order.company,
				"sales_order": order.name,
			}
		).insert()
	draft = sales_order(world, submit=False)
	with pytest.raises(SalesOrderMismatchError):
		frappe.get_doc(
			{
				"doctype": "Project",
				"project_name": "Draft",
				"company": order.company,
				"sales_order": draft.name,
			}
		).insert()
	with pytest.raises(NotMappableError):
		mapping.project_from_order(draft.name)
