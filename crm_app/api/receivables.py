"""REST and desk API for receivables (`/api/method/crm_app.api.receivables.<name>`)."""

import frappe
from frappe import _

from crm_app.access import check_scope, require_permission
from crm_app.arguments import InvalidArgumentError, name_list, readable_customers, strict_arguments
from crm_app.compat import read_only
from crm_app.customers import activity, overview
from crm_app.customers.defaults import get_effective_defaults
from crm_app.input_checks import ensure_exists
from crm_app.receivables import invoicing, statistics, statistics_adjustments
from crm_app.receivables.ledger import rebuild_summary
from crm_app.receivables.overview import customer_list_balances, customer_status


@frappe.whitelist()
@strict_arguments
def get_invoice_defaults(customer: str, company: str | None = None) -> dict:
	"""What a new invoice takes from the customer (the desk calls it when the customer is picked)."""
	frappe.get_doc("Customer", customer).check_permission("read")
	check_scope(company)
	return invoicing.customer_defaults(customer, company)


@frappe.whitelist()
@strict_arguments
def get_item_price(item_code: str, price_list: str | None = None) -> float | None:
	require_permission("Item Price")
	ensure_exists("Item", item_code)
	if price_list:
		ensure_exists("Price List", price_list)
	return invoicing.price_of(item_code, price_list)


@frappe.whitelist()
@strict_arguments
@read_only
def get_statistics(
	fiscal_year: str,
	customer_group: str | None = None,
	customer: str | None = None,
	company: str | None = None,
	currency: str | None = None,
	grouping: str | None = None,
) -> dict:
	"""Sage's statistics for a customer, or for a customer group rolled up through its subtree;
	`grouping` "As at the Time" (the default) or "As Grouped Today"."""
	return statistics.permitted_statistics(fiscal_year, customer_group, customer, company, currency, grouping)


@frappe.whitelist()
@strict_arguments
@read_only
def get_adjusted_statistics(
	fiscal_year: str,
	customer_group: str | None = None,
	customer: str | None = None,
	company: str | None = None,
	currency: str | None = None,
	grouping: str | None = None,
) -> dict:
	"""`get_statistics` with the statistics adjustments apart (`adjustments`, each with its reason) and the
	totals including them (`adjusted`); the ledger's figures are the same as `get_statistics` gives."""
	return statistics_adjustments.permitted_adjusted_statistics(
		fiscal_year, customer_group, customer, company, currency, grouping
	)


@frappe.whitelist()
@strict_arguments
@read_only
def get_group_trends(
	fiscal_year: str,
	parent_customer_group: str | None = None,
	company: str | None = None,
	currency: str | None = None,
	value: str = "amount",
	grouping: str | None = None,
) -> dict:
	return statistics.permitted_group_trends(
		fiscal_year, parent_customer_group, company, currency, value, grouping
	)


@frappe.whitelist()
@strict_arguments
def make_payment_entry(source_name: str):
	"""Sales Invoice > Create > Payment: a new Payment Entry for what the invoice still owes."""
	frappe.get_doc("Sales Invoice", source_name).check_permission("read")
	require_permission("Payment Entry", "create")
	return invoicing.payment_for_invoice(source_name)


@frappe.whitelist()
@strict_arguments
@read_only
def get_customer_overview(customer: str) -> dict:
	"""The customer's 360 view: every registered block (hooks.py `customer_overview_blocks`) by tab, over
	the customer or, for a head office, its national account (what the user may read)."""
	return overview.compose(customer)


@frappe.whitelist()
@strict_arguments
@read_only
def get_customer_activity(
	customer: str, kinds: list[str] | str | None = None, start: int = 0, page_length: int = 20
) -> dict:
	"""A page of the customer's activity history, newest first, of the kinds asked (all by default)."""
	kinds = name_list(kinds, "kinds") if kinds else None
	return activity.customer_activity(customer, kinds, start, page_length)


@frappe.whitelist()
@strict_arguments
@read_only
def get_customer_banner(customer: str) -> dict:
	"""Whether the customer is frozen (and why), disabled, or has overdue invoices (per currency, what the
	user may read): the banner of its form and of every new document for it (hooks.py
	`customer_banner_doctypes`)."""
	return customer_status(customer)


@frappe.whitelist()
@strict_arguments
@read_only
def get_customer_form_data(customer: str) -> dict:
	"""What the customer's form shows on load, in one call instead of three: the 360 view (each block under
	its own doctype's read right), the banner and the values in force with their sources."""
	composed = overview.compose(customer)  # a 404 or 403 on the customer before anything else is read
	return {
		"overview": composed,
		"banner": customer_status(customer),
		"values_in_force": get_effective_defaults([customer])[customer],
	}


@frappe.whitelist(methods=["POST"])
@strict_arguments
def rebuild_ledger_summary() -> dict:
	"""Recompute the monthly summary from the ledger, in the background."""
	frappe.only_for(("System Manager", "Accounts Manager"))
	job = frappe.enqueue(run_rebuild, queue="long", timeout=3600)
	return {"job_id": getattr(job, "id", None)}


def run_rebuild() -> int:
	# the desk shows no bar at 0 %: 1 % opens it for the time of the rebuild, 100 % closes it
	frappe.publish_progress(1, title=_("Rebuilding the customer ledger summary"))
	count = rebuild_summary()
	frappe.publish_progress(100, title=_("Rebuilding the customer ledger summary"))
	return count


@frappe.whitelist()
@strict_arguments
def get_default_fiscal_year() -> str | None:
	"""The fiscal year containing today, else the latest."""
	return statistics.default_fiscal_year()


@frappe.whitelist()
@strict_arguments
@read_only
def get_customer_list_balances(customers: str | list[str]) -> dict:
	"""The customer list's Outstanding and Credit Available columns for the customers of one page."""
	names = readable_customers(customers)
	if len(names) > 500:
		frappe.throw(_("At most {0} customers at a time").format(500), InvalidArgumentError)
	return customer_list_balances(names)
