"""The ledger is the app's to write: derived tables refuse hand writes (REST, desk, scripts), financial
documents keep their names, amounts carry the right sign, links are checked before anything is
written, recounts lose nothing committed meanwhile, and the recount a tree move needs is queued only
once the move is committed.
"""

import threading
import time

import frappe
import pytest
from frappe.utils.background_jobs import create_job_id, get_queue
from frappe.utils.nestedset import get_root_of
from frappe.utils.password import update_password
from rq.job import Job, JobStatus

from crm_app.guards import DerivedRecordWriteError, RenameNotAllowedError
from crm_app.receivables.adjustments import InvalidAdjustmentError
from crm_app.receivables.invoicing import InvalidQuantityError
from crm_app.receivables.ledger import aggregate_ledger, rebuild_summary
from crm_app.receivables.payments import InvalidPaymentError
from crm_app.sales_targets import actuals
from tests.conftest import ADMIN_PASSWORD, SITE, SITES_PATH
from tests.receivables import (
	adjustment,
	credit_note,
	invoice,
	make_fiscal_year,
	payment,
	purge,
	purge_masters,
	setup_customer,
)
from tests.trees import make_node, unique
from tests.users import http_session, make_user, remove_user
from tests.workers import on_own_connection

PASSWORD = "Ledger-pass-1234!"
DERIVED = ("Customer Ledger Entry", "Customer Ledger Summary", "Sales Target Actual")
# committed test data lives in a year no other test uses (fiscal years may not overlap)
YEAR = 2043
ROLES = ("Accounts User", "Accounts Manager", "CRM Manager", "System Manager", "Administrator")


def resource(server_url, doctype, name=""):
	return f"{server_url}/api/resource/{doctype}" + (f"/{name}" if name else "")


def committed_dataset():
	"""Committed masters, a sales target on the customer's group and one submitted invoice."""
	data = setup_customer()
	data.fy = make_fiscal_year(f"{YEAR}-01-01", f"{YEAR}-12-31")
	data.target = make_node(
		"Sales Target",
		unique("Ledger Target"),
		get_root_of("Sales Target"),
		fiscal_year=data.fy,
		customer_group=data.group,
		target_amount=1000,
	).name
	data.invoices = [
		invoice(data.customer, data.company, data.item, rate=100, qty=2, posting_date=f"{YEAR}-01-10").name
	]
	frappe.db.commit()
	return data


def remove_dataset(data):
	frappe.db.rollback()
	purge("Sales Invoice", data.invoices)
	purge("Payment Entry", data.get("payments", []))
	frappe.db.delete("Customer Ledger Summary", {"customer_group": data.group})
	frappe.db.delete("Sales Target Actual", {"sales_target": data.target})
	frappe.delete_doc("Sales Target", data.target, force=True, ignore_missing=True)
	frappe.delete_doc("Fiscal Year", data.fy, force=True, ignore_missing=True)
	purge_masters(customers=[data.customer], groups=[data.group], items=[data.item], companies=[data.company])
	frappe.db.commit()


@pytest.fixture(scope="module")
def data():
	data = committed_dataset()
	yield data
	remove_dataset(data)


@pytest.fixture(scope="module")
def sessions(server_url):
	"""A logged-in HTTP session per role (Administrator with its own password)."""
	made, result = [], {}
	for role in ROLES:
		if role == "Administrator":
			user, password = "Administrator", ADMIN_PASSWORD
		else:
			user, password = make_user(role), PASSWORD
			update_password(user, PASSWORD)
			made.append(user)
		result[role] = (user, password)
	frappe.db.commit()
	logged_in = {}
	for role, (user, password) in result.items():
		logged_in[role] = http_session(server_url, user, password)
	yield logged_in
	for user in made:
		remove_user(user)
	frappe.db.commit()


