"""REST and desk API for customer segments (`/api/method/crm_app.api.segments.<name>`)."""

import frappe
from frappe import _

from crm_app.access import require_permission
from crm_app.arguments import (
	InvalidArgumentError,
	json_value,
	readable_customers,
	strict_arguments,
)
from crm_app.compat import read_only
from crm_app.customers import segment_members, segment_rules
from crm_app.input_checks import ensure_exists, permitted_doc

SEGMENT = segment_members.SEGMENT


@frappe.whitelist()
@strict_arguments
@read_only
def preview_segment(
	segment: str | None = None,
	rules: str | list | None = None,
	match: str | None = None,
	company: str | None = None,
) -> dict:
	"""The dry run: who the rules would bring in and take out. Rules, match and company sent (a change not
	saved yet) replace the saved segment's; a segment not saved yet is given by its rules alone."""
	if segment:
		doc = permitted_doc(SEGMENT, segment, "read").as_dict()
	else:
		require_permission(SEGMENT, "read")
		doc = frappe._dict(name=None, rules=[], match="All", company=None)
	if rules is not None:
		rules = json_value(rules, "rules")
		if not isinstance(rules, list) or not all(isinstance(rule, dict) for rule in rules):
			frappe.throw(
				_("rules must be a JSON list of rules (field, operator, value)"), InvalidArgumentError
			)
		doc.rules = rules
	if match is not None:
		doc.match = match
	if company is not None:
		if company:
			ensure_exists("Company", company)
		doc.company = company or None
	return segment_members.preview(doc)


@frappe.whitelist()
@strict_arguments
@read_only
def rule_fields(company: str | None = None) -> dict:
	"""What a rule may name, for the form: each field's label in the user's language, kind, operators,
	value widget and tree (see `segment_rules.field_choices`); with a company, its currency (the amounts'
	unit in the summary)."""
	require_permission(SEGMENT, "read")
	currency = None
	if company:
		ensure_exists("Company", company)
		currency = frappe.get_cached_value("Company", company, "default_currency")
	return {"fields": segment_rules.field_choices(), "currency": currency}


@frappe.whitelist(methods=["POST"])
@strict_arguments
def refresh_segment(segment: str) -> dict:
	"""Bring the members in line with the rules now; for a segment that does not follow its rules by
	itself, take in what they propose."""
	permitted_doc(SEGMENT, segment, "write")
	return segment_members.refresh(segment, proposal=True)


@frappe.whitelist(methods=["POST"])
@strict_arguments
def add_members(segment: str, customers: str | list[str]) -> dict:
	"""Add customers by hand (a name or a JSON list of names): they stay whatever the rules say."""
	permitted_doc(SEGMENT, segment, "write")
	names = readable_customers(customers)
	return {"added": segment_members.add_members(segment, names)}


@frappe.whitelist(methods=["POST"])
@strict_arguments
def remove_members(segment: str, customers: str | list[str]) -> dict:
	"""Remove customers by hand; in a segment that adds and removes automatically the removal sticks."""
	permitted_doc(SEGMENT, segment, "write")
	names = readable_customers(customers)
	return {"removed": segment_members.remove_members(segment, names)}
