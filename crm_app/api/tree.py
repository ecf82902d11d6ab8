import frappe
from frappe import _

from crm_app.arguments import strict_arguments
from crm_app.compat import read_only
from crm_app.trees import TREE_DOCTYPES, get_tree_nodes


@frappe.whitelist()
@strict_arguments
@read_only
def get_children(doctype: str, parent: str = "", is_root: bool = False, **filters) -> list[dict]:
	"""Tree view nodes of the app's trees, in tree order. The customer tree shows national accounts: its
	virtual root lists the head offices, not every standalone customer."""
	if doctype not in TREE_DOCTYPES:
		frappe.throw(_("{0} is not one of this app's trees").format(doctype), frappe.ValidationError)
	return get_tree_nodes(doctype, parent, is_root, groups_only_at_top=doctype == "Customer")