def derived_rows(data):
	"""One existing row of each derived table, a new row for each, and the filter of the test's rows."""
	frappe.db.rollback()  # read what is committed now
	ledger = frappe.db.get_value("Customer Ledger Entry", {"voucher_no": data.invoices[0]}, "name")
	summary = frappe.db.get_value("Customer Ledger Summary", {"customer_group": data.group}, "name")
	actual = frappe.db.get_value("Sales Target Actual", {"sales_target": data.target}, "name")
	assert ledger and summary and actual
	return {
		"Customer Ledger Entry": (
			ledger,
			{"customer": data.customer},
			{
				"customer": data.customer,
				"company": data.company,
				"movement_type": "Debit Note",
				"posting_date": f"{YEAR}-01-12",
				"currency": "EUR",
				"amount": 5,
				"voucher_type": "Sales Invoice",
				"voucher_no": data.invoices[0],
			},
		),
		"Customer Ledger Summary": (
			summary,
			{"customer_group": data.group},
			{
				"customer_group": data.group,
				"company": data.company,
				"currency": "EUR",
				"period_start": f"{YEAR}-05-01",
				"movement_type": "Debit Note",
				"entries": 1,
				"amount": 5,
			},
		),
		"Sales Target Actual": (
			actual,
			{"sales_target": data.target},
			{"sales_target": data.target, "period_start": f"{YEAR}-05-01", "qty": 1, "amount": 5},
		),
	}


def snapshot(doctype, filters):
	frappe.db.rollback()
	return frappe.get_all(doctype, filters=filters, fields=["name", "amount"], order_by="name")


@pytest.mark.parametrize("role", ROLES)
def test_no_role_writes_the_derived_tables_over_rest(data, sessions, server_url, role):
	session = sessions[role]
	for doctype, (existing, filters, new_row) in derived_rows(data).items():
		before = snapshot(doctype, filters)
		created = session.post(resource(server_url, doctype), json=new_row)
		changed = session.put(resource(server_url, doctype, existing), json={"amount": 12345})
		deleted = session.delete(resource(server_url, doctype, existing))
		for action, response in (("create", created), ("write", changed), ("delete", deleted)):
			assert 400 <= response.status_code < 500, (role, doctype, action, response.text[:300])
		assert snapshot(doctype, filters) == before, (role, doctype)


def test_the_derived_tables_stay_readable_and_show_no_new_button(data, sessions, server_url):
	rows = derived_rows(data)
	for doctype in DERIVED:
		meta = frappe.get_meta(doctype)
		assert meta.in_create and meta.read_only
		assert not meta.allow_import and not meta.allow_rename
		for perm in meta.permissions:
			assert perm.read and not (perm.create or perm.write or perm.delete or perm.get("import")), (
				perm.role
			)
		response = sessions["Administrator"].get(resource(server_url, doctype, rows[doctype][0]))
		assert response.status_code == 200, response.text[:300]
	response = sessions["Accounts User"].get(
		resource(server_url, "Customer Ledger Entry", rows[DERIVED[0]][0])
	)
	assert response.status_code == 200


def test_a_script_cannot_write_the_derived_tables_even_ignoring_permissions(data):
	for doctype, (existing, _filters, new_row) in derived_rows(data).items():
		with pytest.raises(DerivedRecordWriteError):
			frappe.get_doc({"doctype": doctype, **new_row}).insert(ignore_permissions=True)
		doc = frappe.get_doc(doctype, existing)
		doc.amount = 12345
		with pytest.raises(DerivedRecordWriteError):
			doc.save(ignore_permissions=True)
		with pytest.raises(DerivedRecordWriteError):
			frappe.delete_doc(doctype, existing, ignore_permissions=True, force=True)
		assert frappe.db.exists(doctype, existing)


def test_posting_still_writes_the_ledger_summary_and_actuals():
	data = setup_customer()
	fy = make_fiscal_year("2044-01-01", "2044-12-31")
	target = make_node(
		"Sales Target",
		unique("Posting"),
		get_root_of("Sales Target"),
		fiscal_year=fy,
		customer_group=data.group,
		target_amount=10,
	).name
	inv = invoice(data.customer, data.company, data.item, rate=50, qty=2, posting_date="2044-03-01")
	assert frappe.get_all("Customer Ledger Entry", {"voucher_no": inv.name}, pluck="amount") == [100]
	assert frappe.db.get_value("Customer Ledger Summary", {"customer_group": data.group}, "amount") == 100
	assert frappe.db.get_value("Sales Target Actual", {"sales_target": target}, "amount") == 100
	assert actuals.rebuild_actuals([target]) == 1
	assert frappe.db.get_value("Sales Target Actual", {"sales_target": target}, "amount") == 100


