"""Freeze, disable and credit rules: one function per rule, called by every document that needs it."""

import frappe
from frappe import _
from frappe.utils import flt, fmt_money

from crm_app.customers.defaults import get_effective_defaults
from crm_app.customers.national_accounts import covering_head_office, subtree_of
from crm_app.locks import lock_row
from crm_app.receivables.ledger import balance


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


def check_credit_limit(customer: str, company: str, currency: str, amount: float, doc=None) -> None:
	"""Outstanding plus `amount` against the limit in force, in the limit's company and currency.

	When a head office's limit covers its branches, the whole national account is weighed against
	the head office's limit. Passes when no limit applies, when the limit row has bypass, or for a
	user holding the credit-controller role of CRM Settings."""
	head_office = covering_head_office(customer)
	subject = head_office or customer
	# whoever checks this limit waits here for the others to commit, and then reads their postings
	lock_row("Customer", subject, ["name"], doc)
	limits = get_effective_defaults([subject])[subject]["values"]["credit_limits"]
	limit = next((r for r in limits if r["company"] == company and r["currency"] == currency), None)
	if not limit or not flt(limit["credit_limit"]) or limit["bypass_credit_limit_check"]:
		return
	if user_has_settings_role("credit_controller"):
		return
	members = [row.name for row in subtree_of(head_office)] if head_office else [customer]
	outstanding = flt(balance(members, company, currency, latest=True))
	if outstanding + flt(amount) > flt(limit["credit_limit"]) + 0.005:
		money = lambda value: fmt_money(value, currency=currency)  # noqa: E731
		frappe.throw(
			_(
				"Credit limit exceeded for {0}: outstanding {1} + this document {2} = {3}, over the limit of {4} ({5})"
			).format(
				frappe.bold(subject),
				money(outstanding),
				money(amount),
				money(outstanding + flt(amount)),
				money(limit["credit_limit"]),
				_("national account of {0}").format(head_office)
				if head_office
				else limit_source_label(limit),
			),
			CreditLimitExceededError,
		)
