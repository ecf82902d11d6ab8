"""Selling documents in process: statuses through the flow Opportunity -> Quotation -> Sales Order -> Sales
Invoice, the values each mapping carries, the customer's values in force, the freeze rule, bad input, and
the figures of the overview blocks."""

import frappe
import pytest
from frappe.utils import add_days, nowdate

from crm_app.guards import MissingLinkError
from crm_app.receivables.invoicing import InvalidQuantityError
from crm_app.receivables.rules import FrozenCustomerError
from crm_app.selling import mapping, orders, quotations
from crm_app.selling.documents import InvalidDateOrderError
from crm_app.selling.mapping import NotMappableError
from crm_app.selling.orders import InvalidOrderReferenceError, InvalidOrderStatusError, OverBillingError
from crm_app.selling.overview import orders_block, quotations_block
from crm_app.selling.quotations import InvalidQuotationStatusError
from tests.selling import make_lead, opportunity, quotation, sales_order, selling_world
from tests.users import make_user


@pytest.fixture
def world():
	return selling_world()


def invoice_of(order_name, submit=True, **changes):
	doc = mapping.invoice_from_order(order_name)
	doc.update(changes)
	doc.insert()
	if submit:
		doc.submit()
	return doc


# ---------------------------------------------------------------------------------------------------
# values in force, totals, bad input


def test_a_new_order_takes_the_customers_values_in_force_and_prices(world):
	order = sales_order(world, submit=False)
	assert order.selling_price_list == world.price_list
	assert order.payment_terms_template == world.terms
	assert order.currency == "EUR"
	assert order.customer_group == world.group
	assert [(i.rate, i.amount) for i in order.items] == [(10, 20), (25, 100)]
	assert (order.total, order.net_total, order.grand_total) == (120, 120, 120)
	assert [str(i.delivery_date) for i in order.items] == ["2026-11-20", "2026-11-20"]


def test_a_new_quotation_and_opportunity_take_the_customers_currency(world):
	frappe.db.set_value("Customer", world.customer, "default_currency", "USD")
	assert quotation(world, submit=False).currency == "USD"
	assert opportunity(world).currency == "USD"
	lead_opportunity = opportunity(world, party=make_lead(), party_type="Lead")
	assert (lead_opportunity.customer, lead_opportunity.currency) == (None, "EUR")  # the company's


@pytest.mark.parametrize(
	"make, change, error",
	[
		(sales_order, {"items": [{"item_code": "_Test no such item", "qty": 1}]}, MissingLinkError),
		(sales_order, {"items": [{"qty": 0}]}, InvalidQuantityError),
		(sales_order, {"items": [{"qty": -2}]}, InvalidQuantityError),
		(sales_order, {"items": [{"rate": -1}]}, InvalidQuantityError),
		(sales_order, {"delivery_date": "2026-10-01"}, InvalidDateOrderError),
		(sales_order, {"items": [{"delivery_date": "2026-10-01"}]}, InvalidDateOrderError),
		(quotation, {"items": [{"qty": 0}]}, InvalidQuantityError),
		(quotation, {"valid_till": "2026-10-31"}, InvalidDateOrderError),
	],
)
def test_bad_input_is_refused(world, make, change, error):
	fields = {}
	if "items" in change:
		row = {"item_code": world.item_codes[0], "qty": 1, **change["items"][0]}
		fields["items"] = [row]
	else:
		fields.update(change)
	with pytest.raises(error):
		doc = make(world, submit=False)
		doc.update(fields)
		doc.save()


def test_an_opportunity_amount_cannot_be_negative(world):
	with pytest.raises(InvalidQuantityError):
		opportunity(world, amount=-1)


# ---------------------------------------------------------------------------------------------------
# the freeze rule


def test_a_frozen_customer_cannot_get_a_quotation_or_an_order(world):
	drafts = [quotation(world, submit=False), sales_order(world, submit=False)]
	frappe.db.set_value("Customer", world.customer, {"is_frozen": 1, "freeze_reason": "Disputed"})
	for draft in drafts:
		with pytest.raises(FrozenCustomerError):
			draft.submit()
	frappe.db.set_single_value("CRM Settings", "frozen_accounts_modifier", "Sales Manager")
	frappe.set_user(make_user("Sales Manager"))
	for draft in drafts:
		frappe.get_doc(draft.doctype, draft.name).submit()


# ---------------------------------------------------------------------------------------------------
# the order's statuses, delivery and billing


