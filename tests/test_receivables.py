import frappe
import pytest
from frappe.utils import getdate

from crm_app.receivables.invoicing import InvalidReturnError
from crm_app.receivables.ledger import balance, rebuild_summary
from crm_app.receivables.payments import InvalidPaymentError
from tests.fixtures import make_customer, make_group_chain, make_payment_terms, make_price_list
from tests.receivables import (
	adjustment,
	credit_note,
	invoice,
	make_item,
	payment,
	returned_cheque,
	setup_customer,
)
from tests.users import http_session


def ledger_of(voucher):
	return frappe.get_all(
		"Customer Ledger Entry",
		filters={"voucher_no": voucher},
		fields=["movement_type", "amount", "tax_amount", "is_reversal", "against_voucher"],
		order_by="name",
	)


def summary_rows():
	return frappe.get_all(
		"Customer Ledger Summary",
		fields=[
			"customer_group",
			"company",
			"currency",
			"period_start",
			"movement_type",
			"entries",
			"amount",
			"tax_amount",
			"days_to_pay",
		],
		order_by="customer_group, company, currency, period_start, movement_type",
	)


def test_defaults_flow_from_the_customer_into_a_new_invoice():
	top, leaf = make_group_chain(2)
	price_list, terms = make_price_list(), make_payment_terms((50, 0), (50, 30))
	frappe.db.set_value("Customer Group", top, {"default_price_list": price_list, "payment_terms": terms})
	data = setup_customer()
	customer = make_customer(leaf, territory=None, language="fr")
	item = make_item(rate=40, price_list=price_list)
	doc = frappe.get_doc(
		{
			"doctype": "Sales Invoice",
			"customer": customer.name,
			"company": data.company,
			"posting_date": "2026-05-01",
			"total_taxes_and_charges": 16,
			"items": [{"item_code": item, "qty": 2}],
		}
	).insert()
	assert (doc.selling_price_list, doc.payment_terms_template) == (price_list, terms)
	assert (doc.customer_group, doc.language, doc.currency) == (leaf, "fr", "EUR")
	assert (doc.items[0].rate, doc.items[0].amount, doc.items[0].item_group) == (
		40,
		80,
		frappe.db.get_value("Item", item, "item_group"),
	)
	assert (doc.net_total, doc.grand_total, doc.status) == (80, 96, "Draft")
	assert [(str(r.due_date), r.payment_amount) for r in doc.payment_schedule] == [
		("2026-05-01", 48),
		("2026-05-31", 48),
	]
	assert str(doc.due_date) == "2026-05-31"


def test_submit_writes_the_ledger_and_payments_settle_it():
	data = setup_customer()
	inv = invoice(data.customer, data.company, data.item, rate=1000, tax=200)
	assert ledger_of(inv.name) == [
		{
			"movement_type": "Invoice",
			"amount": 1200,
			"tax_amount": 200,
			"is_reversal": 0,
			"against_voucher": None,
		}
	]
	assert (inv.outstanding_amount, inv.status) == (
		1200,
		"Overdue" if getdate(inv.due_date) < getdate() else "Unpaid",
	)
	first = payment(data.customer, data.company, 500, [(inv.name, 500)])
	assert frappe.db.get_value("Sales Invoice", inv.name, ["outstanding_amount", "status"]) == (
		700,
		"Overdue",
	)
	second = payment(data.customer, data.company, 700, [(inv.name, 700)], posting_date="2026-02-20")
	assert frappe.db.get_value("Sales Invoice", inv.name, ["outstanding_amount", "status"]) == (0, "Paid")
	assert [r.movement_type for r in ledger_of(second.name)] == ["Receipt", "Invoice Paid"]
	assert balance([data.customer], data.company, "EUR") == 0
	with pytest.raises(InvalidPaymentError):
		payment(data.customer, data.company, 10, [(inv.name, 10)])
	# cancelling the last payment re-opens the invoice and takes back "paid"
	second.cancel()
	assert frappe.db.get_value("Sales Invoice", inv.name, ["outstanding_amount", "status"]) == (
		700,
		"Overdue",
	)
	assert [(r.movement_type, r.is_reversal) for r in ledger_of(second.name)] == [
		("Receipt", 0),
		("Invoice Paid", 0),
		("Receipt", 1),
		("Invoice Paid", 1),
	]
	first.cancel()
	frappe.get_doc("Sales Invoice", inv.name).cancel()
	assert balance([data.customer], data.company, "EUR") == 0
	assert frappe.db.get_value("Sales Invoice", inv.name, "status") == "Cancelled"


def test_an_invoice_with_payments_cannot_be_cancelled_first():
	data = setup_customer()
	inv = invoice(data.customer, data.company, data.item, rate=100)
	payment(data.customer, data.company, 50, [(inv.name, 50)])
	with pytest.raises(frappe.LinkExistsError):
		frappe.get_doc("Sales Invoice", inv.name).cancel()


