"""The credit control policy: what happens when a document would take a customer over its credit limit, or
when the customer has invoices long overdue. Set in CRM Settings, overridden per customer group (inherited
down the group tree with the other values in force, `crm_app.customers.defaults`)."""

import frappe
from frappe import _
from frappe.utils import cint, flt

# the fields of the policy, with the same names on CRM Settings and on Customer Group
POLICY_FIELDS = (
	"credit_control_action",
	"credit_control_stage",
	"credit_tolerance_percent",
	"credit_overdue_days",
)
# a group sets its own policy (all four fields) only when this is ticked
GROUP_OVERRIDE_FIELD = "override_credit_control"
ACTIONS = ("Refuse", "Hold", "Warn")
STAGE_OPTIONS = {"Order and Invoice": ("order", "invoice"), "Order": ("order",), "Invoice": ("invoice",)}
DEFAULT_POLICY = {
	"credit_control_action": "Refuse",
	"credit_control_stage": "Order and Invoice",
	"credit_tolerance_percent": 0,
	"credit_overdue_days": 0,
}


class InvalidCreditPolicyError(frappe.ValidationError):
	pass


def policy_of(record) -> dict:
	"""The four policy values of CRM Settings or of a group (a document or a row), unset ones by default."""
	return {field: record.get(field) or DEFAULT_POLICY[field] for field in POLICY_FIELDS}


def stages_of(policy: dict) -> tuple[str, ...]:
	return STAGE_OPTIONS.get(policy["credit_control_stage"], ())


def validate_credit_policy(doc) -> None:
	"""CRM Settings and a group that overrides it: a known action and stage, a tolerance from 0 to 100 %,
	overdue days from 0 (off) up."""
	refused = credit_policy_error(doc, doc.doctype)
	if refused:
		frappe.throw(refused[1], InvalidCreditPolicyError)


def credit_policy_error(values, doctype: str) -> tuple[str, str] | None:
	"""(field, message) of the first policy value of `values` (a document or a dict) that is not allowed."""
	if doctype == "Customer Group" and not cint(values.get(GROUP_OVERRIDE_FIELD)):
		return None
	checks = (
		("credit_control_action", values.get("credit_control_action") or "Refuse", lambda v: v in ACTIONS),
		(
			"credit_control_stage",
			values.get("credit_control_stage") or "Order and Invoice",
			lambda v: v in STAGE_OPTIONS,
		),
		("credit_tolerance_percent", values.get("credit_tolerance_percent"), lambda v: 0 <= flt(v) <= 100),
		("credit_overdue_days", values.get("credit_overdue_days"), lambda v: 0 <= cint(v) <= 3650),
	)
	for field, value, valid in checks:
		if not valid(value):
			return field, _(
				"{0}: {1} is not allowed (actions: {2}; tolerance from 0 to 100 %; days from 0 to 3650)"
			).format(
				_(frappe.get_meta(doctype).get_label(field)),
				frappe.bold(value),
				", ".join(_(action) for action in ACTIONS),
			)
	return None
