"""REST and desk API for customers and customer groups (`/api/method/crm_app.api.customer.<name>`)."""

import frappe
from frappe import _

from crm_app.access import require_permission
from crm_app.arguments import (
	json_object,
	name_list,
	readable_customers,
	strict_arguments,
)
from crm_app.compat import read_only
from crm_app.customers import defaults, group_changes, leads, naming, national_accounts
from crm_app.input_checks import ensure_exists
from crm_app.permissions import values_outside_user_permissions


@frappe.whitelist()
@strict_arguments
@read_only
def get_effective_defaults(customers: str | list[str], company: str | None = None) -> dict:
	"""Values in force for one or many customers, each with its source (customer, group, ancestor,
	settings, company). `customers`: a name or a JSON list of names."""
	readable = readable_customers(customers)
	if company:
		ensure_exists("Company", company)
	return defaults.get_effective_defaults(readable, company)


@frappe.whitelist()
@strict_arguments
@read_only
def preview_group_change(customer_group: str, changes: str | dict) -> list[dict]:
	frappe.get_doc("Customer Group", customer_group).check_permission("read")
	return group_changes.preview_group_change(customer_group, json_object(changes, "changes"))


@frappe.whitelist(methods=["POST"])
@strict_arguments
def apply_group_change(
	customer_group: str, changes: str | dict, customers: str | list[str] | None = None
) -> dict:
	ensure_exists("Customer Group", customer_group)
	changes = json_object(changes, "changes")
	chosen = None if customers in (None, "", "null") else name_list(customers, "customers")
	return group_changes.apply_group_change(customer_group, changes, chosen)


@frappe.whitelist()
@strict_arguments
@read_only
def get_national_account(customer: str) -> dict:
	frappe.get_doc("Customer", customer).check_permission("read")
	return national_accounts.national_account_summary(customer)


@frappe.whitelist()
@strict_arguments
def make_customer_from_lead(source_name: str):
	frappe.get_doc("Lead", source_name).check_permission("read")
	return leads.customer_from_lead(source_name)


@frappe.whitelist()
@strict_arguments
def get_new_customer_defaults() -> dict:
	"""The group and territory a new customer starts with (the desk's new form and quick entry)."""
	require_permission("Customer", "create")
	return naming.new_customer_defaults()


@frappe.whitelist()
@strict_arguments
@read_only
def get_customer_status(customer: str) -> dict:
	"""Whether a customer is frozen (and why) or disabled, for the forms that pick it: known to anyone who
	reads the customer, though the freeze fields may be at a permlevel the user does not read."""
	frappe.get_doc("Customer", customer).check_permission("read")
	return frappe.db.get_value("Customer", customer, ["is_frozen", "freeze_reason", "disabled"], as_dict=True)


@frappe.whitelist(methods=["POST"])
@strict_arguments
def insert_customer(doc: str | dict) -> dict:
	"""The desk's quick entry: a new customer, with the contact and address typed in the dialog (they
	follow the customer's permission). A refusal names the missing right, where Frappe's own says only
	"Insufficient Permission for Customer"."""
	values = json_object(doc, "doc")
	if not frappe.has_permission("Customer", "create"):
		frappe.throw(_("No permission to create {0}").format(_("Customer")), frappe.PermissionError)
	customer = frappe.get_doc({**values, "doctype": "Customer", "__islocal": 1})
	outside = values_outside_user_permissions(customer)
	if outside:
		frappe.throw(
			_("No permission to create {0} with {1}: your user permissions do not include it").format(
				_("Customer"), ", ".join(f"{_(doctype)} {value}" for doctype, value in outside)
			),
			frappe.PermissionError,
		)
	customer.save()  # as frappe.client.save does for the stock quick entry: a new document is inserted
	return customer.as_dict()