def test_a_credit_note_reverses_its_invoice():
	data = setup_customer()
	inv = invoice(data.customer, data.company, data.item, rate=100, qty=3, tax=60)
	note = credit_note(inv.name, data.item, rate=100, qty=-1, tax=20)
	assert (note.grand_total, note.status, note.outstanding_amount) == (-120, "Return", 0)
	assert frappe.db.get_value("Sales Invoice", inv.name, "outstanding_amount") == 240
	assert [(r.movement_type, r.amount, r.against_voucher) for r in ledger_of(note.name)] == [
		("Credit Note", -120, inv.name)
	]
	with pytest.raises(InvalidReturnError):
		credit_note(inv.name, data.item, rate=100, qty=1)
	note.cancel()
	assert frappe.db.get_value("Sales Invoice", inv.name, "outstanding_amount") == 360


def test_a_returned_cheque_reverses_the_receipt():
	data = setup_customer()
	inv = invoice(data.customer, data.company, data.item, rate=100)
	receipt = payment(data.customer, data.company, 95, [(inv.name, 100)], discount=5)
	assert frappe.db.get_value("Sales Invoice", inv.name, "status") == "Paid"
	bounced = returned_cheque(receipt.name)
	assert (bounced.paid_amount, [r.allocated_amount for r in bounced.references]) == (95, [100])
	assert frappe.db.get_value("Sales Invoice", inv.name, "outstanding_amount") == 100
	assert [(r.movement_type, r.amount, r.is_reversal) for r in ledger_of(bounced.name)] == [
		("Returned Cheque", 95, 0),
		("Discount", 5, 1),
		("Invoice Paid", 0, 1),
	]
	assert balance([data.customer], data.company, "EUR") == 100
	with pytest.raises(InvalidPaymentError):
		returned_cheque(receipt.name)
	bounced.cancel()
	assert frappe.db.get_value("Sales Invoice", inv.name, "outstanding_amount") == 0
	assert balance([data.customer], data.company, "EUR") == 0


def test_adjustments_move_the_balance_and_a_write_off_settles():
	data = setup_customer()
	inv = invoice(data.customer, data.company, data.item, rate=100)
	adjustment(data.customer, data.company, "Debit Note", 50, tax=10)
	adjustment(data.customer, data.company, "Interest Charge", 15)
	adjustment(data.customer, data.company, "Adjustment", -25)
	write_off = adjustment(data.customer, data.company, "Write-Off", 100, against_invoice=inv.name)
	assert frappe.db.get_value("Sales Invoice", inv.name, "status") == "Paid"
	assert balance([data.customer], data.company, "EUR") == 100 + 60 + 15 - 25 - 100
	write_off.cancel()
	assert frappe.db.get_value("Sales Invoice", inv.name, "outstanding_amount") == 100
	with pytest.raises(frappe.ValidationError):
		adjustment(data.customer, data.company, "Write-Off", 10)  # needs an invoice
	with pytest.raises(frappe.ValidationError):
		adjustment(data.customer, data.company, "Debit Note", -10)


def test_the_summary_kept_by_each_document_equals_a_rebuild_from_the_ledger():
	data = setup_customer()
	inv = invoice(data.customer, data.company, data.item, rate=100, tax=20)
	credit_note(inv.name, data.item, rate=10)
	receipt = payment(data.customer, data.company, 100, [(inv.name, 110)], discount=10)
	returned_cheque(receipt.name)
	adjustment(data.customer, data.company, "Interest Charge", 3)
	kept = summary_rows()
	rebuild_summary()
	assert summary_rows() == kept


def test_create_payment_from_an_invoice_fills_the_amount_and_the_reference(server_url):
	import requests

	from tests.receivables import purge, purge_masters
	from tests.users import make_user, remove_user

	data = setup_customer()
	customer = data.customer
	inv = invoice(customer, data.company, data.item, rate=250)
	saved = None
	user = make_user("Accounts User")
	frappe.utils.password.update_password(user, "Payment-map-1234!")
	frappe.db.commit()
	try:
		session = http_session(server_url, user, "Payment-map-1234!")
		response = session.post(
			f"{server_url}/api/method/frappe.model.mapper.make_mapped_doc",
			data={"method": "crm_app.api.receivables.make_payment_entry", "source_name": inv.name},
		)
		assert response.status_code == 200, response.text[:500]
		payment = response.json()["message"]
		assert (payment["party_type"], payment["party"], payment["payment_type"]) == (
			"Customer",
			customer,
			"Receive",
		)
		assert payment["paid_amount"] == 250 and payment["currency"] == inv.currency
		assert [(r["reference_name"], r["allocated_amount"]) for r in payment["references"]] == [
			(inv.name, 250)
		]
		# saved as it comes, it settles the invoice
		saved = frappe.get_doc(payment).insert()
		saved.submit()
		frappe.db.commit()
		assert frappe.db.get_value("Sales Invoice", inv.name, "outstanding_amount") == 0
		# nothing left to pay: a clear refusal, not an empty payment
		again = session.post(
			f"{server_url}/api/method/frappe.model.mapper.make_mapped_doc",
			data={"method": "crm_app.api.receivables.make_payment_entry", "source_name": inv.name},
		)
		assert again.status_code == 417 and "NothingToPayError" in again.text
	finally:
		remove_user(user)
		if saved:
			purge("Payment Entry", [saved.name])
		purge("Sales Invoice", [inv.name])
		purge_masters([customer], [data.group], [data.item], [data.company])
		frappe.db.commit()
