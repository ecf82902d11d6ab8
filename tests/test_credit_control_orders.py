"""Credit control at order stage: a Sales Order is weighed (before submit) with the same function and the same
lock as an invoice, the unbilled part of the customer's other open orders counting as owed
(crm_app.selling.commitments, the `credit_commitments` hook), an invoice of an order not counting it twice."""

import frappe
import pytest

from crm_app.receivables.rules import CreditLimitExceededError
from crm_app.selling import mapping, orders
from tests.selling import sales_order, selling_world

# forget_decisions: autouse, removes the decisions a refusal committed on its own connection
from tests.test_credit_control import forget_decisions, set_limit, set_policy


@pytest.fixture
def world():
	"""A customer limited to 200 (an order of the defaults is 120)."""
	world = selling_world()
	set_limit("Customer", world.customer, world.company, 200)
	return world


def test_an_order_over_the_limit_is_refused_at_submit(world):
	order = sales_order(world, items=((0, 2), (1, 8)), submit=False)  # 220
	with pytest.raises(CreditLimitExceededError):
		order.submit()


def test_the_unbilled_part_of_open_orders_counts_against_the_limit(world):
	sales_order(world)  # 120, open
	second = sales_order(world, submit=False)  # 120 more: 240 over 200
	with pytest.raises(CreditLimitExceededError):
		second.submit()


def test_closed_orders_no_longer_commit_the_customer(world):
	first = sales_order(world)
	orders.close(first.name)
	sales_order(world)  # 120 alone: within 200


def test_an_invoice_of_an_order_does_not_count_the_order_twice(world):
	order = sales_order(world)  # 120 committed
	bill = mapping.invoice_from_order(order.name)
	bill.insert()
	bill.submit()  # 120 billed from the 120 committed: owed 120, not 240
	assert frappe.db.get_value("Sales Order", order.name, "per_billed") == 100


def test_hold_policy_puts_an_order_over_the_limit_on_hold(world):
	set_policy(credit_control_action="Hold")
	order = sales_order(world, items=((0, 2), (1, 8)), submit=False)
	order.submit()
	assert frappe.db.get_value("Sales Order", order.name, "status") == "On Hold"
