"""The balance and the amounts due the ledger keeps per customer (crm_app.receivables.balances) equal what
the ledger and the invoices say after every kind of posting, also when postings run at once, and the
rebuild puts a wrong figure right."""

import threading

import frappe
import pytest
from frappe.utils import add_days, today

from crm_app.guards import DerivedRecordWriteError
from crm_app.locks import ConcurrentWriteError
from crm_app.receivables.balances import check_balances, rebuild_balances
from crm_app.receivables.ledger import balance
from tests.conftest import SITE, SITES_PATH
from tests.receivables import (
	adjustment,
	credit_note,
	invoice,
	payment,
	purge,
	purge_masters,
	returned_cheque,
	setup_customer,
)
from tests.test_tree_rebuild import bench
from tests.workers import on_own_connection


def kept_balance(customer: str, company: str) -> float:
	return frappe.db.get_value("Customer Balance", {"customer": customer, "company": company}, "balance") or 0


def due_amounts(customer: str, company: str) -> dict[str, float]:
	return {
		str(row.due_date): row.outstanding_amount
		for row in frappe.get_all(
			"Customer Due Amount",
			filters={"customer": customer, "company": company},
			fields=["due_date", "outstanding_amount"],
		)
	}


def assert_kept_equals_ledger(data) -> None:
	assert check_balances([data.customer]) == []
	assert kept_balance(data.customer, data.company) == balance([data.customer], data.company, "EUR")


def test_the_kept_figures_follow_invoices_payments_credit_notes_write_offs_and_cancellations():
	data = setup_customer()
	# an invoice is due the day it is dated (no payment terms): one of them dated ahead, not due yet
	past, later = "2026-01-10", str(add_days(today(), 10))
	first = invoice(data.customer, data.company, data.item, rate=100, posting_date=past)
	second = invoice(data.customer, data.company, data.item, rate=50, posting_date=later)
	assert kept_balance(data.customer, data.company) == 150
	assert due_amounts(data.customer, data.company) == {past: 100, later: 50}
	assert_kept_equals_ledger(data)

	paid = payment(data.customer, data.company, 30, [(first.name, 30)], discount=0)
	assert kept_balance(data.customer, data.company) == 120
	assert due_amounts(data.customer, data.company) == {past: 70, later: 50}
	returned = credit_note(first.name, data.item, rate=20)
	assert kept_balance(data.customer, data.company) == 100
	assert due_amounts(data.customer, data.company) == {past: 50, later: 50}
	written_off = adjustment(data.customer, data.company, "Write-Off", 50, against_invoice=first.name)
	assert kept_balance(data.customer, data.company) == 50
	# a due date paid off entirely leaves no row
	assert due_amounts(data.customer, data.company) == {later: 50}
	charged = adjustment(data.customer, data.company, "Interest Charge", 7)
	assert kept_balance(data.customer, data.company) == 57
	assert_kept_equals_ledger(data)

	for doc in (charged, written_off, returned, paid):
		doc.reload()
		doc.cancel()
		assert_kept_equals_ledger(data)
	assert kept_balance(data.customer, data.company) == 150
	assert due_amounts(data.customer, data.company) == {past: 100, later: 50}

	bounced_receipt = payment(data.customer, data.company, 40, [(second.name, 40)])
	returned_cheque(bounced_receipt.name)
	assert kept_balance(data.customer, data.company) == 150
	assert due_amounts(data.customer, data.company) == {past: 100, later: 50}
	assert_kept_equals_ledger(data)


def test_cancelling_an_invoice_takes_what_was_left_to_pay_out_of_its_due_date():
	data = setup_customer()
	doc = invoice(data.customer, data.company, data.item, rate=80, posting_date="2026-01-10")
	doc.cancel()
	assert kept_balance(data.customer, data.company) == 0
	assert due_amounts(data.customer, data.company) == {}
	assert_kept_equals_ledger(data)


def test_the_kept_figures_are_written_by_the_app_only():
	data = setup_customer()
	invoice(data.customer, data.company, data.item, rate=10)
	for doctype in ("Customer Balance", "Customer Due Amount"):
		with pytest.raises(DerivedRecordWriteError):
			frappe.get_doc(
				{"doctype": doctype, "customer": data.customer, "company": data.company, "currency": "EUR"}
			).insert(ignore_permissions=True)
		name = frappe.db.get_value(doctype, {"customer": data.customer}, "name")
		with pytest.raises(DerivedRecordWriteError):
			frappe.delete_doc(doctype, name, ignore_permissions=True)


