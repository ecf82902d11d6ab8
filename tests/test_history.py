"""History that does not move (issue 22): a customer's dated membership, and figures read as at the time
or as grouped today.

The move: customer X in leaf group A (parent P, territory T1) is invoiced 1,000 on 2026-03-10, then moved
to group B (same parent) and territory T2, then invoiced 500 on 2026-09-10.

| grouping          | A      | B      |
|-------------------|--------|--------|
| as at the time    | 1,000  | 500    |
| as grouped today  | 0      | 1,500  |
"""

import frappe
import pytest
from frappe.utils.nestedset import get_root_of
from frappe.utils.password import update_password

from crm_app.customers.membership import (
	AS_AT_THE_TIME,
	AS_GROUPED_TODAY,
	HISTORY,
	InvalidGroupingError,
)
from crm_app.data_transfer.importer import import_files
from crm_app.receivables.report.customer_group_statistics import customer_group_statistics
from crm_app.receivables.statistics import group_trends, permitted_statistics, tree_statistics
from crm_app.sales_targets.actuals import invoice_lines_for_target
from crm_app.sales_targets.variance import permitted_target_vs_actual, target_vs_actual
from tests.fixtures import make_company, make_customer
from tests.receivables import invoice, make_fiscal_year, make_item
from tests.test_import import csv_file
from tests.trees import make_node, unique
from tests.users import http_session, make_user, remove_user


def history(customer: str, field: str | None = None) -> list[dict]:
	filters = {"customer": customer, **({"field": field} if field else {})}
	return frappe.get_all(
		HISTORY,
		filters=filters,
		fields=["field", "value", "valid_from", "valid_to", "changed_by", "reason"],
		order_by="name",
	)


def open_value(customer: str, field: str) -> str | None:
	rows = [row for row in history(customer, field) if row.valid_to is None]
	assert len(rows) <= 1, rows  # one value in force at a time
	return rows[0].value if rows else None


def leaf_group(parent=None) -> str:
	return make_node("Customer Group", unique("Group"), parent or get_root_of("Customer Group")).name


def leaf_territory() -> str:
	return make_node("Territory", unique("Territory"), get_root_of("Territory")).name


def move(customer: str, **values) -> None:
	doc = frappe.get_doc("Customer", customer)
	doc.update(values)
	doc.save()


@pytest.fixture
def moved():
	fiscal_year = make_fiscal_year("2026-01-01", "2026-12-31")
	company = make_company("EUR").name
	parent = make_node("Customer Group", unique("P"), get_root_of("Customer Group"), is_group=1).name
	a, b = leaf_group(parent), leaf_group(parent)
	t1, t2 = leaf_territory(), leaf_territory()
	item = make_item()
	root = get_root_of("Sales Target")
	targets = {
		group: make_node(
			"Sales Target",
			unique("Target"),
			root,
			customer_group=group,
			fiscal_year=fiscal_year,
			target_amount=2000,
		).name
		for group in (a, b)
	}
	customer = make_customer(a, territory=t1).name
	before = invoice(customer, company, item, rate=1000, posting_date="2026-03-10")
	move(customer, customer_group=b, territory=t2)
	after = invoice(customer, company, item, rate=500, posting_date="2026-09-10")
	return frappe._dict(
		fiscal_year=fiscal_year,
		company=company,
		parent=parent,
		a=a,
		b=b,
		t1=t1,
		t2=t2,
		customer=customer,
		before=before.name,
		after=after.name,
		targets=targets,
	)


def invoiced(stats) -> float:
	return stats["movements"]["Invoice"]["amount"]


# dated membership


