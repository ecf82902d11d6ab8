"""Freeze and credit fields, kept at higher permission levels (Customer.is_frozen at level 1, credit limits
at level 2), and the roles CRM Settings names that may change them.

Frappe silently puts back a field a user may not write; here the user is told instead, so that a Sales
User who unticks "Is Frozen" over REST learns the change was refused rather than believing it was made.
"""

import frappe
from frappe import _
from frappe.model import display_fieldtypes, table_fields
from frappe.permissions import add_permission, setup_custom_perms, update_permission_property

# the permission level of each guarded field group, and the CRM Settings field naming the extra role
FREEZE_LEVEL = 1
CREDIT_LEVEL = 2
SETTINGS_ROLE_LEVELS = {
	"frozen_accounts_modifier": {"Customer": FREEZE_LEVEL},
	"credit_controller": {"Customer": CREDIT_LEVEL, "Customer Group": CREDIT_LEVEL},
}
# roles whose write at those levels comes with the app (README, "Roles and permissions"): never taken back
STANDARD_WRITERS = ("System Manager", "CRM Manager", "Accounts Manager")


class SensitiveFieldError(frappe.PermissionError):
	"""A change to a field at a permission level the user may not write."""


def refuse_unpermitted_changes(doc) -> None:
	"""Refuse a change (or, on a new record, a value other than the default) of a field at a permission
	level the user may not write. Called before Frappe's own reset of such fields."""
	if doc.flags.ignore_permissions or frappe.flags.in_install:
		return
	guarded = guarded_fields(doc)
	if not guarded:
		return
	before = frappe.new_doc(doc.doctype) if doc.is_new() else doc.get_latest()
	refused = unpermitted_change(guarded, doc, before)
	if refused:
		frappe.throw(refusal(refused, doc.doctype, doc.name), SensitiveFieldError, title=_("Not Permitted"))


def guarded_fields(doc) -> list:
	"""The fields of `doc` (a document, or a new one of its doctype) at a permission level the session user
	may not write; none for Administrator."""
	if frappe.session.user == "Administrator":
		return []
	levels = doc.get_permlevel_access("write")
	return [
		df
		for df in doc.meta.get_high_permlevel_fields()
		if df.fieldtype not in display_fieldtypes and df.permlevel not in levels
	]


def unpermitted_change(guarded: list, after, before):
	"""The first guarded field whose value differs between `after` and `before` (documents or dicts: the
	STORED record for an existing one, a new record's defaults for a new one), or None."""
	for df in guarded:
		if _comparable(after, df) != _comparable(before, df):
			return df
	return None


def refusal(df, doctype: str, name: str | None) -> str:
	return _("You may not change {0} of {1} {2}: only the roles allowed to manage it can.").format(
		_(df.label), _(doctype), name or ""
	)


def _comparable(doc, df):
	if df.fieldtype in table_fields:
		child_fields = [
			f for f in frappe.get_meta(df.options).fields if f.fieldtype not in display_fieldtypes
		]
		return sorted(
			tuple(_normalised(row.get(f.fieldname), f) for f in child_fields)
			for row in doc.get(df.fieldname) or ()
		)
	return _normalised(doc.get(df.fieldname), df)


def _normalised(value, df):
	if df.fieldtype in ("Check", "Int", "Float", "Currency", "Percent"):
		return float(value or 0)
	return str(value or "")


def sync_settings_role_grants(settings, previous=None) -> None:
	"""Give the roles CRM Settings names write at the freeze and credit levels (as Role Permission Manager
	would, with Custom DocPerm rows), and take the grant back from a role the settings no longer name."""
	changed = False
	for settings_field, levels in SETTINGS_ROLE_LEVELS.items():
		role = settings.get(settings_field)
		old_role = previous.get(settings_field) if previous else None
		for doctype, level in levels.items():
			if old_role and old_role != role and old_role not in STANDARD_WRITERS:
				setup_custom_perms(doctype)
				frappe.db.delete("Custom DocPerm", {"parent": doctype, "role": old_role, "permlevel": level})
				changed = True
			if role and role not in STANDARD_WRITERS and not _role_writes(doctype, role, level):
				add_permission(doctype, role, level)
				update_permission_property(doctype, role, level, "write", 1)
				changed = True
	if changed:
		for doctype in ("Customer", "Customer Group"):
			frappe.clear_cache(doctype=doctype)


def _role_writes(doctype: str, role: str, level: int) -> bool:
	return bool(
		frappe.db.exists("Custom DocPerm", {"parent": doctype, "role": role, "permlevel": level, "write": 1})
	)
