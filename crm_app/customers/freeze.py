"""Freezing a customer: it needs a reason, an unfrozen customer has none, and who froze or unfroze it
stays in its history. The same functions serve a form save and an import."""

import frappe
from frappe import _
from frappe.utils import now


class FreezeReasonMissingError(frappe.ValidationError):
	pass


def normalise_freeze(values, name: str | None) -> None:
	"""`values`: a customer document or a dict of its fields. A frozen customer needs a reason; unfreezing
	clears it."""
	if values.get("is_frozen") and not (values.get("freeze_reason") or "").strip():
		frappe.throw(_("Give the reason for freezing customer {0}").format(name), FreezeReasonMissingError)
	if not values.get("is_frozen"):
		values.update({"freeze_reason": None})


def validate_freeze(customer) -> None:
	normalise_freeze(customer, customer.name)


def record_freeze_change(customer) -> None:
	before = customer.get_doc_before_save()
	record_freeze_changes(
		[(customer.name, bool(before and before.is_frozen), customer.is_frozen, customer.freeze_reason)]
	)


def record_freeze_changes(changes: list[tuple]) -> None:
	"""The timeline line of each customer whose freeze state changed: (name, was frozen, is frozen,
	reason), written at once for a batch. Nothing for a customer whose state stays."""
	user, stamp = frappe.session.user, now()
	rows = [
		(
			frappe.generate_hash(length=12),
			"Info",
			"Customer",
			name,
			_("Frozen by {0}: {1}").format(user, reason) if is_frozen else _("Unfrozen by {0}").format(user),
			user,
			stamp,
			stamp,
			user,
			user,
		)
		for name, was_frozen, is_frozen, reason in changes
		if bool(was_frozen) != bool(is_frozen)
	]
	if rows:
		frappe.db.bulk_insert(
			"Comment",
			[
				"name",
				"comment_type",
				"reference_doctype",
				"reference_name",
				"content",
				"comment_email",
				"creation",
				"modified",
				"owner",
				"modified_by",
			],
			rows,
		)