def test_a_new_customer_starts_its_history_and_a_move_closes_the_old_row():
	a, b, territory = leaf_group(), leaf_group(), leaf_territory()
	customer = make_customer(a, territory=territory).name
	assert [(r.field, r.value, r.valid_to, r.changed_by) for r in history(customer)] == [
		("Customer Group", a, None, "Administrator"),
		("Territory", territory, None, "Administrator"),
	]
	move(customer, customer_group=b)
	rows = history(customer, "Customer Group")
	assert [(r.value, r.valid_to is None) for r in rows] == [(a, False), (b, True)]
	assert rows[0].valid_to == rows[1].valid_from
	assert open_value(customer, "Territory") == territory  # not moved: no new row


def test_a_save_that_changes_nothing_of_the_membership_writes_no_row():
	customer = make_customer(leaf_group()).name
	count = len(history(customer))
	move(customer, customer_details="Only a note")
	assert len(history(customer)) == count


def test_the_form_save_records_who_changed_the_group_and_the_sales_team():
	a, b = leaf_group(), leaf_group()
	customer = make_customer(a).name
	person = make_node("Sales Person", unique("Seller"), get_root_of("Sales Person")).name
	user = make_user("CRM Manager", "Sales Manager")
	frappe.set_user(user)
	try:
		doc = frappe.get_doc("Customer", customer)
		doc.customer_group = b
		doc.append("sales_team", {"sales_person": person, "allocated_percentage": 100})
		doc.save()
	finally:
		frappe.set_user("Administrator")
	assert {(r.field, r.value, r.changed_by) for r in history(customer) if r.changed_by == user} == {
		("Customer Group", b, user),
		("Sales Team", f"{person} (100%)", user),
	}
	assert open_value(customer, "Customer Group") == b
	assert open_value(customer, "Sales Team") == f"{person} (100%)"


def test_a_rolled_back_save_leaves_no_history_row():
	a, b = leaf_group(), leaf_group()
	customer = make_customer(a).name
	rows = history(customer)
	frappe.db.savepoint("history_move")
	move(customer, customer_group=b)
	assert open_value(customer, "Customer Group") == b
	frappe.db.rollback(save_point="history_move")
	assert history(customer) == rows  # the row closed and the row opened went with the save
	assert open_value(customer, "Customer Group") == a


def test_the_import_writes_the_history_of_a_batch_at_once(monkeypatch):
	a, b = leaf_group(), leaf_group()
	names = [unique("Imported") for _ in range(30)]
	statements = []
	sql = frappe.db.sql

	def counting(query, *args, **kwargs):
		if HISTORY in str(query):
			statements.append(query)
		return sql(query, *args, **kwargs)

	monkeypatch.setattr(frappe.db, "sql", counting)
	report = import_files(
		[csv_file("Customer", ["Customer Name", "Customer Group"], [[name, a] for name in names])]
	)
	assert report["created"]["Customer"] == 30
	# one UPDATE per field and one INSERT for the batch, not a query per row
	assert len(statements) <= 3, statements
	monkeypatch.setattr(frappe.db, "sql", sql)
	customers = frappe.get_all("Customer", filters={"customer_name": ("in", names)}, pluck="name")
	assert all(open_value(name, "Customer Group") == a for name in customers)

	moved, kept = customers[0], customers[1]
	rows = [[moved, frappe.db.get_value("Customer", moved, "customer_name"), b]]
	rows.append([kept, frappe.db.get_value("Customer", kept, "customer_name"), a])
	report = import_files(
		[csv_file("Customer", ["ID", "Customer Name", "Customer Group"], rows)], update=True
	)
	assert report["errors"] == []
	last = history(moved, "Customer Group")
	assert [(r.value, r.valid_to is None) for r in last] == [(a, False), (b, True)]
	assert last[-1].changed_by == "Administrator"
	assert last[-1].reason == "Customer import"
	assert len(history(kept, "Customer Group")) == 1  # same group in the file: nothing recorded


