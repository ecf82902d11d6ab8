"""Import and export of opportunities, quotations and sales orders (issue 21, part 5): ERPNext's Data Import
shape (a document's items on the lines after it), an export that re-imports unchanged, and each document
saved through its own insert and submit, so the form's rules hold: the customer's values in force, the
freeze rule and the credit control at submission, the user's territory, the form's messages in a dry run,
all or nothing."""

from pathlib import Path

import frappe
import pytest
from frappe.utils import strip_html_tags
from frappe.utils.nestedset import get_root_of
from frappe.utils.password import update_password

from crm_app.csv_files import write_csv
from crm_app.data_transfer.exporter import export_records
from crm_app.data_transfer.importer import commit_or_roll_back, import_files
from crm_app.receivables.rules import CreditLimitExceededError, FrozenCustomerError
from crm_app.selling.documents import InvalidDateOrderError
from tests.receivables import purge, purge_masters
from tests.selling import opportunity, quotation, sales_order, selling_world

# forget_decisions: autouse, removes the decisions a credit refusal committed on its own connection
from tests.test_credit_control import forget_decisions, set_limit
from tests.test_import import xlsx_file
from tests.test_tree_rebuild import bench
from tests.trees import make_node, unique
from tests.users import http_session, make_user, remove_user
from tests.workers import bench_worker

PASSWORD = "Selling-import-1234!"
DOCTYPES = ("Opportunity", "Quotation", "Sales Order")
ORDER_HEADERS = ["Customer", "Company", "Date", "Delivery Date", "Item (Items)", "Quantity (Items)"]


@pytest.fixture(scope="module")
def world():
	"""Two territories with a customer each (committed: the all-or-nothing tests roll back the import's
	transaction); a Sales User and a Sales Manager limited to the first territory."""
	worlds, territories = [], []
	for key in ("in", "out"):
		territory = make_node("Territory", unique(f"Import {key}"), get_root_of("Territory"), is_group=0).name
		territories.append(territory)
		worlds.append(selling_world(territory=territory))
	users = {"sales": make_user("Sales User"), "manager": make_user("Sales Manager")}
	for user in users.values():
		frappe.get_doc(
			{"doctype": "User Permission", "user": user, "allow": "Territory", "for_value": territories[0]}
		).insert()
		update_password(user, PASSWORD)
	frappe.db.commit()
	yield frappe._dict(inside=worlds[0], outside=worlds[1], users=users)
	frappe.db.rollback()
	for user in users.values():
		frappe.db.delete("User Permission", {"user": user})
		remove_user(user)
	for w in worlds:
		for doctype in ("Sales Order", "Quotation", "Opportunity"):
			purge(doctype, frappe.get_all(doctype, filters={"company": w.company}, pluck="name"))
		frappe.db.delete("Customer Ledger Summary", {"company": w.company})
		purge_masters([w.customer], [w.group], w.item_codes, [w.company])
		frappe.delete_doc("Price List", w.price_list, force=True, ignore_missing=True)
		frappe.delete_doc("Payment Terms Template", w.terms, force=True, ignore_missing=True)
	for territory in territories:
		frappe.delete_doc("Territory", territory, force=True, ignore_missing=True)
	frappe.db.commit()


def order_file(w, customer=None, items=((0, 2), (1, 4)), delivery="2026-11-20", name="Sales Order"):
	"""ERPNext's shape: the order's columns and its first item, then a line per other item."""
	lines = [[customer or w.customer, w.company, "2026-11-01", delivery]]
	lines = [
		[*(lines[0] if index == 0 else [None] * 4), w.item_codes[item], qty]
		for index, (item, qty) in enumerate(items)
	]
	return (f"{name}.csv", write_csv(ORDER_HEADERS, lines))


def orders_of(w) -> list[str]:
	return frappe.get_all("Sales Order", filters={"company": w.company}, pluck="name")


def form_refusal(make, action, exception) -> str:
	"""The message the form gives: the same document saved (or submitted) in the desk's way, undone."""
	frappe.db.savepoint("form_refusal")
	try:
		doc = make()
		with pytest.raises(exception) as refused:
			action(doc)
	finally:
		frappe.db.rollback(save_point="form_refusal")
	frappe.local.message_log = []
	return strip_html_tags(str(refused.value))


def exported(doctype, company) -> tuple[str, bytes]:
	return export_records([doctype], "csv", {"company": company})