# --- financial documents keep their names ---------------------------------------------------------


def test_financial_documents_cannot_be_renamed():
	data = setup_customer()
	inv = invoice(data.customer, data.company, data.item, rate=100)
	receipt = payment(data.customer, data.company, 100, [(inv.name, 100)])
	debit = adjustment(data.customer, data.company, "Debit Note", 5)
	for doctype in ("Sales Invoice", "Payment Entry", "Customer Adjustment", *DERIVED):
		assert not frappe.get_meta(doctype).allow_rename, doctype
	for doc in (inv, receipt, debit):
		with pytest.raises(RenameNotAllowedError):
			frappe.rename_doc(doc.doctype, doc.name, unique("Renamed"), force=True)
		assert frappe.db.exists(doc.doctype, doc.name)
	entry = frappe.db.get_value("Customer Ledger Entry", {"voucher_no": inv.name}, "name")
	with pytest.raises(RenameNotAllowedError):
		frappe.rename_doc("Customer Ledger Entry", str(entry), str(entry + 1000000), force=True)


def test_an_invoice_cannot_be_renamed_over_rest(data, sessions, server_url):
	name = data.invoices[0]
	response = sessions["Administrator"].post(
		f"{server_url}/api/method/frappe.client.rename_doc",
		json={"doctype": "Sales Invoice", "old_name": name, "new_name": unique("Renamed")},
	)
	assert 400 <= response.status_code < 500, response.text[:300]
	frappe.db.rollback()
	assert frappe.db.exists("Sales Invoice", name)


# --- signs ----------------------------------------------------------------------------------------


def test_an_invoice_sells_positive_quantities_and_a_credit_note_takes_back_negative_ones():
	data = setup_customer()
	for qty in (-3, 0):
		with pytest.raises(InvalidQuantityError):
			invoice(data.customer, data.company, data.item, rate=100, qty=qty)
	with pytest.raises(InvalidQuantityError):
		invoice(data.customer, data.company, data.item, rate=-100, qty=1)
	with pytest.raises(InvalidQuantityError):
		invoice(data.customer, data.company, data.item, rate=100, qty=1, tax=-20)

	inv = invoice(data.customer, data.company, data.item, rate=100, qty=3, tax=60)
	note = credit_note(inv.name, data.item, rate=100, qty=-1, tax=20)
	assert (note.grand_total, note.total_taxes_and_charges) == (-120, -20)
	assert note.items[0].amount == -100
	rows = frappe.get_all(
		"Customer Ledger Entry",
		filters={"voucher_no": ("in", [inv.name, note.name]), "movement_type": ("!=", "Invoice Paid")},
		fields=["voucher_no", "amount", "tax_amount"],
	)
	assert {r.voucher_no: (r.amount, r.tax_amount) for r in rows} == {
		inv.name: (360, 60),
		note.name: (-120, -20),
	}
	assert frappe.db.get_value("Sales Invoice", inv.name, "outstanding_amount") == 240


def test_adjustments_and_payments_refuse_amounts_of_the_wrong_sign():
	data = setup_customer()
	inv = invoice(data.customer, data.company, data.item, rate=100)
	with pytest.raises(InvalidAdjustmentError):
		adjustment(data.customer, data.company, "Debit Note", 50, tax=-10)
	with pytest.raises(InvalidAdjustmentError):
		adjustment(data.customer, data.company, "Interest Charge", -10, tax=30)
	with pytest.raises(InvalidAdjustmentError):
		adjustment(data.customer, data.company, "Adjustment", 50, tax=-10)
	with pytest.raises(InvalidPaymentError):
		payment(data.customer, data.company, 100, [(inv.name, 90)], discount=-10)
	credit = adjustment(data.customer, data.company, "Adjustment", -50, tax=-10)
	assert frappe.get_all(
		"Customer Ledger Entry", {"voucher_no": credit.name}, ["amount", "tax_amount"], as_list=True
	) == ((-60, -10),)