def test_a_rest_save_records_its_user(server_url):
	user, password = make_user("CRM Manager"), "History-Test-1"
	update_password(user, password)
	a, b = leaf_group(), leaf_group()
	customer = make_customer(a).name
	frappe.db.commit()
	try:
		session = http_session(server_url, user, password)
		response = session.put(f"{server_url}/api/resource/Customer/{customer}", json={"customer_group": b})
		assert response.status_code == 200, response.text
		frappe.db.rollback()  # see what the server committed
		rows = history(customer, "Customer Group")
		assert [(r.value, r.changed_by, r.valid_to is None) for r in rows] == [
			(a, "Administrator", False),
			(b, user, True),
		]
		# a refused save over REST records nothing
		response = session.put(
			f"{server_url}/api/resource/Customer/{customer}",
			json={"customer_group": get_root_of("Customer Group")},
		)
		assert response.status_code == 417
		frappe.db.rollback()
		assert len(history(customer, "Customer Group")) == 2
	finally:
		frappe.delete_doc("Customer", customer, force=True)
		for group in (a, b):
			frappe.delete_doc("Customer Group", group, force=True)
		remove_user(user)
		frappe.db.commit()
	assert history(customer) == []  # deleted with the customer


def test_a_customer_form_lists_its_history():
	from crm_app.customers.doctype.customer.customer_dashboard import get_data

	assert any(HISTORY in group["items"] for group in get_data()["transactions"])


# posted rows keep their day's group and territory


def test_a_submitted_invoice_and_its_ledger_rows_keep_the_group_and_territory_of_their_day(moved):
	assert frappe.db.get_value("Sales Invoice", moved.before, ["customer_group", "territory"]) == (
		moved.a,
		moved.t1,
	)
	ledger = frappe.get_all(
		"Customer Ledger Entry",
		filters={"voucher_no": moved.before},
		fields=["customer_group", "territory"],
	)
	assert {(row.customer_group, row.territory) for row in ledger} == {(moved.a, moved.t1)}
	assert frappe.db.get_value("Sales Invoice", moved.after, ["customer_group", "territory"]) == (
		moved.b,
		moved.t2,
	)
	# a restatement reads: after figures as grouped today, the documents are as they were posted
	target_vs_actual(moved.fiscal_year, "Yearly", grouping=AS_GROUPED_TODAY)
	permitted_statistics(moved.fiscal_year, moved.b, grouping=AS_GROUPED_TODAY)
	assert frappe.db.get_value("Sales Invoice", moved.before, "customer_group") == moved.a


def test_a_payment_after_the_move_posts_under_the_new_group(moved):
	from tests.receivables import payment

	doc = payment(moved.customer, moved.company, 1000, [(moved.before, 1000)], posting_date="2026-10-01")
	rows = frappe.get_all(
		"Customer Ledger Entry",
		filters={"voucher_no": doc.name, "movement_type": "Receipt"},
		fields=["customer_group", "territory"],
	)
	assert {(r.customer_group, r.territory) for r in rows} == {(moved.b, moved.t2)}


def test_the_patch_fills_the_territory_of_rows_posted_before_it(moved):
	from crm_app.patches.membership_history_and_ledger_territory import execute

	frappe.db.sql(
		"update `tabCustomer Ledger Entry` set territory = null where customer = %s", moved.customer
	)
	frappe.db.delete(HISTORY, {"customer": moved.customer})
	execute()
	rows = frappe.get_all(
		"Customer Ledger Entry", filters={"customer": moved.customer}, fields=["voucher_no", "territory"]
	)
	# the invoice's own territory, not the customer's current one
	assert {(r.voucher_no, r.territory) for r in rows} == {(moved.before, moved.t1), (moved.after, moved.t2)}
	assert open_value(moved.customer, "Customer Group") == moved.b


# statistics, trends and targets, both ways