def test_an_export_reimports_unchanged_and_rebuilds_the_same_documents(world):
	w = world.inside
	drafts = {
		"Opportunity": opportunity(w, expected_closing="2026-12-15").name,
		"Quotation": quotation(w, items=((0, 2), (1, 3)), submit=False, valid_till="2026-12-01").name,
		"Sales Order": sales_order(w, submit=False).name,
	}
	quotation(w)  # submitted: re-imported unchanged, never deleted
	files = [exported(doctype, w.company) for doctype in DOCTYPES]
	header = files[2][1].decode().splitlines()[0]
	assert "Item (Items)" in header and "Quantity (Items)" in header  # ERPNext's child columns

	again = import_files(files)
	assert again["errors"] == [] and again["created"] == {} and again["updated"] == {}
	assert again["unchanged"] == {"Opportunity": 1, "Quotation": 2, "Sales Order": 1}

	for doctype, name in drafts.items():
		frappe.delete_doc(doctype, name)
	rebuilt = import_files(files)
	assert rebuilt["errors"] == [] and rebuilt["created"] == {d: 1 for d in DOCTYPES}
	assert rebuilt["unchanged"] == {"Quotation": 1}
	assert [exported(doctype, w.company) for doctype in DOCTYPES] == files
	assert len(frappe.get_doc("Sales Order", drafts["Sales Order"]).items) == 2


def test_the_customers_values_in_force_fill_what_the_file_leaves_empty(world):
	w = world.inside
	report = import_files([order_file(w)])
	assert report["errors"] == [] and report["created"] == {"Sales Order": 1}
	order = frappe.get_doc("Sales Order", orders_of(w)[0])
	assert (order.selling_price_list, order.payment_terms_template, order.currency) == (
		w.price_list,
		w.terms,
		"EUR",
	)
	assert [(i.item_code, i.qty, i.rate) for i in order.items] == [
		(w.item_codes[0], 2, 10),
		(w.item_codes[1], 4, 25),
	]
	assert (
		order.grand_total == 120
		and order.docstatus == 0
		and order.territory == frappe.db.get_value("Customer", w.customer, "territory")
	)


def test_one_line_per_item_with_the_document_repeated_is_one_document(world):
	w = world.inside
	headers = ["ID", "Customer", "Company", "Date", "items.item_code", "items.qty"]
	rows = [
		["SAL-ORD-IMPORT-1", w.customer, w.company, "2026-11-01", w.item_codes[0], 1],
		["SAL-ORD-IMPORT-1", w.customer, w.company, "2026-11-01", w.item_codes[1], 1],
	]
	report = import_files([("Sales Order.csv", write_csv(headers, rows))])
	assert report["errors"] == [] and report["created"] == {"Sales Order": 1}
	assert len(frappe.get_doc("Sales Order", "SAL-ORD-IMPORT-1").items) == 2


@pytest.mark.parametrize("doctype", ["Quotation", "Sales Order"])
def test_a_frozen_customers_document_is_refused_when_the_import_submits_it(world, doctype):
	w = world.inside
	frappe.db.set_value("Customer", w.customer, {"is_frozen": 1, "freeze_reason": "Dispute"})
	make = {"Quotation": quotation, "Sales Order": sales_order}[doctype]
	message = form_refusal(lambda: make(w, submit=False), lambda doc: doc.submit(), FrozenCustomerError)
	export = None
	if doctype == "Quotation":
		headers = ["Quotation To", "Party", "Company", "Date", "Item (Items)", "Quantity (Items)"]
		line = ["Customer", w.customer, w.company, "2026-11-01", w.item_codes[0], 2]
		export = ("Quotation.csv", write_csv(headers, [line]))
	else:
		export = order_file(w)

	refused = import_files([export], submit=True)
	assert [(e["row"], e["message"]) for e in refused["errors"]] == [(2, message)]
	assert "frozen" in message
	assert not frappe.get_all(doctype, filters={"company": w.company})

	drafted = import_files([export])  # a draft, as the form allows
	assert drafted["errors"] == [] and drafted["created"] == {doctype: 1}


def test_an_order_over_the_credit_limit_is_refused_when_the_import_submits_it(world):
	w = world.inside
	set_limit("Customer", w.customer, w.company, 100)
	message = form_refusal(
		lambda: sales_order(w, submit=False), lambda doc: doc.submit(), CreditLimitExceededError
	)
	refused = import_files([order_file(w)], submit=True)  # 120 over 100
	assert [e["message"] for e in refused["errors"]] == [message]
	assert not orders_of(w)
	within = import_files([order_file(w, items=((0, 2),))], submit=True)  # 20
	assert within["errors"] == [] and frappe.db.get_value("Sales Order", orders_of(w)[0], "docstatus") == 1


