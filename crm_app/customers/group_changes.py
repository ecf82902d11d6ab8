"""Changing a customer group's defaults, the Sage way: nothing is rewritten silently.

Customers without a value of their own read the group's through the chain, so they follow a change at
once. Customers with their own value keep it; `preview_group_change` lists, per customer and field, the
value in force now and after the change, marking those overrides; `apply_group_change` then writes the
group's change and, for the customers chosen, replaces their own value by the group's, each save leaving
a version on the customer. Large sets run in the background with progress.
"""

import frappe
from frappe import _
from frappe.utils.background_jobs import create_job_id
from frappe.utils.nestedset import get_descendants_of

from crm_app.customers.defaults import SCALAR_FIELDS, get_effective_defaults, optional_fieldnames
from crm_app.input_checks import check_fields

BACKGROUND_THRESHOLD = 100


class InvalidGroupChangeError(frappe.ValidationError):
	pass


def changeable_fields() -> list[str]:
	return [*SCALAR_FIELDS, *optional_fieldnames()]


def _validate_changes(changes: dict) -> dict:
	allowed = changeable_fields()
	unknown = sorted(set(changes) - set(allowed))
	if unknown or not changes:
		frappe.throw(
			_("These fields cannot be changed for a group's customers: {0}. Allowed: {1}").format(
				", ".join(unknown) or _("none given"), ", ".join(allowed)
			),
			InvalidGroupChangeError,
		)
	check_fields("Customer Group", changes)  # the preview writes them without a document
	return changes


def members_of(customer_group: str, readable_only: bool = False) -> list[str]:
	"""Customers of a group and of every group under it (`readable_only`: those the user may read)."""
	groups = [customer_group, *get_descendants_of("Customer Group", customer_group, ignore_permissions=True)]
	read = frappe.get_list if readable_only else frappe.get_all
	return read("Customer", filters={"customer_group": ("in", groups)}, pluck="name", order_by="name")


def writable_members(customer_group: str) -> list[str]:
	"""Members the user may change: user permissions limit which customers, the role whether it may write
	(one query, not one permission check per customer)."""
	return (
		members_of(customer_group, readable_only=True) if frappe.has_permission("Customer", "write") else []
	)


def _in_force(effective: dict, field: str) -> dict:
	values = effective["values"]
	return values[field] if field in SCALAR_FIELDS else values["optional_fields"][field]


def preview_group_change(customer_group: str, changes: dict) -> list[dict]:
	"""Per customer and changed field: the value in force now, the value after the change, and whether
	the customer keeps its own value (an override)."""
	_validate_changes(changes)
	members = members_of(customer_group, readable_only=True)
	before = get_effective_defaults(members)
	savepoint = "crm_group_preview"
	frappe.db.savepoint(savepoint)
	try:
		# compute "after" on the real data, then undo: one code path for the chain rules
		frappe.db.set_value("Customer Group", customer_group, changes, update_modified=False)
		after = get_effective_defaults(members)
	finally:
		frappe.db.rollback(save_point=savepoint)
	rows = []
	for customer in members:
		for field in changes:
			now, then = _in_force(before[customer], field), _in_force(after[customer], field)
			rows.append(
				{
					"customer": customer,
					"field": field,
					"current_value": now["value"],
					"current_source": now["source"],
					"current_source_name": now["source_name"],
					"new_value": then["value"],
					"new_source": then["source"],
					"new_source_name": then["source_name"],
					"has_override": now["source"] == "customer",
				}
			)
	return rows


def apply_group_change(customer_group: str, changes: dict, customers: list[str] | None = None) -> dict:
	"""Save the group's change, then give the chosen customers (default: every member that overrides a
	changed field) the group's new value as their own. Runs in the background above
	BACKGROUND_THRESHOLD customers."""
	_validate_changes(changes)
	group = frappe.get_doc("Customer Group", customer_group)
	group.check_permission("write")
	# every refusal before the group is saved: nothing half done
	if customers is None:
		customers = overriding_members(customer_group, changes)
	else:
		outside = sorted(set(customers) - set(members_of(customer_group)))
		if outside:
			frappe.throw(
				_("Not customers of {0}: {1}").format(customer_group, ", ".join(outside)),
				InvalidGroupChangeError,
			)
		refused = sorted(set(customers) - set(writable_members(customer_group)))
		if refused:
			frappe.throw(
				_("You may not change these customers: {0}").format(", ".join(refused)),
				frappe.PermissionError,
			)
	group.update(changes)
	group.save()
	if len(customers) <= BACKGROUND_THRESHOLD:
		write_customer_values(customer_group, changes, customers)
		return {"queued": False, "job_id": None, "customers": len(customers)}
	job_id = f"crm_group_change::{frappe.generate_hash(length=10)}"
	frappe.enqueue(
		"crm_app.customers.group_changes.write_customer_values",
		queue="long",
		timeout=3600,
		job_id=job_id,
		# queued once the group's change is committed: a rolled back change writes no customer
		enqueue_after_commit=True,
		customer_group=customer_group,
		changes=changes,
		customers=customers,
	)
	return {"queued": True, "job_id": create_job_id(job_id), "customers": len(customers)}


def overriding_members(customer_group: str, changes: dict) -> list[str]:
	"""Members the user may change whose own value of a changed field differs from the group's new value."""
	members = writable_members(customer_group)
	rows = (
		frappe.get_all("Customer", filters={"name": ("in", members)}, fields=["name", *changes])
		if members
		else []
	)
	return [
		row.name
		for row in rows
		if any(row.get(field) and row.get(field) != value for field, value in changes.items())
	]


def write_customer_values(customer_group: str, changes: dict, customers: list[str]) -> None:
	total = len(customers)
	for done, name in enumerate(customers, 1):
		customer = frappe.get_doc("Customer", name)
		customer.update(changes)
		customer.flags.membership_reason = _("Group change: {0}").format(customer_group)
		# the version is the trace: who changed what, when (kept even where Frappe skips versions, as in tests)
		customer.save(ignore_version=False)
		if done % 50 == 0 or done == total:
			frappe.publish_progress(
				done * 100 / total,
				title=_("Applying {0} changes").format(customer_group),
				description=_("{0} of {1} customers").format(done, total),
			)
	frappe.get_doc("Customer Group", customer_group).add_comment(
		"Info",
		_("Applied {0} to {1} customers").format(", ".join(f"{k} = {v}" for k, v in changes.items()), total),
	)
