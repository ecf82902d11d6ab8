"""Records every site needs: the root of each tree with its default leaves (ERPNext's default customer
groups, a territory for customers from anywhere), a default address template, the territory on
addresses, and a first company, currency and fiscal year.

The seeded records are data files, crm_app/fixtures/seeds/<doctype>.json: the first record of a file is
the root of its tree, the others are its children, and "default_leaf" names the leaf a new customer
takes when nothing else says (see `seeded_default_leaf`). They live in a subfolder because Frappe
imports, and overwrites, every crm_app/fixtures/*.json on each install and migrate (even with no
`fixtures` hook), which would undo a user's change; files in a subfolder are left to this module.

They are made after install-app and checked again after every migrate. A record is made once: if a
user later renames or deletes a seeded child, migrate respects that (the seeded keys are remembered
in the site's global defaults). A tree without a root always gets one back.

Names are stored in English, as ERPNext and Dokos store them, so exported data imports unchanged; the
desk shows them in the user's language through crm_app/translations (the doctypes are marked
"translated", so links, lists and tree views translate the names).
"""

import json
import os

import frappe
from frappe import _
from frappe.utils import cint, getdate, nowdate

from crm_app.currency import ensure_site_defaults, site_currency

SEEDED_KEY = "crm_app_seeded_records"
SEED_FOLDER = ("fixtures", "seeds")


def seed_doctypes() -> list[str]:
	"""The doctypes that have a seed file (one file per tree)."""
	folder = frappe.get_app_path("crm_app", *SEED_FOLDER)
	files = sorted(f for f in os.listdir(folder) if f.endswith(".json"))
	return [seed_file_at(os.path.join(folder, f))["doctype"] for f in files]


def seed_file_at(path: str) -> dict:
	with open(path, encoding="utf-8") as f:
		return json.load(f)


def seed_file(doctype: str) -> dict:
	"""A tree's seed file: {"doctype", "records": [root, children...], "default_leaf"?}."""
	return seed_file_at(frappe.get_app_path("crm_app", *SEED_FOLDER, f"{frappe.scrub(doctype)}.json"))


def seeded_default_leaf(doctype: str) -> str | None:
	"""The seeded leaf a new record falls back to (Customer Group, Territory), if it is still a leaf."""
	name = seed_file(doctype).get("default_leaf")
	return name if name and frappe.db.get_value(doctype, name, "is_group") == 0 else None


def after_install():
	after_migrate()


def after_migrate():
	ensure_seed_records()
	ensure_address_template()
	ensure_custom_fields()
	if setup_complete():  # else the setup wizard's country and currency come first (after_setup_wizard)
		ensure_first_run()


def after_setup_wizard(args=None) -> None:
	"""Frappe's setup wizard asks for a country and a currency but does not keep the currency."""
	args = frappe._dict(args or {})
	ensure_first_run(country=args.get("country"), currency=args.get("currency"))


def setup_complete() -> bool:
	if hasattr(frappe, "is_setup_complete"):  # newer Frappe versions
		return bool(frappe.is_setup_complete())
	return bool(cint(frappe.db.get_single_value("System Settings", "setup_complete")))


FIRST_COMPANY_KEY = "Company:first run"


def ensure_first_run(country: str | None = None, currency: str | None = None) -> None:
	"""A site with no company gets one, in the site's currency (its country's, else euros); the site's
	default company and currency are set where empty; the current calendar year gets a fiscal year when
	no fiscal year covers any of it. Made once: what a user deletes or sets is kept."""
	seeded = set(json.loads(frappe.db.get_global(SEEDED_KEY) or "[]"))
	before = set(seeded)
	if FIRST_COMPANY_KEY not in seeded:
		if not frappe.db.count("Company"):
			make_first_company(country, currency)
		seeded.add(FIRST_COMPANY_KEY)
	ensure_site_defaults()
	ensure_current_fiscal_year(seeded)
	if seeded != before:
		frappe.db.set_global(SEEDED_KEY, json.dumps(sorted(seeded)))