def test_an_order_goes_to_completed_through_delivery_and_invoices(world):
	order = sales_order(world)
	assert (order.status, order.per_delivered, order.per_billed) == ("To Deliver and Bill", 0, 0)
	first = mapping.invoice_from_order(order.name)
	assert [(i.sales_order, i.so_detail, i.qty, i.amount) for i in first.items] == [
		(order.name, order.items[0].name, 2, 20),
		(order.name, order.items[1].name, 4, 100),
	]
	assert (first.customer, first.currency, first.selling_price_list) == (
		world.customer,
		"EUR",
		world.price_list,
	)
	first.items = first.items[:1]  # bill the first row only
	first.insert().submit()
	order.reload()
	assert (order.status, order.per_billed, order.items[0].billed_amt) == (
		"To Deliver and Bill",
		pytest.approx(20 * 100 / 120, abs=1e-4),
		20,
	)
	assert orders.deliver(order.name) == "To Bill"
	second = invoice_of(order.name)
	assert [i.so_detail for i in second.items] == [order.items[1].name]  # what was left to bill
	order.reload()
	assert (order.status, order.per_billed, order.per_delivered) == ("Completed", 100, 100)
	with pytest.raises(NotMappableError):
		mapping.invoice_from_order(order.name)
	second.cancel()
	order.reload()
	assert (order.status, order.items[1].billed_amt) == ("To Bill", 0)


def test_billed_before_delivered_is_to_deliver(world):
	order = sales_order(world)
	invoice_of(order.name)
	order.reload()
	assert (order.status, order.per_billed) == ("To Deliver", 100)
	assert orders.deliver(order.name) == "Completed"
	with pytest.raises(InvalidOrderStatusError):
		orders.deliver(order.name)


def test_an_order_cannot_be_billed_beyond_its_amount(world):
	order = sales_order(world)
	draft = mapping.invoice_from_order(order.name)
	draft.items[0].qty = 3  # 30 for a row of 20
	draft.insert()
	with pytest.raises(OverBillingError):
		draft.submit()


def test_an_invoice_row_must_name_a_row_of_its_order(world):
	order, other = sales_order(world), sales_order(world)
	draft = mapping.invoice_from_order(order.name)
	draft.items[0].so_detail = other.items[0].name
	draft.insert()
	with pytest.raises(InvalidOrderReferenceError):
		draft.submit()


def test_close_and_reopen(world):
	order = sales_order(world)
	assert orders.close(order.name) == "Closed"
	with pytest.raises(NotMappableError):
		mapping.invoice_from_order(order.name)
	with pytest.raises(InvalidOrderStatusError):
		orders.deliver(order.name)
	with pytest.raises(InvalidOrderStatusError):
		orders.close(order.name)
	assert orders.close(order.name, close=False) == "To Deliver and Bill"
	with pytest.raises(InvalidOrderStatusError):
		orders.close(order.name, close=False)


def test_an_invoice_of_a_closed_order_is_refused(world):
	order = sales_order(world)
	draft = invoice_of(order.name, submit=False)
	orders.close(order.name)
	with pytest.raises(InvalidOrderReferenceError):
		draft.submit()


def test_hold_and_resume_need_the_right_role(world):
	order = sales_order(world)
	frappe.set_user(make_user("Sales User"))
	with pytest.raises(frappe.PermissionError):
		orders.hold(order.name)
	frappe.set_user(make_user("Sales Manager"))
	assert orders.hold(order.name, reason="Customer asked to wait") == "On Hold"
	# nothing is billed nor delivered while on hold
	with pytest.raises(NotMappableError):
		mapping.invoice_from_order(order.name)
	with pytest.raises(InvalidOrderStatusError):
		orders.deliver(order.name)
	assert orders.hold(order.name, hold=False) == "To Deliver and Bill"


def test_the_credit_controller_may_hold(world):
	order = sales_order(world)
	frappe.db.set_single_value("CRM Settings", "credit_controller", "Accounts Manager")
	frappe.set_user(make_user("Accounts Manager"))
	assert orders.hold(order.name) == "On Hold"


def test_a_status_sent_by_the_client_is_not_kept(world):
	order = sales_order(world, submit=False)
	order.status = "On Hold"
	order.submit()
	assert order.status == "To Deliver and Bill"


def test_an_order_put_on_hold_before_submit_stays_on_hold(world):
	"""The credit check (credit branch) sets On Hold in before_submit; set_status keeps it after billing."""
	order = sales_order(world, submit=False)

	def hold_it(doc, method=None):
		doc.status = "On Hold"

	order.before_submit = lambda: hold_it(order)
	order.submit()
	assert frappe.db.get_value("Sales Order", order.name, "status") == "On Hold"
	assert orders.order_status(1, "On Hold", 100, 100) == "On Hold"


# ---------------------------------------------------------------------------------------------------
# quotations and opportunities


