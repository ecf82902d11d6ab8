"""Target against actual for every node of the Sales Target tree, per period of a fiscal year.

A node with a target of its own spreads it over the months through its distribution (evenly without
one) and reads its actuals from Sales Target Actual. A group whose target is the sum of its children
takes its children's targets and actuals. Periods are months, quarters, half-years or the year,
counted from the fiscal year's first month.

Actuals as at the time (the default) are the stored ones, by the territory and group on each invoice; as
grouped today they are counted when asked by each customer's current territory and group
(`actuals.actuals_as_grouped_today`).
"""

import calendar

import frappe
from frappe import _
from frappe.utils import add_days, add_months, flt, get_first_day, getdate

from crm_app.access import require_permission
from crm_app.currency import company_currency
from crm_app.customers.membership import AS_AT_THE_TIME, AS_GROUPED_TODAY, check_grouping
from crm_app.input_checks import not_found
from crm_app.sales_targets.actuals import actuals_as_grouped_today
from crm_app.trees import subtree_filters

PERIOD_MONTHS = {"Monthly": 1, "Quarterly": 3, "Half-Yearly": 6, "Yearly": 12}


class InvalidPeriodError(frappe.ValidationError):
	pass


def fiscal_months(fiscal_year: str) -> list:
	first_day = fiscal_year and frappe.db.get_value("Fiscal Year", fiscal_year, "year_start_date")
	if not first_day:
		not_found("Fiscal Year", fiscal_year)
	start = get_first_day(first_day)
	return [getdate(add_months(start, i)) for i in range(12)]


def month_shares(distribution: str | None, months: list) -> list[float]:
	"""Each fiscal month's share of a yearly target, from the distribution's percentages by month name."""
	if not distribution:
		return [1 / 12] * 12
	percent = dict(
		frappe.get_all(
			"Monthly Distribution Percentage",
			filters={"parent": distribution, "parenttype": "Monthly Distribution"},
			fields=["month", "percentage_allocation"],
			as_list=True,
		)
	)
	return [flt(percent.get(calendar.month_name[m.month])) / 100 for m in months]


