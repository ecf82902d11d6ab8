"""REST and desk API for customers and customer groups (`/api/method/crm_app.api.customer.<name>`)."""

import json

import frappe
from frappe import _

from crm_app.customers import defaults, group_changes, leads, national_accounts


def _as_list(value) -> list:
	if isinstance(value, str):
		value = json.loads(value) if value.strip().startswith("[") else [value]
	return list(value or [])


def _as_dict(value) -> dict:
	return json.loads(value) if isinstance(value, str) else dict(value or {})


@frappe.whitelist()
def get_effective_defaults(customers, company: str | None = None) -> dict:
	"""Values in force for one or many customers, each with its source (customer, group, ancestor,
	settings, company). `customers`: a name or a JSON list of names."""
	names = _as_list(customers)
	readable = frappe.get_list("Customer", filters={"name": ("in", names)}, pluck="name") if names else []
	missing = sorted(set(names) - set(readable))
	if missing:
		frappe.throw(
			_("No such customer, or not yours to read: {0}").format(", ".join(missing)),
			frappe.DoesNotExistError,
		)
	return defaults.get_effective_defaults(readable, company)


@frappe.whitelist()
def preview_group_change(customer_group: str, changes) -> list[dict]:
	frappe.get_doc("Customer Group", customer_group).check_permission("read")
	return group_changes.preview_group_change(customer_group, _as_dict(changes))


@frappe.whitelist(methods=["POST"])
def apply_group_change(customer_group: str, changes, customers=None) -> dict:
	chosen = None if customers in (None, "", "null") else _as_list(customers)
	return group_changes.apply_group_change(customer_group, _as_dict(changes), chosen)


@frappe.whitelist()
def get_national_account(customer: str) -> dict:
	frappe.get_doc("Customer", customer).check_permission("read")
	return national_accounts.national_account_summary(customer)


@frappe.whitelist()
def make_customer_from_lead(source_name: str):
	frappe.get_doc("Lead", source_name).check_permission("read")
	return leads.customer_from_lead(source_name)
