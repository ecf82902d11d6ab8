"""A customer's credit limit is never set below what it owes (ERPNext: "New credit limit is less than current
outstanding amount for the customer"). Run on each save of a customer (hooks.py doc_events) whatever the
path: the form, REST or a script; the import carries no credit limit rows."""

import frappe
from frappe import _
from frappe.utils import flt, fmt_money

from crm_app.customers.national_accounts import subtree_of
from crm_app.receivables.credit_control import commitments
from crm_app.receivables.ledger import balance


class CreditLimitBelowOutstandingError(frappe.ValidationError):
	pass


def validate_limits_cover_outstanding(doc, method=None) -> None:
	"""Each credit limit row new or changed on a stored customer covers the customer's outstanding in that
	company and currency: its ledger balance plus its open orders (unless the row bypasses the check at
	sales order, as ERPNext does), its branches' too when its limit covers them. 0 means no limit."""
	if doc.is_new():
		return  # no ledger yet
	stored = {
		(row.company, row.currency or "", flt(row.credit_limit))
		for row in frappe.get_all(
			"Customer Credit Limit",
			filters={"parenttype": doc.doctype, "parent": doc.name},
			fields=["company", "currency", "credit_limit"],
		)
	}
	changed = [
		row
		for row in doc.get("credit_limits") or []
		if row.company
		and flt(row.credit_limit) > 0
		and (row.company, row.currency or "", flt(row.credit_limit)) not in stored
	]
	if not changed:
		return
	members = (
		[row.name for row in subtree_of(doc.name)]
		if doc.is_group and doc.credit_limit_covers_branches
		else [doc.name]
	)
	for row in changed:
		currency = row.currency or frappe.get_cached_value("Company", row.company, "default_currency")
		outstanding = flt(balance(members, row.company, currency))
		if not row.bypass_credit_limit_check:
			outstanding += commitments(members, row.company, currency, doc)
		if flt(row.credit_limit) < outstanding - 0.005:
			frappe.throw(
				_(
					"New credit limit {0} of {1} for {2} is less than its current outstanding amount: the credit limit has to be at least {3}"
				).format(
					fmt_money(row.credit_limit, currency=currency),
					frappe.bold(doc.name),
					row.company,
					fmt_money(outstanding, currency=currency),
				),
				CreditLimitBelowOutstandingError,
			)
