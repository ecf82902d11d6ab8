"""REST and desk API for sales targets (`/api/method/crm_app.api.sales_targets.<name>`)."""

import frappe
from frappe import _

from crm_app.arguments import strict_arguments
from crm_app.compat import read_only
from crm_app.customers.membership import check_grouping
from crm_app.input_checks import ensure_exists
from crm_app.sales_targets import actuals, variance


@frappe.whitelist()
@strict_arguments
@read_only
def get_target_vs_actual(
	fiscal_year: str, period: str = "Monthly", sales_target: str | None = None, grouping: str | None = None
) -> dict:
	"""Target, actual, variance and % achieved per Sales Target node and period, rolled up the tree;
	`grouping` "As at the Time" (the default) or "As Grouped Today"."""
	return variance.permitted_target_vs_actual(fiscal_year, period, sales_target, grouping)


@frappe.whitelist()
@strict_arguments
@read_only
def get_target_invoice_lines(
	sales_target: str, from_date: str, to_date: str, grouping: str | None = None
) -> list[dict]:
	"""The invoice lines behind a target's figure."""
	return actuals.permitted_invoice_lines(sales_target, from_date, to_date, grouping)


@frappe.whitelist()
@strict_arguments
@read_only
def get_territory_targets(
	territory: str, fiscal_year: str | None = None, grouping: str | None = None
) -> list[dict]:
	"""The territory's sales targets and how far each has got (for its form)."""
	frappe.get_doc("Territory", territory).check_permission("read")
	if fiscal_year:
		ensure_exists("Fiscal Year", fiscal_year)
	grouping = check_grouping(grouping)
	filters = {"territory": territory, "fiscal_year": fiscal_year or ("is", "set")}
	targets = frappe.get_all("Sales Target", filters=filters, fields=["name", "fiscal_year"], order_by="lft")
	# each target with its own subtree only, not the whole tree
	results = [(t, variance.target_vs_actual(t.fiscal_year, "Yearly", t.name, grouping)) for t in targets]
	return [
		{"fiscal_year": t.fiscal_year, "currency": result["currency"], **result["nodes"][0]}
		for t, result in results
		if result["nodes"] and result["nodes"][0]["sales_target"] == t.name  # one the user may read
	]


@frappe.whitelist(methods=["POST"])
@strict_arguments
def rebuild_target_actuals() -> dict:
	"""Recount every target's actuals from the submitted invoices, in the background."""
	frappe.only_for(("System Manager", "Sales Manager"))
	# the same queue as a tree move's recount: a second request while one waits adds nothing
	return {"job_id": actuals.queue_recount(), "message": _("Recounting sales target actuals")}