def make_first_company(country: str | None = None, currency: str | None = None) -> str:
	country = country or frappe.db.get_single_value("System Settings", "country")
	language = frappe.db.get_single_value("System Settings", "language") or "en"
	doc = frappe.get_doc(
		{
			"doctype": "Company",
			# a name in the site's language: a company's name is not translated on screen
			"company_name": _("My Company", lang=language),
			"country": country if country and frappe.db.exists("Country", country) else None,
			"default_currency": currency
			if currency and frappe.db.exists("Currency", currency)
			else site_currency(country),
		}
	)
	doc.insert(ignore_permissions=True)
	return doc.name


def ensure_current_fiscal_year(seeded: set) -> None:
	"""The current calendar year as a fiscal year, once a year, unless a fiscal year covers part of it
	(the site then counts its own years)."""
	year = getdate(nowdate()).year
	key = f"Fiscal Year:{year}"
	if key in seeded:
		return
	start, end = f"{year}-01-01", f"{year}-12-31"
	overlapping = frappe.db.exists(
		"Fiscal Year", {"year_start_date": ("<=", end), "year_end_date": (">=", start)}
	)
	if not overlapping and not frappe.db.exists("Fiscal Year", str(year)):
		frappe.get_doc(
			{"doctype": "Fiscal Year", "year": str(year), "year_start_date": start, "year_end_date": end}
		).insert(ignore_permissions=True)
	seeded.add(key)


# Fields this app adds to Frappe's own doctypes
CUSTOM_FIELDS = {
	"Address": [
		{
			"fieldname": "territory",
			"label": "Territory",
			"fieldtype": "Link",
			"options": "Territory",
			"insert_after": "country",
			"in_standard_filter": 1,
		}
	],
}


def ensure_custom_fields() -> None:
	"""Add the fields that are missing (adding a column commits, so nothing is redone needlessly)."""
	from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

	missing = {
		doctype: [
			f
			for f in fields
			if not frappe.db.exists("Custom Field", {"dt": doctype, "fieldname": f["fieldname"]})
		]
		for doctype, fields in CUSTOM_FIELDS.items()
	}
	missing = {doctype: fields for doctype, fields in missing.items() if fields}
	if missing:
		create_custom_fields(missing)


def ensure_address_template() -> None:
	"""Frappe needs a default Address Template to display addresses (customers' primary address)."""
	if frappe.db.exists("Address Template", {"is_default": 1}):
		return
	from frappe.contacts.doctype.address_template.address_template import get_default_address_template

	country = frappe.db.get_single_value("System Settings", "country") or "France"
	if frappe.db.exists("Address Template", country):
		frappe.db.set_value("Address Template", country, "is_default", 1)
		return
	frappe.get_doc(
		{
			"doctype": "Address Template",
			"country": country,
			"is_default": 1,
			"template": get_default_address_template(),
		}
	).insert(ignore_permissions=True)


def ensure_seed_records() -> None:
	seeded = set(json.loads(frappe.db.get_global(SEEDED_KEY) or "[]"))
	for doctype in seed_doctypes():
		meta = frappe.get_meta(doctype)
		name_field, parent_field = meta.autoname.removeprefix("field:"), meta.nsm_parent_field
		root_record, *children = seed_file(doctype)["records"]
		root_name = root_record[name_field]
		root = frappe.db.get_value(doctype, {parent_field: ("is", "not set")}, "name", order_by="lft")
		if not root:
			root = _insert_node(doctype, root_record, None)
		seeded.add(f"{doctype}:{root_name}")
		for child in children:
			key = f"{doctype}:{child[name_field]}"
			if key in seeded:
				continue
			if not frappe.db.exists(doctype, child[name_field]):
				_insert_node(doctype, child, child.get(parent_field) or root)
			seeded.add(key)
	frappe.db.set_global(SEEDED_KEY, json.dumps(sorted(seeded)))


def _insert_node(doctype: str, record: dict, parent: str | None) -> str:
	meta = frappe.get_meta(doctype)
	doc = frappe.get_doc({**record, "doctype": doctype, meta.nsm_parent_field: parent})
	doc.insert(ignore_permissions=True)
	return doc.name
