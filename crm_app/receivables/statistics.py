"""Sage 300's customer and customer group statistics, for a fiscal year and its periods (months).

A group's figures roll up through its subtree and are read from the monthly ledger summary, so the
whole tree for a year costs one small query whatever the size of the ledger. A customer's figures come
from its own ledger rows through the same aggregate.

Group figures take a `grouping` (crm_app.customers.membership): as at the time (the default, Sage's
way: each movement counts in the group it was posted under) or as grouped today (each customer's
movements count in its current group, read from the ledger rather than the summary).
"""

import frappe
from frappe import _
from frappe.utils import add_months, flt, get_first_day, getdate
from frappe.utils.nestedset import get_root_of

from crm_app.access import check_scope, require_permission, require_read
from crm_app.currency import company_currency
from crm_app.customers.membership import AS_AT_THE_TIME, check_grouping
from crm_app.input_checks import ensure_exists, not_found
from crm_app.receivables.ledger import aggregate_ledger, summary_source
from crm_app.receivables.movements import MOVEMENT_TYPES, TAXED
from crm_app.trees import subtree_condition

MOVEMENTS = list(MOVEMENT_TYPES)


def fiscal_year_dates(fiscal_year: str) -> tuple:
	"""First and last day of a fiscal year; a translated 404 for an unknown one."""
	dates = fiscal_year and frappe.db.get_value(
		"Fiscal Year", fiscal_year, ["year_start_date", "year_end_date"]
	)
	if not dates:
		not_found("Fiscal Year", fiscal_year)
	return dates


def fiscal_periods(fiscal_year: str) -> list[dict]:
	start, end = fiscal_year_dates(fiscal_year)
	periods, month = [], get_first_day(start)
	while month <= getdate(end):
		periods.append({"period": len(periods) + 1, "start": month, "end": add_months(month, 1)})
		month = add_months(month, 1)
	return periods


def _filters(fiscal_year: str, company: str | None, currency: str | None) -> tuple[str, dict]:
	start, end = fiscal_year_dates(fiscal_year)
	values = {"start": get_first_day(start), "end": getdate(end), "company": company, "currency": currency}
	where = ""
	if company:
		where += " and {alias}.company = %(company)s"
	if currency:
		where += " and {alias}.currency = %(currency)s"
	return where, values


def _ledger_where(where: str) -> str:
	"""The filters of `_filters` on the ledger rows themselves (for a source that aggregates them): the
	months from the start's to the end's, as the summary's periods."""
	months = " and l.posting_date >= %(start)s and l.posting_date < last_day(%(end)s) + interval 1 day"
	return months + where.format(alias="l")


def group_statistics(
	customer_group: str, fiscal_year: str, company=None, currency=None, grouping: str = AS_AT_THE_TIME
) -> dict:
	where, values = _filters(fiscal_year, company, currency)
	if customer_group == get_root_of("Customer Group"):
		in_group = ""  # the whole tree, with movements of customers that had no group
	else:
		subtree = customer_group and subtree_condition("Customer Group", customer_group, "s.customer_group")
		if not subtree:
			not_found("Customer Group", customer_group)
		values.update(subtree[1])
		in_group = "and " + subtree[0]
	rows = frappe.db.sql(
		f"""select s.period_start, s.movement_type, sum(s.entries) as entries, sum(s.amount) as amount,
			sum(s.tax_amount) as tax_amount, sum(s.days_to_pay) as days_to_pay
		from {summary_source(grouping=grouping, ledger_where=_ledger_where(where))} s
		where s.period_start between %(start)s and %(end)s {where.format(alias="s")} {in_group}
		group by s.period_start, s.movement_type""",
		values,
		as_dict=True,
	)
	return shape(
		rows,
		fiscal_year,
		subject={
			"customer_group": customer_group,
			"currency": currency or company_currency(company),
			"grouping": grouping,
		},
	)