def test_the_chain_opportunity_quotation_order_invoice_keeps_amounts_and_links(world):
	opp = opportunity(world, amount=120)
	assert opp.status == "Open"
	quote = mapping.quotation_from_opportunity(opp.name)
	assert (quote.quotation_to, quote.party_name, quote.opportunity, quote.company, quote.currency) == (
		"Customer",
		world.customer,
		opp.name,
		world.company,
		"EUR",
	)
	assert quote.selling_price_list == world.price_list
	quote.transaction_date = "2026-11-01"
	quote.append("items", {"item_code": world.item_codes[0], "qty": 2})
	quote.append("items", {"item_code": world.item_codes[1], "qty": 4})
	quote.insert().submit()
	assert quote.status == "Open"
	assert frappe.db.get_value("Opportunity", opp.name, "status") == "Quotation"

	order = mapping.order_from_quotation(quote.name)
	assert [(i.item_code, i.qty, i.rate, i.prevdoc_docname) for i in order.items] == [
		(world.item_codes[0], 2, 10, quote.name),
		(world.item_codes[1], 4, 25, quote.name),
	]
	assert (order.customer, order.payment_terms_template) == (world.customer, world.terms)
	order.transaction_date = "2026-11-02"
	order.insert()
	assert frappe.db.get_value("Quotation", quote.name, "status") == "Open"  # a draft order is no order
	order.submit()
	assert frappe.db.get_value("Quotation", quote.name, "status") == "Ordered"
	assert frappe.db.get_value("Opportunity", opp.name, "status") == "Converted"
	with pytest.raises(InvalidQuotationStatusError):
		quotations.declare_lost(quote.name, "An ordered quotation is not lost")
	with pytest.raises(NotMappableError):
		mapping.order_from_quotation(quote.name)

	bill = invoice_of(order.name)
	assert bill.grand_total == quote.grand_total == order.grand_total == 120

	bill.cancel()
	order.reload()
	order.cancel()
	assert frappe.db.get_value("Quotation", quote.name, "status") == "Open"
	assert frappe.db.get_value("Opportunity", opp.name, "status") == "Quotation"


def test_a_draft_order_of_a_quotation_lost_meanwhile_cannot_be_submitted(world):
	quote = quotation(world)
	order = mapping.order_from_quotation(quote.name)
	order.transaction_date = "2026-11-02"
	order.insert()
	quotations.declare_lost(quote.name, "Went elsewhere")
	with pytest.raises(InvalidQuotationStatusError):
		order.submit()
	assert frappe.db.get_value("Quotation", quote.name, "status") == "Lost"


def test_an_order_with_submitted_invoices_cannot_be_cancelled(world):
	order = sales_order(world)
	invoice_of(order.name)
	with pytest.raises(frappe.LinkExistsError):
		frappe.get_doc("Sales Order", order.name).cancel()


def test_a_quotation_to_a_lead_is_not_ordered_before_the_lead_is_a_customer(world):
	lead = make_lead()
	quote = quotation(world, quotation_to="Lead", party_name=lead)
	assert (quote.customer, quote.status) == (None, "Open")
	with pytest.raises(NotMappableError):
		mapping.order_from_quotation(quote.name)


def test_declare_lost_needs_an_open_quotation(world):
	opp = opportunity(world)
	quote = mapping.quotation_from_opportunity(opp.name)
	quote.append("items", {"item_code": world.item_codes[0], "qty": 1})
	quote.insert().submit()
	assert quotations.declare_lost(quote.name, "Too expensive") == "Lost"
	assert frappe.db.get_value("Quotation", quote.name, ["status", "order_lost_reason"]) == (
		"Lost",
		"Too expensive",
	)
	assert frappe.db.get_value("Opportunity", opp.name, "status") == "Open"  # its only quotation is lost
	with pytest.raises(InvalidQuotationStatusError):
		quotations.declare_lost(quote.name, "Again")
	with pytest.raises(NotMappableError):
		mapping.order_from_quotation(quote.name)
	with pytest.raises(InvalidQuotationStatusError):
		quotations.declare_lost(quotation(world, submit=False).name, "A draft")


def test_open_quotations_past_valid_till_expire_daily_and_on_read(world):
	today = nowdate()
	past = quotation(world, transaction_date=add_days(today, -10), valid_till=add_days(today, -1))
	current = quotation(world, transaction_date=add_days(today, -10), valid_till=today)
	assert past.status == "Expired"  # submitted already past its date
	frappe.db.set_value("Quotation", past.name, "status", "Open")  # as if submitted before the date passed
	shown = frappe.get_doc("Quotation", past.name)
	shown.run_method("onload")
	assert shown.status == "Expired"
	assert quotations.expire_quotations() >= 1
	assert frappe.db.get_value("Quotation", past.name, "status") == "Expired"
	assert frappe.db.get_value("Quotation", current.name, "status") == "Open"
	with pytest.raises(NotMappableError):
		mapping.order_from_quotation(past.name)


