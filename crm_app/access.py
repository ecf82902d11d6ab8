"""Who may read what: the access checks that every way in (REST, the desk's reports, the app's own code)
runs before it reads or writes, whatever calls it.

The domain functions that the API and the reports share call these first, so a report never needs the
API to be checked.
"""

import frappe
from frappe import _

from crm_app.input_checks import ensure_exists


def require_permission(doctype: str, ptype: str = "read") -> None:
	"""A 403 when the caller's roles do not allow `ptype` on the doctype (frappe.has_permission's own
	`throw` raises a ValidationError in some Frappe versions, which REST answers with a 417)."""
	if not frappe.has_permission(doctype, ptype):
		frappe.throw(_("No permission for {0}").format(_(doctype)), frappe.PermissionError)


def require_read(doctype: str, name: str) -> None:
	"""The record exists (a 404) and the caller may read it (a 403)."""
	frappe.get_doc(doctype, name).check_permission("read")


def check_scope(company: str | None = None, currency: str | None = None) -> None:
	"""A company or currency given as a filter must exist (a typo would otherwise read as no figures), and
	a user limited to some companies may not ask for another's figures."""
	if company:
		ensure_exists("Company", company)
		require_read("Company", company)
	if currency:
		ensure_exists("Currency", currency)
