"""Freezing a customer: it needs a reason, and who froze it, when and why stay in its history."""

import frappe
from frappe import _


class FreezeReasonMissingError(frappe.ValidationError):
	pass


def validate_freeze(customer) -> None:
	if customer.is_frozen and not (customer.freeze_reason or "").strip():
		frappe.throw(
			_("Give the reason for freezing customer {0}").format(customer.name), FreezeReasonMissingError
		)
	if not customer.is_frozen:
		customer.freeze_reason = None


def record_freeze_change(customer) -> None:
	before = customer.get_doc_before_save()
	was_frozen = bool(before and before.is_frozen)
	if bool(customer.is_frozen) == was_frozen:
		return
	if customer.is_frozen:
		text = _("Frozen by {0}: {1}").format(frappe.session.user, customer.freeze_reason)
	else:
		text = _("Unfrozen by {0}").format(frappe.session.user)
	customer.add_comment("Info", text)