def target_vs_actual(
	fiscal_year: str, period: str = "Monthly", root: str | None = None, grouping: str = AS_AT_THE_TIME
) -> dict:
	if period not in PERIOD_MONTHS:
		frappe.throw(_("Period must be one of {0}").format(", ".join(PERIOD_MONTHS)), InvalidPeriodError)
	months = fiscal_months(fiscal_year)
	filters = {}
	if root:
		filters = subtree_filters("Sales Target", root) or not_found("Sales Target", root)
	nodes = frappe.get_all(
		"Sales Target",
		filters=filters,
		fields=[
			"name",
			"parent_sales_target",
			"is_group",
			"use_children_total",
			"fiscal_year",
			"target_qty",
			"target_amount",
			"distribution_id",
			"territory",
			"customer_group",
			"sales_person",
			"item_group",
			"lft",
			"rgt",
		],
		order_by="lft",
	)
	if grouping == AS_GROUPED_TODAY:
		end = add_days(add_months(months[-1], 1), -1)
		actual_rows = actuals_as_grouped_today([node.name for node in nodes], months[0], end)
	else:
		actual_filters = {"period_start": ("between", [months[0], months[-1]])}
		if root:
			actual_filters["sales_target"] = ("in", [node.name for node in nodes])  # only the subtree's
		actual_rows = frappe.get_all(
			"Sales Target Actual",
			filters=actual_filters,
			fields=["sales_target", "period_start", "qty", "amount"],
		)
	month_index = {m: i for i, m in enumerate(months)}
	actuals = {}
	for row in actual_rows:
		series = actuals.setdefault(row.sales_target, [[0.0] * 12, [0.0] * 12])
		position = month_index.get(getdate(row.period_start))
		if position is None:
			continue  # a target of another fiscal year counting a line of this one
		series[0][position] += flt(row.qty)
		series[1][position] += flt(row.amount)

	shares_cache = {}
	by_name = {}
	for node in nodes:
		node.own = not (node.is_group and node.use_children_total)
		zero = [0.0] * 12
		if node.own and node.fiscal_year == fiscal_year:
			key = node.distribution_id
			shares = shares_cache.setdefault(key, month_shares(key, months))
			node.target_qty_m = [flt(node.target_qty) * s for s in shares]
			node.target_amount_m = [flt(node.target_amount) * s for s in shares]
			node.actual_qty_m, node.actual_amount_m = actuals.get(node.name, [list(zero), list(zero)])
		else:
			node.target_qty_m, node.target_amount_m = list(zero), list(zero)
			node.actual_qty_m, node.actual_amount_m = list(zero), list(zero)
		node.children_target_qty, node.children_target_amount = 0.0, 0.0
		by_name[node.name] = node

	# children before parents: a sum-of-children group adds its children up; every parent learns how
	# much of its own target its children have taken
	for node in reversed(nodes):
		parent = by_name.get(node.parent_sales_target)
		if not parent:
			continue
		parent.children_target_qty += sum(node.target_qty_m)
		parent.children_target_amount += sum(node.target_amount_m)
		if not parent.own:
			for field in ("target_qty_m", "target_amount_m", "actual_qty_m", "actual_amount_m"):
				parent[field] = [a + b for a, b in zip(parent[field], node[field], strict=True)]

	size = PERIOD_MONTHS[period]
	periods = [
		{"period": i + 1, "start": months[i * size], "end": add_days(add_months(months[i * size], size), -1)}
		for i in range(12 // size)
	]
	# a user limited by user permissions (territory, group, ...) sees the targets they may read; a group's
	# figures still roll up its whole subtree, as its target does
	readable = set(frappe.get_list("Sales Target", filters=filters, pluck="name"))
	out = []
	for node in nodes:
		if node.name not in readable:
			continue
		rows = []
		for i, p in enumerate(periods):
			window = slice(i * size, (i + 1) * size)
			rows.append(
				_figures(
					sum(node.target_qty_m[window]),
					sum(node.actual_qty_m[window]),
					sum(node.target_amount_m[window]),
					sum(node.actual_amount_m[window]),
				)
				| {"period": p["period"]}
			)
		total = _figures(
			sum(node.target_qty_m),
			sum(node.actual_qty_m),
			sum(node.target_amount_m),
			sum(node.actual_amount_m),
		)
		out.append(
			{
				"sales_target": node.name,
				"parent_sales_target": node.parent_sales_target,
				"is_group": node.is_group,
				"own_target": node.own,
				**{
					field: node[field]
					for field in ("territory", "customer_group", "sales_person", "item_group")
				},
				"periods": rows,
				"total": total,
				# what the children have not taken of a group's own target
				"unallocated_qty": flt(sum(node.target_qty_m) - node.children_target_qty, 3)
				if node.own and node.is_group
				else None,
				"unallocated_amount": flt(sum(node.target_amount_m) - node.children_target_amount, 2)
				if node.own and node.is_group
				else None,
			}
		)
	# targets have no company: their amounts are in the default company's currency
	currency = company_currency()
	return {
		"fiscal_year": fiscal_year,
		"period": period,
		"grouping": grouping,
		"currency": currency,
		"periods": periods,
		"nodes": out,
	}


def _figures(target_qty, actual_qty, target_amount, actual_amount) -> dict:
	def achieved(target, actual):
		return flt(actual / target * 100, 1) if target else None

	return {
		"target_qty": flt(target_qty, 3),
		"actual_qty": flt(actual_qty, 3),
		"variance_qty": flt(actual_qty - target_qty, 3),
		"target_amount": flt(target_amount, 2),
		"actual_amount": flt(actual_amount, 2),
		"variance_amount": flt(actual_amount - target_amount, 2),
		"achieved_pct": achieved(target_amount, actual_amount)
		if target_amount
		else achieved(target_qty, actual_qty),
	}


def permitted_target_vs_actual(
	fiscal_year: str, period: str = "Monthly", root: str | None = None, grouping: str | None = None
) -> dict:
	"""`target_vs_actual` for a caller allowed to read sales targets (the API and the report alike)."""
	require_permission("Sales Target")
	return target_vs_actual(fiscal_year, period, root, check_grouping(grouping))