# --- links checked before anything is written -----------------------------------------------------


def counts():
	frappe.db.rollback()
	return {
		doctype: frappe.db.count(doctype)
		for doctype in ("Sales Invoice", "Sales Invoice Item", "Payment Entry", "Customer Ledger Entry")
	}


def test_an_invoice_naming_missing_records_is_refused_over_rest_before_any_write(data, sessions, server_url):
	session = sessions["Administrator"]
	good = {
		"customer": data.customer,
		"company": data.company,
		"posting_date": f"{YEAR}-01-10",
		"docstatus": 1,
		"items": [{"item_code": data.item, "qty": 1, "rate": 10}],
	}
	bad_cases = {
		"missing item": {"items": [{"item_code": unique("No Item"), "qty": 1, "rate": 10}]},
		"missing customer": {"customer": unique("No Customer")},
		"no customer": {"customer": None},
		"missing company": {"company": unique("No Company")},
		"missing currency": {"currency": "XQZ"},
	}
	before = counts()
	for case, change in bad_cases.items():
		response = session.post(resource(server_url, "Sales Invoice"), json={**good, **change})
		assert 400 <= response.status_code < 500, (case, response.status_code, response.text[:300])
	response = session.post(
		resource(server_url, "Payment Entry"),
		json={
			"party_type": "Customer",
			"party": unique("No Customer"),
			"company": data.company,
			"currency": "EUR",
			"posting_date": f"{YEAR}-02-01",
			"paid_amount": 10,
			"docstatus": 1,
		},
	)
	assert 400 <= response.status_code < 500, response.text[:300]
	assert counts() == before


def test_missing_records_are_refused_with_a_link_error():
	data = setup_customer()
	with pytest.raises(frappe.LinkValidationError):
		invoice(data.customer, data.company, unique("No Item"))
	with pytest.raises(frappe.LinkValidationError):
		invoice(unique("No Customer"), data.company, data.item)
	with pytest.raises(frappe.MandatoryError):
		invoice(None, data.company, data.item)


# --- recounts lose nothing committed meanwhile ------------------------------------------------------


def test_a_recount_keeps_an_invoice_committed_while_it_runs(data):
	recount_began, invoice_committed = threading.Event(), threading.Event()

	def recount():
		# this transaction has read the database (as a job does before it gets here) ...
		frappe.db.sql("select count(*) from `tabSales Invoice`")
		recount_began.set()
		assert invoice_committed.wait(60)
		# ... before another user's invoice is committed
		actuals.rebuild_actuals([data.target])

	def submit():
		assert recount_began.wait(60)
		inv = invoice(data.customer, data.company, data.item, rate=100, qty=3, posting_date=f"{YEAR}-02-10")
		data.invoices.append(inv.name)

	recounter, recount_errors = on_own_connection(lambda _attempt: recount())
	submitter, submit_errors = on_own_connection(lambda _attempt: submit())
	submitter.join(120)
	invoice_committed.set()
	recounter.join(120)
	assert not recount_errors and not submit_errors, recount_errors + submit_errors

	frappe.db.rollback()
	expected = frappe.db.sql(
		"""select sum(item.amount) from `tabSales Invoice Item` item
		join `tabSales Invoice` si on si.name = item.parent
		where si.docstatus = 1 and si.customer_group = %s""",
		data.group,
	)[0][0]
	assert expected == 500
	recorded = frappe.db.sql(
		"select sum(amount) from `tabSales Target Actual` where sales_target = %s", data.target
	)[0][0]
	assert recorded == expected