def test_the_rebuild_puts_a_wrong_figure_right_and_the_check_finds_it():
	data = setup_customer()
	other = setup_customer()
	invoice(data.customer, data.company, data.item, rate=100, posting_date="2026-01-10")
	invoice(other.customer, other.company, other.item, rate=40, posting_date="2026-01-10")
	frappe.db.sql(
		"update `tabCustomer Balance` set balance = 999 where customer = %s and company = %s",
		(data.customer, data.company),
	)
	frappe.db.sql("delete from `tabCustomer Due Amount` where customer = %s", data.customer)
	found = check_balances([data.customer, other.customer])
	assert {(d["figure"], d["kept"], d["counted"]) for d in found} == {
		("balance", 999, 100),
		("due amount", 0, 100),
	}
	frappe.db.commit()  # the rebuild works in transactions of its own
	try:
		assert rebuild_balances(customers_per_step=50) >= 4
		assert check_balances([data.customer, other.customer]) == []
		assert kept_balance(data.customer, data.company) == 100
		assert due_amounts(data.customer, data.company) == {"2026-01-10": 100}
		assert kept_balance(other.customer, other.company) == 40
	finally:
		remove(data, other)


def remove(*datasets):
	frappe.db.rollback()
	for data in datasets:
		for doctype in ("Payment Entry", "Customer Adjustment", "Sales Invoice"):
			party = "party" if doctype == "Payment Entry" else "customer"
			purge(doctype, frappe.get_all(doctype, {party: data.customer}, pluck="name"))
		purge_masters([data.customer], [data.group], [data.item], [data.company])
	frappe.db.commit()


def test_postings_made_at_once_by_several_connections_all_count():
	data = setup_customer()
	paid = [
		invoice(data.customer, data.company, data.item, rate=100, posting_date="2026-01-10").name
		for _ in range(3)
	]
	drafts = [
		invoice(
			data.customer, data.company, data.item, rate=10 * (i + 1), posting_date="2026-01-10", submit=False
		).name
		for i in range(4)
	]
	cancelled = invoice(data.customer, data.company, data.item, rate=5, posting_date="2026-01-10")
	frappe.db.commit()
	try:
		start, errors = threading.Barrier(8), []

		def submit(name, attempt):
			if not attempt:
				start.wait(30)
			frappe.get_doc("Sales Invoice", name).submit()

		def pay(name, attempt):
			if not attempt:
				start.wait(30)
			payment(data.customer, data.company, 60, [(name, 60)])

		def cancel(attempt):
			if not attempt:
				start.wait(30)
			frappe.get_doc("Sales Invoice", cancelled.name).cancel()

		jobs = [lambda a, n=name: submit(n, a) for name in drafts] + [
			lambda a, n=name: pay(n, a) for name in paid
		]
		retry_on = (frappe.QueryDeadlockError, frappe.TimestampMismatchError, ConcurrentWriteError)
		threads = [on_own_connection(job, errors, retry_on)[0] for job in [*jobs, cancel]]
		for thread in threads:
			thread.join(120)
		assert not errors, errors

		frappe.db.rollback()  # read what the threads committed
		assert_kept_equals_ledger(data)
		# 300 + 10 + 20 + 30 + 40 invoiced, 180 received, the 5 cancelled
		assert kept_balance(data.customer, data.company) == 220
		assert due_amounts(data.customer, data.company) == {"2026-01-10": 220}
	finally:
		remove(data)


def test_the_bench_command_checks_and_rebuilds():
	data = setup_customer()
	invoice(data.customer, data.company, data.item, rate=100, posting_date="2026-01-10")
	rebuild_balances()  # commits: every figure of the site as its ledger says
	try:
		assert bench("rebuild-balances", "--check").returncode == 0
		frappe.db.sql("update `tabCustomer Balance` set balance = 1 where customer = %s", data.customer)
		frappe.db.commit()
		checked = bench("rebuild-balances", "--check")
		assert checked.returncode != 0 and data.customer in checked.stdout, checked.stdout + checked.stderr
		assert "balance rows written" in bench("rebuild-balances").stdout
		frappe.db.rollback()
		assert kept_balance(data.customer, data.company) == 100
		assert bench("rebuild-balances", "--check").returncode == 0
	finally:
		remove(data)
