"""Records every site needs: the root of each tree, ERPNext's three default customer groups, a
default address template, and the territory on addresses.

They are made after install-app and checked again after every migrate. A record is made once: if a
user later renames or deletes a seeded child, migrate respects that (the seeded keys are remembered
in the site's global defaults). A tree without a root always gets one back.

Names are stored in English, as ERPNext and Dokos store them, so exported data imports unchanged; the
desk shows them in the user's language through crm_app/translations (the doctypes are marked
"translated", so links, lists and tree views translate the names).
"""

import json

import frappe

SEEDED_KEY = "crm_app_seeded_records"

# doctype: (root, seeded children[, fields of the root])
SEED_TREES = {
	"Customer Group": ("All Customer Groups", ["Individual", "Commercial", "Government"]),
	"Territory": ("All Territories", []),
	"Sales Target": ("All Sales Targets", [], {"use_children_total": 1}),
	"Sales Person": ("Sales Team", []),
	"Item Group": ("All Item Groups", []),
}


def after_install():
	after_migrate()


def after_migrate():
	ensure_seed_records()
	ensure_address_template()
	ensure_custom_fields()


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
	for doctype, (root_name, children, *root_fields) in SEED_TREES.items():
		parent_field = frappe.get_meta(doctype).nsm_parent_field
		root = frappe.db.get_value(doctype, {parent_field: ("is", "not set")}, "name", order_by="lft")
		if not root:
			root = _insert_node(
				doctype, root_name, None, is_group=1, **(root_fields[0] if root_fields else {})
			)
		seeded.add(f"{doctype}:{root_name}")
		for child in children:
			key = f"{doctype}:{child}"
			if key in seeded:
				continue
			if not frappe.db.exists(doctype, child):
				_insert_node(doctype, child, root, is_group=0)
			seeded.add(key)
	frappe.db.set_global(SEEDED_KEY, json.dumps(sorted(seeded)))


def _insert_node(doctype: str, name: str, parent: str | None, is_group: int, **fields) -> str:
	meta = frappe.get_meta(doctype)
	doc = frappe.get_doc(
		{
			"doctype": doctype,
			meta.autoname.removeprefix("field:"): name,
			meta.nsm_parent_field: parent,
			"is_group": is_group,
			**fields,
		}
	)
	doc.insert(ignore_permissions=True)
	return doc.name