def test_an_opportunity_is_declared_lost_with_a_reason_closed_and_reopened(world):
	opp = opportunity(world)
	with pytest.raises(frappe.MandatoryError):
		quotations.set_opportunity_status(opp.name, "Lost", "")
	assert quotations.set_opportunity_status(opp.name, "Lost", "No budget") == "Lost"
	with pytest.raises(NotMappableError):
		mapping.quotation_from_opportunity(opp.name)
	assert quotations.set_opportunity_status(opp.name, "Open") == "Open"
	assert quotations.set_opportunity_status(opp.name, "Closed") == "Closed"
	with pytest.raises(InvalidQuotationStatusError):
		quotations.set_opportunity_status(opp.name, "Converted")
	# a status sent with a save is not kept
	doc = frappe.get_doc("Opportunity", opp.name)
	doc.status = "Converted"
	doc.save()
	assert doc.status == "Closed"


# ---------------------------------------------------------------------------------------------------
# overview blocks


def figures(block):
	return {(f["label"], f["currency"]): (f["count"], f["amount"]) for f in block["figures"]}


def test_the_orders_block_counts_submitted_orders_by_status(world):
	first = sales_order(world)  # 120
	second = sales_order(world, items=((0, 1),))  # 10
	third = sales_order(world, items=((1, 2),))  # 50
	sales_order(world, submit=False)  # a draft is not counted
	orders.close(second.name)
	orders.deliver(third.name)
	sales_order(world, items=((0, 3),), currency="USD")  # 30, in its own currency
	block = orders_block([world.customer])
	assert (block["key"], block["tab"]) == ("orders", "orders")
	assert figures(block) == {
		("Total", "EUR"): (3, 180),
		("To Deliver and Bill", "EUR"): (1, 120),
		("To Bill", "EUR"): (1, 50),
		("Closed", "EUR"): (1, 10),
		("Total", "USD"): (1, 30),
		("To Deliver and Bill", "USD"): (1, 30),
	}
	assert block["figures"][1]["route"] == [
		"List",
		"Sales Order",
		{"customer": world.customer, "status": "To Deliver and Bill", "currency": "EUR"},
	]
	assert first.name


def test_the_quotations_block_counts_open_quotations_and_opportunities(world):
	quotation(world)  # 20
	quotation(world, items=((1, 1),))  # 25
	lost = quotation(world)
	quotations.declare_lost(lost.name, "Price")
	quotation(world, submit=False)
	opportunity(world, amount=300)
	closed = opportunity(world, amount=50)
	quotations.set_opportunity_status(closed.name, "Closed")
	block = quotations_block([world.customer])
	assert figures(block) == {
		("Quotations in Progress", "EUR"): (2, 45),
		("Open Opportunities", "EUR"): (1, 300),
	}


def test_the_blocks_follow_the_users_rights(world):
	sales_order(world)
	opportunity(world, amount=300)
	quotation(world)
	frappe.set_user(make_user("Accounts User"))  # reads orders and quotations, not opportunities
	assert figures(orders_block([world.customer]))[("Total", "EUR")] == (1, 120)
	assert figures(quotations_block([world.customer])) == {("Quotations in Progress", "EUR"): (1, 20)}
	frappe.set_user(make_user())  # no role
	assert orders_block([world.customer]) is None
	assert quotations_block([world.customer]) is None


def test_the_blocks_leave_out_customers_a_scoped_user_may_not_read(world):
	other = selling_world()
	sales_order(world)
	sales_order(other, items=((0, 1),))
	user = make_user("Sales User")
	frappe.get_doc(
		{"doctype": "User Permission", "user": user, "allow": "Customer", "for_value": world.customer}
	).insert()
	frappe.set_user(user)
	both = [world.customer, other.customer]
	assert figures(orders_block(both)) == {
		("Total", "EUR"): (1, 120),
		("To Deliver and Bill", "EUR"): (1, 120),
	}


def test_quotations_and_orders_are_in_the_customers_activity_history(world):
	from crm_app.customers.activity import customer_activity

	offer = quotation(world)
	order = sales_order(world)
	history = customer_activity(world.customer, kinds=["quotation", "order"])
	entries = {(e["kind"], e["doctype"], e["name"], e["amount"]) for e in history["entries"]}
	assert entries == {("quotation", "Quotation", offer.name, 20), ("order", "Sales Order", order.name, 120)}
	only_orders = customer_activity(world.customer, kinds=["order"])
	assert [e["name"] for e in only_orders["entries"]] == [order.name]