def test_a_scoped_sales_user_cannot_import_an_order_for_a_customer_outside_its_territory(world):
	frappe.set_user(world.users["sales"])
	refused = import_files([order_file(world.outside)])
	assert [e["message"] for e in refused["errors"]] == ["Insufficient Permission for Sales Order"]
	assert refused["created"] == {}
	frappe.set_user("Administrator")
	assert not orders_of(world.outside)
	frappe.set_user(world.users["sales"])
	allowed = import_files([order_file(world.inside)])
	assert allowed["errors"] == [] and allowed["created"] == {"Sales Order": 1}


def test_a_scoped_user_is_refused_over_rest_and_nothing_is_written(world, server_url):
	session = http_session(server_url, world.users["manager"], PASSWORD)
	made = []
	try:
		_, content = order_file(world.outside)
		upload = session.post(
			f"{server_url}/api/method/upload_file",
			files={"file": ("Sales Order.csv", content)},
			data={"is_private": 1},
		)
		assert upload.ok, upload.text[:500]
		record = session.post(
			f"{server_url}/api/resource/Customer Import",
			json={"import_file": upload.json()["message"]["file_url"], "submit_after_import": 1},
		)
		assert record.ok, record.text[:500]
		made.append(record.json()["data"]["name"])
		started = session.post(
			f"{server_url}/api/method/crm_app.api.data_transfer.start_import",
			data={"customer_import": made[0], "dry_run": 0},
		)
		assert started.ok, started.text[:500]
		assert bench_worker().returncode == 0
		done = session.get(f"{server_url}/api/resource/Customer Import/{made[0]}").json()["data"]
		assert done["status"] == "Failed", done
		errors = frappe.parse_json(done["report"])["errors"]
		assert [(e["row"], e["message"]) for e in errors] == [(2, "Insufficient Permission for Sales Order")]
		frappe.db.rollback()
		assert not orders_of(world.outside)
	finally:
		frappe.db.rollback()
		for name in made:
			frappe.delete_doc("Customer Import", name, force=True, ignore_permissions=True)
		frappe.db.commit()


def test_one_refused_document_writes_nothing_of_the_file(world):
	w = world.inside
	new_customer = unique("Imported buyer")
	customers = (["Customer Name", "Customer Type"], [[new_customer, "Company"]])
	good = [new_customer, w.company, "2026-11-01", "2026-11-20", w.item_codes[0], 1]
	bad = [w.customer, w.company, "2026-11-01", "2026-10-01", w.item_codes[0], 1]  # delivery before
	file = xlsx_file("selling", {"Customer": customers, "Sales Order": (ORDER_HEADERS, [good, bad])})
	try:
		checked = import_files([file], dry_run=True)
		assert [e["row"] for e in checked["errors"]] == [3]  # the form's refusal, found by the dry run
		assert [w["message"] for w in checked["warnings"]] == [
			f"Line 2: checked when imported, its customer {new_customer} is new in this file"
		]
		assert commit_or_roll_back(checked, good_rows_only=False) is False
		report = import_files([file])
		assert [e["row"] for e in report["errors"]] == [3]
		assert commit_or_roll_back(report, good_rows_only=False) is False
		assert not frappe.db.exists("Customer", {"customer_name": new_customer})
		assert not orders_of(w)
	finally:
		frappe.db.rollback()
		for name in frappe.get_all("Customer", {"customer_name": new_customer}, pluck="name"):
			purge("Sales Order", frappe.get_all("Sales Order", {"customer": name}, pluck="name"))
			frappe.delete_doc("Customer", name, force=True)
		frappe.db.commit()


def test_a_dry_run_lists_the_forms_message_and_writes_nothing(world):
	w = world.inside
	message = form_refusal(
		lambda: frappe.get_doc(
			{
				"doctype": "Sales Order",
				"customer": w.customer,
				"company": w.company,
				"transaction_date": "2026-11-01",
				"delivery_date": "2026-10-01",
				"items": [{"item_code": w.item_codes[0], "qty": 2}, {"item_code": w.item_codes[1], "qty": 4}],
			}
		),
		lambda doc: doc.insert(),
		InvalidDateOrderError,
	)
	report = import_files(
		[order_file(w, delivery="2026-10-01"), order_file(w, name="Sales Orders")], dry_run=True
	)
	assert report["dry_run"] and report["created"] == {}
	assert [(e["sheet"], e["row"], e["message"]) for e in report["errors"]] == [("Sales Order", 2, message)]
	assert commit_or_roll_back(report, good_rows_only=False) is False
	assert not orders_of(w)


