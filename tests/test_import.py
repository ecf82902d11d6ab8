"""Bulk import (issue 10): trees in any order, homonyms, all or nothing, idempotent re-import, French and
ERPNext headers, XLSX."""

import io

import frappe
import pytest
from frappe.utils.nestedset import get_root_of

from crm_app.csv_files import write_csv
from crm_app.data_transfer.importer import import_files
from crm_app.tree_rebuild import check_tree
from tests.trees import unique
from tests.users import http_session
from tests.workers import bench_worker


def csv_file(name, headers, rows):
	return (f"{name}.csv", write_csv(headers, rows))


def xlsx_file(name, sheets):
	from openpyxl import Workbook

	workbook = Workbook()
	workbook.remove(workbook.active)
	for title, (headers, rows) in sheets.items():
		sheet = workbook.create_sheet(title)
		sheet.append(headers)
		for row in rows:
			sheet.append(row)
	out = io.BytesIO()
	workbook.save(out)
	return (f"{name}.xlsx", out.getvalue())


@pytest.fixture(autouse=True)
def rollback():
	yield
	frappe.db.rollback()


def test_children_before_parents_and_customers_on_the_new_leaves():
	root = get_root_of("Customer Group")
	top, middle, leaf = unique("Imp top"), unique("Imp middle"), unique("Imp leaf")
	groups = csv_file(
		"Customer Group",
		["Customer Group Name", "Parent Customer Group", "Is Group"],
		[[leaf, middle, 0], [middle, top, 1], [top, root, 1]],  # children first
	)
	customers = csv_file(
		"Customer",
		["Customer Name", "Customer Type", "Customer Group"],
		[[unique("Imp customer"), "Company", leaf] for _ in range(3)],
	)
	report = import_files([customers, groups])  # and the customers' file first too
	assert report["errors"] == [], report["errors"]
	assert report["created"] == {"Customer Group": 3, "Customer": 3}
	assert frappe.db.get_value("Customer Group", leaf, "parent_customer_group") == middle
	assert check_tree("Customer Group") == [] and check_tree("Customer") == []
	assert frappe.db.count("Customer", {"customer_group": leaf}) == 3


def test_homonyms_inside_the_file_and_against_the_database():
	name = unique("Homonym")
	frappe.get_doc({"doctype": "Customer", "customer_name": name, "customer_type": "Company"}).insert()
	report = import_files([csv_file("Customer", ["Customer Name"], [[name], [name]])])
	assert report["errors"] == []
	assert sorted(frappe.get_all("Customer", {"customer_name": name}, pluck="name")) == [
		name,
		f"{name}-1",
		f"{name}-2",
	]


def test_a_bad_row_in_the_middle_writes_nothing_and_is_reported_with_line_and_column():
	names = [unique("All or nothing") for _ in range(3)]
	rows = [[names[0], "Company"], [names[1], "Nobody"], [names[2], "Individual"]]
	report = import_files([csv_file("Customer", ["Customer Name", "Customer Type"], rows)])
	assert [(e["row"], e["column"]) for e in report["errors"]] == [(3, "customer_type")]
	assert "Company" in report["errors"][0]["message"]
	assert report["created"] == {}
	assert not frappe.db.exists("Customer", {"customer_name": ("in", names)})
	# good rows only: the two others are written, the bad one still reported
	report = import_files(
		[csv_file("Customer", ["Customer Name", "Customer Type"], rows)], good_rows_only=True
	)
	assert report["created"] == {"Customer": 2}
	assert frappe.db.count("Customer", {"customer_name": ("in", names)}) == 2


def test_a_dry_run_writes_nothing():
	name = unique("Dry")
	report = import_files([csv_file("Customer", ["Customer Name"], [[name]])], dry_run=True)
	assert report["errors"] == [] and report["created"] == {}
	assert not frappe.db.exists("Customer", {"customer_name": name})