def customer_statistics(customer: str, fiscal_year: str, company=None, currency=None) -> dict:
	where, values = _filters(fiscal_year, company, currency)
	values["customer"] = customer
	rows = aggregate_ledger(
		f"where l.customer = %(customer)s and l.posting_date between %(start)s and %(end)s {where.format(alias='l')}",
		values,
	)
	return shape(
		rows, fiscal_year, subject={"customer": customer, "currency": currency or company_currency(company)}
	)


def statistic_amount(row, include_tax: bool) -> float:
	"""A summary row's amount as the statistics show it: tax left out of invoices, credit notes and
	debit notes when CRM Settings say so."""
	return flt(row.amount) - (0 if include_tax or row.movement_type not in TAXED else flt(row.tax_amount))


def shape(rows, fiscal_year: str, subject: dict) -> dict:
	"""`subject` names what the figures are of, and their currency: the one filtered on, else the
	company's (amounts are not converted)."""
	include_tax = bool(frappe.db.get_single_value("CRM Settings", "include_tax_in_statistics"))
	periods = fiscal_periods(fiscal_year)
	index = {getdate(p["start"]): i for i, p in enumerate(periods)}
	movements = {
		kind: {"count": 0, "amount": 0.0, "periods": [{"count": 0, "amount": 0.0} for _ in periods]}
		for kind in MOVEMENTS
	}
	total_days = 0
	for row in rows:
		position = index.get(getdate(row.period_start))
		if position is None or row.movement_type not in movements:
			continue
		amount = statistic_amount(row, include_tax)
		target = movements[row.movement_type]
		for bucket in (target, target["periods"][position]):
			bucket["count"] += int(row.entries)
			bucket["amount"] = flt(bucket["amount"] + amount, 2)
		total_days += int(row.days_to_pay or 0)
	paid = movements["Invoice Paid"]["count"]
	return {
		**subject,
		"fiscal_year": fiscal_year,
		"include_tax": include_tax,
		"periods": periods,
		"movements": movements,
		"total_days_to_pay": total_days,
		"average_days_to_pay": flt(total_days / paid, 1) if paid else None,
	}


def tree_statistics(
	fiscal_year: str, company=None, currency=None, grouping: str = AS_AT_THE_TIME
) -> dict[str, dict]:
	"""Every customer group's yearly count and amount per movement, each rolled up through its subtree,
	in one query on the summary."""
	where, values = _filters(fiscal_year, company, currency)
	rows = frappe.db.sql(
		f"""select s.customer_group, s.movement_type, sum(s.entries) as entries, sum(s.amount) as amount,
			sum(s.tax_amount) as tax_amount
		from {summary_source(grouping=grouping, ledger_where=_ledger_where(where))} s
		where s.period_start between %(start)s and %(end)s {where.format(alias="s")}
		group by s.customer_group, s.movement_type""",
		values,
		as_dict=True,
	)
	return roll_up(rows)


def roll_up(rows) -> dict[str, dict]:
	"""Add per-group rows (customer_group, movement_type, entries, amount, tax_amount) to the group and
	to each of its ancestors."""
	include_tax = bool(frappe.db.get_single_value("CRM Settings", "include_tax_in_statistics"))
	parents = dict(frappe.get_all("Customer Group", fields=["name", "parent_customer_group"], as_list=True))
	totals = {group: {} for group in parents}
	for row in rows:
		amount = statistic_amount(row, include_tax)
		group = row.customer_group
		while group in parents:
			bucket = totals[group].setdefault(row.movement_type, {"count": 0, "amount": 0.0})
			bucket["count"] += int(row.entries)
			bucket["amount"] += amount
			group = parents[group]
	for movements in totals.values():
		for bucket in movements.values():
			bucket["amount"] = flt(bucket["amount"], 2)
	return totals


