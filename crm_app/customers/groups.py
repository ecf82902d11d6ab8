"""Customer Group rules beyond the tree's: a fixed code (Sage) and who may delete."""

import frappe
from frappe import _

GROUP_DELETERS = ("CRM Manager", "System Manager")


class GroupCodeFixedError(frappe.ValidationError):
	pass


def validate_group_rename(old_name: str, new_name: str, merge: bool) -> None:
	"""The group code is fixed once created: customers, reports and imports refer to it."""
	if merge:
		message = _("Customer groups cannot be merged: {0} keeps its code. Move its customers instead.")
	else:
		message = _("The code of customer group {0} is fixed once created: it cannot be renamed.")
	frappe.throw(message.format(frappe.bold(old_name)), GroupCodeFixedError)


def validate_group_deletion(group) -> None:
	if not set(GROUP_DELETERS) & set(frappe.get_roles()):
		frappe.throw(
			_("Only a CRM Manager or a System Manager may delete customer group {0}").format(
				frappe.bold(group.name)
			),
			frappe.PermissionError,
		)
