"""Sales Target rules: what a node must carry, and keeping its actuals right when it changes."""

import calendar

import frappe
from frappe import _
from frappe.utils import flt

from crm_app.sales_targets.actuals import DIMENSIONS, rebuild_actuals

MONTHS = list(calendar.month_name)[1:]


class MissingTargetError(frappe.ValidationError):
	pass


def validate_target(doc) -> None:
	"""A node with a target of its own needs a fiscal year and a quantity or an amount; a group that
	adds up its children carries none itself."""
	if doc.is_group and doc.use_children_total:
		doc.target_qty = doc.target_amount = 0
		doc.distribution_id = None
		return
	doc.use_children_total = 0
	if flt(doc.target_qty) <= 0 and flt(doc.target_amount) <= 0:
		frappe.throw(
			_(
				"Sales target {0} needs a target quantity or a target amount (or, for a group, to add up its children)"
			).format(frappe.bold(doc.sales_target_name)),
			MissingTargetError,
		)
	if not doc.fiscal_year:
		frappe.throw(
			_("Sales target {0} needs a fiscal year").format(frappe.bold(doc.sales_target_name)),
			MissingTargetError,
		)


RELEVANT = ("fiscal_year", "use_children_total", *DIMENSIONS)


def after_target_change(doc) -> None:
	"""Recount what the target has reached when what counts for it changed."""
	if (
		doc.is_new()
		or any(doc.has_value_changed(field) for field in RELEVANT)
		or not frappe.db.exists("Sales Target Actual", {"sales_target": doc.name})
	):
		rebuild_actuals([doc.name])