def test_importing_the_same_file_twice_changes_nothing():
	territory = unique("Twice town")
	file = csv_file(
		"Territory",
		["Territory Name", "Parent Territory", "Is Group"],
		[[territory, get_root_of("Territory"), 0]],
	)
	assert import_files([file])["created"] == {"Territory": 1}
	modified = frappe.db.get_value("Territory", territory, "modified")
	again = import_files([file])
	assert again["created"] == {} and again["unchanged"] == {"Territory": 1}
	again = import_files([file], update=True)
	assert again["updated"] == {} and again["unchanged"] == {"Territory": 1}
	assert frappe.db.get_value("Territory", territory, "modified") == modified


def test_french_headers_and_values():
	name = unique("Client français")
	report = import_files(
		[
			csv_file(
				"Clients",
				["Nom du client", "Type de client", "Groupe de clients"],
				[[name, "Particulier", "Individual"]],
			)
		]
	)
	assert report["errors"] == [], report["errors"]
	assert frappe.db.get_value("Customer", {"customer_name": name}, ["customer_type", "customer_group"]) == (
		"Individual",
		"Individual",
	)


def test_an_erpnext_export_imports_unchanged_keeping_its_ids():
	ident = unique("CUST-2026")
	headers = ["ID", "Customer Name", "Customer Type", "Customer Group", "Territory", "Naming Series"]
	report = import_files(
		[
			csv_file(
				"Customer",
				headers,
				[[ident, "Acme Export", "Company", "Commercial", "Rest Of The World", "CUST-.YYYY.-"]],
			)
		]
	)
	assert report["errors"] == [], report["errors"]
	assert [w["column"] for w in report["warnings"]] == ["Naming Series"]
	assert frappe.db.get_value("Customer", ident, "customer_name") == "Acme Export"


def test_the_xlsx_path_with_a_sheet_per_doctype_and_a_loop_refused():
	a, b = unique("Loop A"), unique("Loop B")
	report = import_files(
		[
			xlsx_file(
				"data",
				{
					"Territory": (["Territory Name", "Parent Territory", "Is Group"], [[a, b, 1], [b, a, 1]]),
				},
			)
		]
	)
	assert {e["row"] for e in report["errors"]} == {2, 3}
	assert not frappe.db.exists("Territory", a)
	town = unique("Xlsx town")
	report = import_files(
		[
			xlsx_file(
				"data",
				{
					"Territory": (["Territory Name", "Parent Territory"], [[town, get_root_of("Territory")]]),
					"Customer": (["Customer Name", "Territory"], [[unique("Xlsx customer"), town]]),
				},
			)
		]
	)
	assert report["errors"] == [] and report["created"] == {"Territory": 1, "Customer": 1}


def test_the_bench_command_imports_and_refuses_with_an_exit_code(tmp_path):
	from tests.test_tree_rebuild import bench

	good, bad = tmp_path / "customers.csv", tmp_path / "Customer.csv"
	name = unique("Bench import")
	good.write_bytes(write_csv(["Customer Name", "Customer Type"], [[name, "Company"]]))
	bad.write_bytes(write_csv(["Customer Name", "Customer Type"], [[unique("Refused"), "Nobody"]]))
	try:
		dry = bench("import", str(good), "--dry-run")
		assert dry.returncode == 0 and "Dry run" in dry.stdout, dry.stdout + dry.stderr[-2000:]
		refused = bench("import", str(bad))
		assert refused.returncode == 1 and "line 2 column customer_type" in refused.stdout
		done = bench("import", str(good))
		assert done.returncode == 0 and "Customer: 1 created" in done.stdout, (
			done.stdout + done.stderr[-2000:]
		)
		frappe.db.rollback()
		assert frappe.db.exists("Customer", {"customer_name": name})
	finally:
		frappe.db.rollback()
		for customer in frappe.get_all("Customer", {"customer_name": name}, pluck="name"):
			frappe.delete_doc("Customer", customer, force=True)
		frappe.db.commit()


