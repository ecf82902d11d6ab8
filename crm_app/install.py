"""Records every site needs: the root of each tree, ERPNext's three default customer groups and a
default address template.

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
	ensure_seed_records()
	ensure_address_template()


def after_migrate():
	ensure_seed_records()
	ensure_address_template()


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
