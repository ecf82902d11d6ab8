"""The role matrix of the README ("Roles and permissions") is what the site enforces: every cell, read
from the README itself, checked against Frappe's permission engine, and a sample over real HTTP."""

import re

import frappe
import pytest
from frappe.utils.nestedset import get_root_of
from frappe.utils.password import update_password

from tests.conftest import REPO
from tests.users import http_session, make_user, remove_user

ROLES = ["Sales User", "Sales Manager", "Accounts User", "Accounts Manager", "CRM Manager", "System Manager"]
PTYPES = {"r": "read", "w": "write", "c": "create", "d": "delete", "s": "submit", "x": "cancel"}
PASSWORD = "Role-matrix-pass-1234!"


def readme_matrix() -> tuple[dict, dict]:
	"""{doctype: {role: "rwc..."}} and {report: {role: bool}} from the README's table."""
	text = (REPO / "README.md").read_text()
	section = text[text.index("### Roles and permissions") :]
	section = section[: section.index("\n### ", 1)]
	doctypes, reports = {}, {}
	for line in section.splitlines():
		cells = [c.strip() for c in line.strip().strip("|").split("|")]
		if len(cells) != len(ROLES) + 1 or cells[0] in ("Doctype", "---"):
			continue
		subject, codes = cells[0], cells[1:]
		if subject.startswith("Reports:"):
			for report in subject.removeprefix("Reports:").split(","):
				reports[report.strip()] = {
					role: code == "yes" for role, code in zip(ROLES, codes, strict=True)
				}
			continue
		names = [n.strip().removesuffix(" (Frappe's)") for n in subject.split(",")]
		if names == ["Customer Ledger Entry / Summary"]:
			names = ["Customer Ledger Entry", "Customer Ledger Summary"]
		for name in names:
			doctypes[name] = {role: rights_of(code, name) for role, code in zip(ROLES, codes, strict=True)}
	return doctypes, reports


def rights_of(code: str, doctype: str) -> str:
	"""`rwc`, `-`, `rw (L1,L2 w)`, `rwc (no submit)`, `r (Company rwc)`: the level-0 rights of doctype."""
	exception = re.search(r"\((\w[\w ]*) (\w+)\)", code)
	if exception and exception.group(1) == doctype:
		return exception.group(2)
	first = code.split(" ")[0]
	return "" if first == "-" else first


DOCTYPES, REPORTS = readme_matrix()


def readme_role_table(role: str) -> dict[str, str]:
	"""{doctype: "rwc..."} from the README's own table of one more role (`| Doctype | <role> |`): the
	rights of that role, a dash for every doctype it does not list."""
	text = (REPO / "README.md").read_text()
	section = text[text.index("### Roles and permissions") :]
	section = section[section.index(f"| Doctype | {role} |") :]
	rights = {}
	for line in section.splitlines()[2:]:
		if not line.startswith("|"):
			break
		subject, code = (c.strip() for c in line.strip().strip("|").split("|"))
		for name in subject.split(","):
			rights[name.strip()] = rights_of(code, name.strip())
	return rights


# roles with a table of their own: they have rights on a few doctypes only
EXTRA_ROLES = {"Projects User": readme_role_table("Projects User")}
# Frappe's doctypes the app's screens create (the customer quick entry), also in the table
FRAPPE_DOCTYPES = {"Contact", "Address"}


def test_the_readme_covers_every_doctype_and_report_of_the_app():
	app_modules = frappe.get_all("Module Def", filters={"app_name": "crm_app"}, pluck="name")
	doctypes = frappe.get_all("DocType", filters={"module": ["in", app_modules], "istable": 0}, pluck="name")
	reports = frappe.get_all("Report", filters={"module": ["in", app_modules]}, pluck="name")
	assert set(DOCTYPES) - FRAPPE_DOCTYPES == set(doctypes)
	assert set(REPORTS) == set(reports)


@pytest.fixture(scope="module")
def role_users():
	users = {role: make_user(role) for role in ROLES}
	frappe.db.commit()  # each test is rolled back: the users must outlive the first
	yield users
	for user in users.values():
		remove_user(user)
	frappe.db.commit()


@pytest.mark.parametrize("role", ROLES)
def test_each_role_has_exactly_the_rights_the_readme_gives(role, role_users):
	user = role_users[role]
	wrong = []
	for doctype, rights in DOCTYPES.items():
		for letter, ptype in PTYPES.items():
			expected = letter in rights[role]
			if frappe.has_permission(doctype, ptype, user=user) != expected:
				wrong.append(f"{doctype} {ptype}: expected {expected}")
	for report, allowed in REPORTS.items():
		frappe.set_user(user)
		if bool(frappe.get_doc("Report", report).is_permitted()) != allowed[role]:
			wrong.append(f"report {report}: expected {allowed[role]}")
		frappe.set_user("Administrator")
	assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("role", EXTRA_ROLES)
def test_a_role_of_its_own_table_has_exactly_those_rights(role):
	assert set(EXTRA_ROLES[role]) <= set(DOCTYPES)
	user = make_user(role)
	wrong = []
	for doctype in DOCTYPES:
		rights = EXTRA_ROLES[role].get(doctype, "")
		for letter, ptype in PTYPES.items():
			if frappe.has_permission(doctype, ptype, user=user) != (letter in rights):
				wrong.append(f"{doctype} {ptype}: expected {letter in rights}")
	assert not wrong, "\n".join(wrong)


@pytest.fixture(scope="module")
def sessions(server_url):
	users = {role: make_user(role) for role in ROLES}
	for user in users.values():
		update_password(user, PASSWORD)
	frappe.db.commit()
	made = {}
	for role, user in users.items():
		made[role] = http_session(server_url, user, PASSWORD)
	yield made
	for user in users.values():
		remove_user(user)
	frappe.db.commit()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
	"doctype",
	[
		"Customer",
		"Customer Group",
		"Sales Invoice",
		"Payment Entry",
		"CRM Settings",
		"Sales Order",
		"Opportunity",
	],
)
def test_over_rest_reading_a_list_follows_the_matrix(role, doctype, sessions, server_url):
	url = f"{server_url}/api/resource/{doctype}"
	if doctype == "CRM Settings":
		url += "/CRM Settings"
	response = sessions[role].get(url, params={"limit_page_length": 1})
	expected = 200 if "r" in DOCTYPES[doctype][role] else 403
	assert response.status_code == expected, response.text[:500]


@pytest.mark.parametrize("role", ROLES)
def test_over_rest_creating_a_customer_group_follows_the_matrix(role, sessions, server_url):
	response = sessions[role].post(
		f"{server_url}/api/resource/Customer Group",
		json={
			"customer_group_name": f"Matrix {frappe.generate_hash(length=8)}",
			"parent_customer_group": get_root_of("Customer Group"),
			"is_group": 1,
		},
	)
	try:
		if "c" in DOCTYPES["Customer Group"][role]:
			assert response.status_code == 200, response.text[:500]
		else:
			assert response.status_code == 403, response.text[:500]
	finally:
		if response.ok:
			frappe.delete_doc("Customer Group", response.json()["data"]["name"], force=True)
			frappe.db.commit()