def test_an_import_over_rest_runs_as_a_background_job_checked_first(server_url):
	import requests
	from frappe.utils.password import update_password

	from tests.test_tree_rebuild import bench
	from tests.users import make_user, remove_user

	user = make_user("CRM Manager")
	update_password(user, "Rest-import-1234!")
	frappe.db.commit()
	session = requests.Session()
	good, bad = unique("Rest import"), unique("Rest refused")
	created = []
	try:
		assert session.post(
			f"{server_url}/api/method/login", data={"usr": user, "pwd": "Rest-import-1234!"}
		).ok

		def record_for(rows):
			upload = session.post(
				f"{server_url}/api/method/upload_file",
				files={"file": ("Customer.csv", write_csv(["Customer Name", "Customer Type"], rows))},
				data={"is_private": 1},
			)
			assert upload.ok, upload.text[:500]
			made = session.post(
				f"{server_url}/api/resource/Customer Import",
				json={"import_file": upload.json()["message"]["file_url"]},
			)
			assert made.ok, made.text[:500]
			created.append(made.json()["data"]["name"])
			return created[-1]

		def run(name, dry_run):
			started = session.post(
				f"{server_url}/api/method/crm_app.api.data_transfer.start_import",
				data={"customer_import": name, "dry_run": dry_run},
			)
			assert started.ok and started.json()["message"]["status"] == "Queued", started.text[:500]
			worker = bench_worker()
			assert worker.returncode == 0, worker.stderr[-2000:]
			return session.get(f"{server_url}/api/resource/Customer Import/{name}").json()["data"]

		name = record_for([[good, "Company"]])
		checked = run(name, 1)
		assert checked["status"] == "Checked" and checked["checked_only"] == 1
		frappe.db.rollback()
		assert not frappe.db.exists("Customer", {"customer_name": good})
		done = run(name, 0)
		assert done["status"] == "Success", done
		frappe.db.rollback()
		assert frappe.db.exists("Customer", {"customer_name": good})

		refused = run(record_for([[bad, "Company"], [unique("Other"), "Nobody"]]), 0)
		assert refused["status"] == "Failed" and refused["error_file"]
		errors = session.get(f"{server_url}{refused['error_file']}")
		assert errors.ok and "customer_type" in errors.text
		frappe.db.rollback()
		assert not frappe.db.exists("Customer", {"customer_name": bad})  # nothing half-written
	finally:
		frappe.db.rollback()
		for name in created:
			frappe.delete_doc("Customer Import", name, force=True, ignore_permissions=True)
		for customer in frappe.get_all("Customer", {"customer_name": good}, pluck="name"):
			frappe.delete_doc("Customer", customer, force=True)
		remove_user(user)
		frappe.db.commit()


def test_an_export_lists_trees_parent_first_and_reimports_unchanged():
	from crm_app.data_transfer.exporter import export_records

	root = get_root_of("Customer Group")
	top, leaf = unique("Export top"), unique("Export leaf")
	customer = unique("Export customer")
	import_files(
		[
			csv_file(
				"Customer Group",
				["Customer Group Name", "Parent Customer Group", "Is Group"],
				[[leaf, top, 0], [top, root, 1]],
			),
			csv_file("Customer", ["Customer Name", "Customer Group"], [[customer, leaf]]),
		]
	)
	filename, content = export_records(["Customer", "Customer Group"], "xlsx")
	assert filename.endswith(".xlsx")
	from crm_app.data_transfer.files import read_sheets

	sheets = {sheet.name: sheet for sheet in read_sheets(content, filename)}
	groups = [row[0] for row in sheets["Customer Group"].rows]
	assert groups.index(top) < groups.index(leaf)  # parents first
	again = import_files([(filename, content)])
	assert again["errors"] == [], again["errors"][:3]
	assert again["created"] == {}
	assert again["unchanged"]["Customer Group"] == len(groups)