def test_group_statistics_as_at_the_time_and_as_grouped_today(moved):
	def figure(group, grouping):
		return invoiced(
			permitted_statistics(moved.fiscal_year, group, company=moved.company, grouping=grouping)
		)

	assert figure(moved.a, AS_AT_THE_TIME) == 1000
	assert figure(moved.b, AS_AT_THE_TIME) == 500
	assert figure(moved.a, AS_GROUPED_TODAY) == 0
	assert figure(moved.b, AS_GROUPED_TODAY) == 1500
	assert figure(moved.parent, AS_AT_THE_TIME) == figure(moved.parent, AS_GROUPED_TODAY) == 1500
	assert figure(moved.a, None) == 1000  # the default: as at the time
	tree = tree_statistics(moved.fiscal_year, moved.company, grouping=AS_GROUPED_TODAY)
	assert tree[moved.a] == {} and tree[moved.b]["Invoice"]["amount"] == 1500


def test_the_statistics_report_takes_the_grouping(moved):
	def invoices(grouping):
		_columns, data, *_rest = customer_group_statistics.execute(
			{
				"fiscal_year": moved.fiscal_year,
				"customer_group": moved.a,
				"company": moved.company,
				"grouping": grouping,
			}
		)
		return data[0]["amount"]

	assert invoices(AS_AT_THE_TIME) == 1000
	assert invoices(AS_GROUPED_TODAY) == 0


def test_trends_as_at_the_time_and_as_grouped_today(moved):
	at_the_time = group_trends(moved.fiscal_year, moved.parent, moved.company)["series"]
	assert at_the_time[moved.a][2] == 1000 and at_the_time[moved.b][8] == 500
	assert at_the_time[moved.b][2] == 0
	today = group_trends(moved.fiscal_year, moved.parent, moved.company, grouping=AS_GROUPED_TODAY)["series"]
	assert sum(today[moved.a]) == 0
	assert today[moved.b][2] == 1000 and today[moved.b][8] == 500


def test_target_variance_as_at_the_time_and_as_grouped_today(moved):
	def actual(grouping):
		nodes = permitted_target_vs_actual(moved.fiscal_year, "Yearly", grouping=grouping)["nodes"]
		by_name = {node["sales_target"]: node["total"]["actual_amount"] for node in nodes}
		return {group: by_name[target] for group, target in moved.targets.items()}

	assert actual(AS_AT_THE_TIME) == {moved.a: 1000, moved.b: 500}
	assert actual(AS_GROUPED_TODAY) == {moved.a: 0, moved.b: 1500}
	# the drill-down counts the same lines
	lines = invoice_lines_for_target(moved.targets[moved.b], "2026-01-01", "2026-12-31", AS_GROUPED_TODAY)
	assert sorted(line.sales_invoice for line in lines) == sorted([moved.before, moved.after])
	assert {line.customer_group for line in lines} == {moved.b}
	lines = invoice_lines_for_target(moved.targets[moved.b], "2026-01-01", "2026-12-31")
	assert [line.sales_invoice for line in lines] == [moved.after]
	# nothing stored for the restatement
	assert frappe.db.get_value(
		"Sales Target Actual", {"sales_target": moved.targets[moved.a]}, "sum(amount)"
	) == pytest.approx(1000)


def test_an_unknown_grouping_is_refused(moved):
	with pytest.raises(InvalidGroupingError):
		permitted_statistics(moved.fiscal_year, moved.a, grouping="Yesterday")
	with pytest.raises(InvalidGroupingError):
		permitted_target_vs_actual(moved.fiscal_year, grouping="Yesterday")


def test_an_unknown_grouping_is_a_417_over_rest(admin_session, server_url):
	for method, params in (
		("receivables.get_statistics", {"customer_group": get_root_of("Customer Group")}),
		("receivables.get_group_trends", {}),
		("sales_targets.get_target_vs_actual", {}),
	):
		response = admin_session.get(
			f"{server_url}/api/method/crm_app.api.{method}",
			params={"fiscal_year": "2026", "grouping": "Yesterday", **params},
		)
		assert response.status_code == 417, response.text
		assert response.json()["exc_type"] == "InvalidGroupingError"