def test_a_french_sheet_with_erpnexts_child_columns_imports(world):
	w = world.inside
	headers = ["Devis pour", "Tiers", "Société", "Date", "Article (Articles)", "Quantité (Articles)"]
	rows = [
		["Client", w.customer, w.company, "2026-11-01", w.item_codes[0], 2],
		[None] * 4 + [w.item_codes[1], 1],
	]
	report = import_files([xlsx_file("devis", {"Devis": (headers, rows)})])
	assert report["errors"] == [] and report["warnings"] == [] and report["created"] == {"Quotation": 1}
	made = frappe.get_doc("Quotation", frappe.get_all("Quotation", {"company": w.company}, pluck="name")[0])
	assert (made.quotation_to, made.customer, made.grand_total) == ("Customer", w.customer, 45)


def test_update_changes_a_draft_and_refuses_to_change_a_submitted_document(world):
	w = world.inside
	draft, submitted = sales_order(w, submit=False), sales_order(w)
	name, content = exported("Sales Order", w.company)
	changed = content.decode().replace(",2.0,", ",3.0,").encode()  # the first item of each: 2 -> 3
	assert changed != content
	report = import_files([(name, changed)], update=True)
	assert report["updated"] == {"Sales Order": 1}
	assert [e["message"] for e in report["errors"]] == [
		f"Sales Order {submitted.name} is submitted: an import changes only a draft"
	]
	assert frappe.get_doc("Sales Order", draft.name).items[0].qty == 3
	assert frappe.get_doc("Sales Order", submitted.name).items[0].qty == 2


def test_the_bench_commands_export_and_check_selling_documents(world, tmp_path):
	w = world.inside
	sales_order(w, submit=False)
	frappe.db.commit()
	try:
		output = tmp_path / "sales_order.csv"  # named after what it holds, as the export names it
		filters = frappe.as_json({"company": w.company})
		written = bench(
			"export", "Sales Order", "--format", "csv", "--output", str(output), "--filters", filters
		)
		assert written.returncode == 0, written.stderr[-2000:]
		assert w.item_codes[1] in Path(output).read_text()
		checked = bench("import", str(output), "--dry-run")
		assert checked.returncode == 0, checked.stdout + checked.stderr[-2000:]
		assert "Dry run: nothing written." in checked.stdout
	finally:
		purge("Sales Order", orders_of(w))
		frappe.db.commit()


def test_the_import_form_offers_submit_after_import_and_exports_selling_documents(desk_page, server_url):
	from tests.browser import DESK, page_errors

	desk_page.goto(f"{server_url}{DESK}/customer-import/new")
	desk_page.wait_for_function(
		"() => window.cur_frm && cur_frm.doctype === 'Customer Import'", timeout=30_000
	)
	assert (
		desk_page.locator("[data-fieldname='submit_after_import'] input[type='checkbox']:visible").count()
		== 1
	)
	desk_page.locator("button:has-text('Export')").first.click()
	dialog = desk_page.locator(".modal.show")
	dialog.locator("select[data-fieldname='file_format']").wait_for(timeout=10_000)
	for doctype in DOCTYPES:
		assert dialog.locator(f"input[data-unit='{doctype}']").count() == 1, doctype
	assert page_errors(desk_page) == []


def test_a_scoped_user_exports_over_rest_only_its_territorys_documents_with_their_items(world, server_url):
	inside, outside = sales_order(world.inside, submit=False), sales_order(world.outside, submit=False)
	frappe.db.commit()
	try:
		session = http_session(server_url, world.users["manager"], PASSWORD)
		response = session.get(
			f"{server_url}/api/method/crm_app.api.data_transfer.export_records",
			params={"doctypes": frappe.as_json(["Sales Order"]), "file_format": "csv"},
		)
		assert response.ok, response.text[:500]
		text = response.content.decode()
		assert inside.name in text and outside.name not in text
		assert world.inside.item_codes[1] in text and world.outside.item_codes[0] not in text
	finally:
		purge("Sales Order", [inside.name, outside.name])
		frappe.db.commit()