def test_export_over_rest_and_from_bench(server_url, tmp_path):
	import requests

	from tests.conftest import ADMIN_PASSWORD
	from tests.test_tree_rebuild import bench

	session = http_session(server_url, "Administrator", ADMIN_PASSWORD)
	response = session.get(
		f"{server_url}/api/method/crm_app.api.data_transfer.export_records",
		params={"doctypes": '["Territory"]', "file_format": "csv"},
	)
	assert response.status_code == 200 and "Rest Of The World" in response.content.decode("utf-8-sig")
	refused = session.get(
		f"{server_url}/api/method/crm_app.api.data_transfer.export_records",
		params={"doctypes": '["Sales Invoice"]'},
	)
	assert refused.status_code == 417 and "InvalidExportError" in refused.text
	filtered = session.get(
		f"{server_url}/api/method/crm_app.api.data_transfer.export_records",
		params={"doctypes": '["Territory"]', "file_format": "csv", "filters": '{"is_group": 0}'},
	)
	lines = filtered.content.decode("utf-8-sig").splitlines()
	assert len(lines) - 1 == frappe.db.count("Territory", {"is_group": 0})
	assert not any(line.startswith("All Territories,") for line in lines)
	unknown_field = session.get(
		f"{server_url}/api/method/crm_app.api.data_transfer.export_records",
		params={"doctypes": '["Territory"]', "filters": '{"no_such_field": 1}'},
	)
	assert 400 <= unknown_field.status_code < 500, unknown_field.text[-500:]
	output = tmp_path / "territories.csv"
	done = bench("export", "Territory", "--format", "csv", "--output", str(output))
	assert done.returncode == 0, done.stderr[-2000:]
	assert "Rest Of The World" in output.read_text(encoding="utf-8-sig")
	done = bench(
		"export", "Territory", "--format", "csv", "--output", str(output), "--filters", '{"is_group": 1}'
	)
	assert done.returncode == 0, done.stderr[-2000:]
	text = output.read_text(encoding="utf-8-sig")
	assert "All Territories" in text and "Rest Of The World" not in text
	for bad in ("{not json", '{"no_such_field": 1}'):
		done = bench("export", "Territory", "--output", str(output), "--filters", bad)
		assert done.returncode != 0 and "Traceback" not in done.stderr, done.stderr[-2000:]


def test_contact_and_address_columns_make_the_customers_contact_and_address():
	name = unique("Imported contact")
	report = import_files(
		[
			csv_file(
				"Customer",
				["Customer Name", "Email Id", "Address Line 1", "City/Town", "Country"],
				[[name, "imported@example.com", "5 place Bellecour", "Lyon", "France"]],
			)
		]
	)
	assert report["errors"] == [] and report["warnings"] == [], report
	contact, address = frappe.db.get_value(
		"Customer", {"customer_name": name}, ["customer_primary_contact", "customer_primary_address"]
	)
	assert frappe.db.get_value("Contact", contact, "email_id") == "imported@example.com"
	assert frappe.db.get_value("Address", address, ["address_line1", "city"]) == ("5 place Bellecour", "Lyon")


def test_the_importing_users_rights_apply_as_in_a_save():
	from tests.users import make_user, remove_user

	sales_user, reader = make_user("Sales User"), make_user("Accounts User")
	frozen = [unique("Frozen by import"), "Company", 1, "Disputed"]
	headers = ["Customer Name", "Customer Type", "Is Frozen", "Freeze Reason"]
	try:
		frappe.set_user(sales_user)  # creates customers, may not freeze them
		report = import_files([csv_file("Customer", headers, [frozen])], dry_run=True)
		assert [e["column"] for e in report["errors"]] == ["is_frozen", "freeze_reason"]
		frappe.set_user(reader)  # reads customers, may not create them
		report = import_files([csv_file("Customer", ["Customer Name"], [[unique("Not mine")]])], dry_run=True)
		assert [e["column"] for e in report["errors"]] == [None]
		assert "No permission to create" in report["errors"][0]["message"]
	finally:
		frappe.set_user("Administrator")
		remove_user(sales_user)
		remove_user(reader)