def test_a_summary_rebuild_and_a_posting_under_way_both_complete(data):
	from crm_app.receivables.ledger import LEDGER, add_to_summary, ledger_row

	posting_began = threading.Event()

	def post_slowly():
		# the two steps of `post`, with time in between for the rebuild to start
		doc = frappe.get_doc("Sales Invoice", data.invoices[0])
		entry = frappe.get_doc({"doctype": LEDGER, **ledger_row(doc, "Debit Note", 7)})
		entry.name = frappe.db.get_next_sequence_val(LEDGER)
		entry.db_insert()
		posting_began.set()
		time.sleep(1.5)
		add_to_summary([entry.name])

	def rebuild():
		assert posting_began.wait(60)
		rebuild_summary()

	poster, post_errors = on_own_connection(lambda _attempt: post_slowly())
	rebuilder, rebuild_errors = on_own_connection(lambda _attempt: rebuild())
	poster.join(120)
	rebuilder.join(120)
	try:
		assert not post_errors and not rebuild_errors, post_errors + rebuild_errors
		frappe.db.rollback()
		summary = frappe.get_all(
			"Customer Ledger Summary",
			filters={"customer_group": data.group},
			fields=["movement_type", "entries", "amount"],
		)
		fresh = aggregate_ledger("where l.customer_group = %(group)s", {"group": data.group})
		assert {(r.movement_type, r.entries, r.amount) for r in summary} == {
			(r.movement_type, r.entries, r.amount) for r in fresh
		}
		assert ("Debit Note", 1, 7) in {(r.movement_type, r.entries, r.amount) for r in summary}
	finally:
		frappe.db.rollback()
		frappe.db.delete("Customer Ledger Entry", {"customer": data.customer, "movement_type": "Debit Note"})
		frappe.db.delete(
			"Customer Ledger Summary", {"customer_group": data.group, "movement_type": "Debit Note"}
		)
		frappe.db.commit()


# --- the recount a tree move needs is queued after commit --------------------------------------------


def recount_jobs() -> list[str]:
	prefix = create_job_id(actuals.RECOUNT_JOB)  # the site's namespace, written as this Frappe writes it
	return [job_id for job_id in get_queue("long").get_job_ids() if job_id.startswith(prefix)]


def drop_jobs(job_ids) -> None:
	queue = get_queue("long")
	for job_id in job_ids:
		try:
			Job.fetch(job_id, connection=queue.connection).delete()
		except Exception:
			queue.remove(job_id)


def move_a_territory(tree) -> None:
	node = frappe.get_doc("Territory", tree.leaf)
	node.parent_territory = tree.b if node.parent_territory == tree.a else tree.a
	node.save()


@pytest.fixture
def territories():
	root = get_root_of("Territory")
	tree = frappe._dict(
		a=make_node("Territory", unique("Region A"), root, is_group=1).name,
		b=make_node("Territory", unique("Region B"), root, is_group=1).name,
	)
	tree.leaf = make_node("Territory", unique("Area"), tree.a).name
	drop_jobs(recount_jobs())  # left by an earlier run: no worker serves the test site
	yield tree
	drop_jobs(recount_jobs())


def test_a_tree_move_queues_its_recount_only_once_committed(territories):
	before = recount_jobs()
	move_a_territory(territories)
	assert recount_jobs() == before  # nothing queued while the move may still be rolled back
	assert actuals.queue_recount in frappe.db.after_commit._functions
	frappe.db.after_commit.run()  # what the commit does
	assert recount_jobs()  # queued now (or one queued by another user's move, not started yet)


def test_a_move_during_a_running_recount_queues_another(territories):
	# (other users' moves on the test site may queue recounts too: one queued job serves them all)
	move_a_territory(territories)
	frappe.db.after_commit.run()
	move_a_territory(territories)
	frappe.db.after_commit.run()
	queued = recount_jobs()
	assert len(queued) == 1  # a recount that has not started yet will see both moves

	# a worker takes the job: it may have read the trees before the next move
	queue = get_queue("long")
	(job_id,) = queued
	queue.remove(job_id)
	Job.fetch(job_id, connection=queue.connection).set_status(JobStatus.STARTED)
	assert not recount_jobs()
	try:
		move_a_territory(territories)
		frappe.db.after_commit.run()
		assert len(recount_jobs()) == 1  # another one
	finally:
		drop_jobs([job_id])