def group_trends(
	fiscal_year: str,
	parent_customer_group: str | None = None,
	company=None,
	currency=None,
	value: str = "amount",
	grouping: str = AS_AT_THE_TIME,
) -> dict:
	"""Net sales (invoices less credit notes) per period for each child group of a parent, each rolled
	up through its own subtree (Dokos' trend analysis per customer group)."""
	if parent_customer_group:
		ensure_exists("Customer Group", parent_customer_group)
	parent = parent_customer_group or get_root_of("Customer Group")
	where, values = _filters(fiscal_year, company, currency)
	values["parent"] = parent
	measure = "s.entries" if value == "count" else "s.amount"
	rows = frappe.db.sql(
		f"""select c.name as customer_group, s.period_start,
			sum(if(s.movement_type = 'Credit Note', -{measure}, {measure})) as net
		from `tabCustomer Group` c
		join `tabCustomer Group` g on g.lft >= c.lft and g.rgt <= c.rgt
		join {summary_source(grouping=grouping, ledger_where=_ledger_where(where))} s on s.customer_group = g.name
		where c.parent_customer_group = %(parent)s
			and s.movement_type in ('Invoice', 'Credit Note')
			and s.period_start between %(start)s and %(end)s {where.format(alias="s")}
		group by c.name, s.period_start""",
		values,
		as_dict=True,
	)
	periods = fiscal_periods(fiscal_year)
	index = {getdate(p["start"]): i for i, p in enumerate(periods)}
	children = frappe.get_all(
		"Customer Group", filters={"parent_customer_group": parent}, pluck="name", order_by="lft"
	)
	series = {child: [0.0] * len(periods) for child in children}
	for row in rows:
		position = index.get(getdate(row.period_start))
		if position is not None:
			series[row.customer_group][position] = flt(row.net, 2)
	return {
		"parent_customer_group": parent,
		"periods": periods,
		"series": series,
		"value": value,
		"currency": currency or company_currency(company),
		"grouping": grouping,
	}


def default_fiscal_year() -> str | None:
	today = frappe.utils.nowdate()
	return frappe.db.get_value(
		"Fiscal Year", {"year_start_date": ("<=", today), "year_end_date": (">=", today)}, "name"
	) or frappe.db.get_value("Fiscal Year", {}, "name", order_by="year_start_date desc")


def validate_subject(customer_group=None, customer=None) -> None:
	if not (customer_group or customer):
		frappe.throw(_("Give a customer group or a customer"), frappe.ValidationError)


MEASURES = ("amount", "count")


class InvalidMeasureError(frappe.ValidationError):
	pass


def permitted_statistics(
	fiscal_year: str,
	customer_group: str | None = None,
	customer: str | None = None,
	company: str | None = None,
	currency: str | None = None,
	grouping: str | None = None,
) -> dict:
	"""Sage's statistics for a customer, or for a customer group rolled up through its subtree, for a
	caller allowed to read them (the API and the report alike). `grouping`: as at the time (default) or
	as grouped today; a customer's own figures are the same both ways."""
	validate_subject(customer_group, customer)
	grouping = check_grouping(grouping)
	require_permission("Customer Ledger Entry")
	check_scope(company, currency)
	if customer_group:
		ensure_exists("Customer Group", customer_group)
	if customer:
		require_read("Customer", customer)
		return customer_statistics(customer, fiscal_year, company, currency)
	return group_statistics(customer_group, fiscal_year, company, currency, grouping)


def permitted_group_trends(
	fiscal_year: str,
	parent_customer_group: str | None = None,
	company: str | None = None,
	currency: str | None = None,
	value: str = "amount",
	grouping: str | None = None,
) -> dict:
	"""`group_trends` for a caller allowed to read the ledger's figures (the API and the report alike)."""
	require_permission("Customer Ledger Entry")
	grouping = check_grouping(grouping)
	if value not in MEASURES:
		frappe.throw(_("{0} must be one of {1}").format("value", ", ".join(MEASURES)), InvalidMeasureError)
	check_scope(company, currency)
	return group_trends(fiscal_year, parent_customer_group, company, currency, value, grouping)