def test_contact_and_address_sheets_link_to_customers_of_the_file():
	customer = unique("Sheet customer")
	report = import_files(
		[
			xlsx_file(
				"data",
				{
					"Customer": (["Customer Name"], [[customer]]),
					"Contact": (
						["First Name", "Email Address", "Link Name (Links)"],
						[["Camille", "camille@example.com", customer]],
					),
					"Adresses": (
						["Address Title", "Address Line 1", "City/Town", "Country", "Customer"],
						[[customer, "1 rue Sainte-Catherine", "Bordeaux", "France", customer]],
					),
				},
			)
		]
	)
	assert report["errors"] == [], report["errors"]
	assert report["created"] == {"Customer": 1, "Contact": 1, "Address": 1}
	name = frappe.db.get_value("Customer", {"customer_name": customer})
	contact = frappe.db.get_value("Dynamic Link", {"parenttype": "Contact", "link_name": name}, "parent")
	assert frappe.db.get_value("Contact", contact, ["first_name", "email_id"]) == (
		"Camille",
		"camille@example.com",
	)
	address = frappe.db.get_value("Dynamic Link", {"parenttype": "Address", "link_name": name}, "parent")
	assert frappe.db.get_value("Address", address, "city") == "Bordeaux"
	# a contact for a customer that is nowhere is refused, and nothing is written
	report = import_files(
		[csv_file("Contact", ["First Name", "Customer"], [["Nobody", unique("No such customer")]])]
	)
	assert [(e["row"], e["column"]) for e in report["errors"]] == [(2, "link:customer")]
	assert report["created"] == {}


def test_customers_are_checked_and_written_a_batch_at_a_time(monkeypatch):
	"""What ties rows of different batches together holds: homonyms, a branch before its head office,
	a contact naming a customer of another batch, and a bad row in the last batch."""
	from crm_app.data_transfer import rows

	monkeypatch.setattr(rows, "INSERT_CHUNK", 2)
	name, head, branch = unique("Batch homonym"), unique("Batch head office"), unique("Batch branch")
	headers = ["Customer Name", "Is Head Office", "Head Office"]
	rows = [[name, 0, ""], [branch, 0, head], [name, 0, ""], [head, 1, ""], [name, 0, ""]]
	contact = (["First Name", "Customer"], [["Dominique", head]])
	report = import_files([xlsx_file("data", {"Customer": (headers, rows), "Contact": contact})])
	assert report["errors"] == [], report["errors"]
	assert report["created"] == {"Customer": 5, "Contact": 1}
	assert sorted(frappe.get_all("Customer", {"customer_name": name}, pluck="name")) == [
		name,
		f"{name}-1",
		f"{name}-2",
	]
	assert frappe.db.get_value("Customer", branch, "parent_customer") == head
	assert frappe.db.exists("Dynamic Link", {"parenttype": "Contact", "link_name": head})
	assert check_tree("Customer") == []

	# a bad head office in the last batch: nothing written; with good rows only, its branch is refused too
	other_head, other_branch, alone = unique("Batch head"), unique("Batch branch"), unique("Batch alone")
	headers = ["Customer Name", "Customer Type", "is_group", "parent_customer"]
	rows = [
		[other_branch, "Company", 0, other_head],
		[alone, "Company", 0, ""],
		[other_head, "Nobody", 1, ""],
	]
	refused = [(2, "parent_customer"), (4, "customer_type")]
	report = import_files([csv_file("Customer", headers, rows)])
	assert [(e["row"], e["column"]) for e in report["errors"]] == refused
	assert report["created"] == {}
	report = import_files([csv_file("Customer", headers, rows)], good_rows_only=True)
	assert [(e["row"], e["column"]) for e in report["errors"]] == refused
	assert report["created"] == {"Customer": 1}
	assert frappe.db.exists("Customer", alone) and not frappe.db.exists("Customer", other_branch)


def test_a_csv_saved_on_windows_reads_in_its_code_page():
	name = f"{unique('Société')} Crémerie €"
	report = import_files([("Customer.csv", f"Customer Name\r\n{name}\r\n".encode("cp1252"))])
	assert report["errors"] == [], report["errors"]
	assert frappe.db.exists("Customer", {"customer_name": name})
