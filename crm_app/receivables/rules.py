"""Freeze, disable and credit rules: one function per rule, called by every document that needs it (the credit
limit and its policy: `crm_app.receivables.credit_control`)."""

import frappe
from frappe import _

from crm_app.locks import lock_row


class FrozenCustomerError(frappe.ValidationError):
	pass


class DisabledCustomerError(frappe.ValidationError):
	pass


class CreditLimitExceededError(frappe.ValidationError):
	pass


def user_has_settings_role(settings_field: str) -> bool:
	role = frappe.db.get_single_value("CRM Settings", settings_field)
	return bool(role) and role in frappe.get_roles()


def validate_customer_enabled(doc, customer_field: str = "customer") -> None:
	"""A disabled customer cannot be picked for a new document (or put on a draft)."""
	customer = doc.get(customer_field)
	changed = doc.is_new() or doc.has_value_changed(customer_field)
	if customer and changed and frappe.db.get_value("Customer", customer, "disabled"):
		frappe.throw(
			_("Customer {0} is disabled: it cannot be used on a new {1}").format(
				frappe.bold(customer), _(doc.doctype)
			),
			DisabledCustomerError,
		)


def validate_not_frozen(customer: str, doctype: str, doc=None) -> None:
	"""Money cannot move for a frozen customer, unless the user holds the role set in CRM Settings.
	Only submission is blocked: drafts and documents that move no money are not.

	The customer stays locked until the document is committed: a freeze saved at the same moment
	either comes first and is seen here, or waits for this document."""
	row = lock_row("Customer", customer, ["is_frozen", "freeze_reason"], doc)
	if not row or not row.is_frozen:
		return
	if user_has_settings_role("frozen_accounts_modifier"):
		return
	frappe.throw(
		_("Customer {0} is frozen ({1}): a {2} cannot be submitted for it").format(
			frappe.bold(customer), row.freeze_reason or _("no reason given"), _(doctype)
		),
		FrozenCustomerError,
	)


def limit_source_label(limit: dict) -> str:
	labels = {
		"customer": lambda: _("the customer's own limit"),
		"group": lambda: _("limit of customer group {0}").format(limit["source_name"]),
		"ancestor": lambda: _("limit of ancestor group {0}").format(limit["source_name"]),
		"company": lambda: _("limit of company {0}").format(limit["source_name"]),
	}
	return labels[limit["source"]]()
