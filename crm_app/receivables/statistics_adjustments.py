"""Sage's editable statistics ("Permettre la modification des statistiques") and the opening statistics
of a company coming from another system.

An adjustment is a row of its own (Customer Statistics Adjustment): a customer's or a customer group's
figures for one movement type and one period, with its reason and who made it. Submitted, it cannot
change; a wrong one is cancelled and made again. It never touches the ledger nor its summary: the
statistics read it next to the ledger's figures and show it apart, then the totals with it.

Made from the desk's form, REST (`/api/resource/Customer Statistics Adjustment`), or the import (a sheet
of opening statistics), all through `validate` here: only when CRM Settings allow it, and only by the
roles that may create and submit one.
"""

import frappe
from frappe import _
from frappe.utils import cint, flt, getdate
from frappe.utils.nestedset import get_root_of

from crm_app.access import require_permission
from crm_app.currency import company_currency
from crm_app.customers.membership import AS_AT_THE_TIME, check_grouping
from crm_app.input_checks import ensure_exists, not_found
from crm_app.permissions import permitted_customers_condition
from crm_app.receivables.movements import MOVEMENT_TYPES, TAXED
from crm_app.receivables.statistics import (
	fiscal_periods,
	fiscal_year_dates,
	permitted_statistics,
	shape,
	statistic_amount,
)
from crm_app.trees import subtree_condition

DOCTYPE = "Customer Statistics Adjustment"
SETTING = "allow_statistics_adjustment"
FIGURES = ("entries", "amount", "tax_amount", "days_to_pay")


class StatisticsAdjustmentNotAllowedError(frappe.PermissionError):
	pass


class InvalidStatisticsAdjustmentError(frappe.ValidationError):
	pass


def check_allowed(ptype: str = "create") -> None:
	"""CRM Settings allow adjustments (a 403 otherwise) and the caller's roles may `ptype` one."""
	if not frappe.db.get_single_value("CRM Settings", SETTING):
		frappe.throw(
			_("Statistics cannot be adjusted: turn on Allow Statistics Adjustment in CRM Settings"),
			StatisticsAdjustmentNotAllowedError,
		)
	require_permission(DOCTYPE, ptype)
	if ptype == "create":
		require_permission(DOCTYPE, "submit")


def validate(doc) -> None:
	"""The rules of an adjustment, for the roles allowed to make one."""
	check_allowed("create")
	complete(doc)
	if doc.is_opening:
		check_single_opening(doc)
	doc.adjusted_by = frappe.session.user


def complete(doc) -> None:
	"""An adjustment's own rules, on a document or on an import row's values (anything with attributes
	and `get`): fills its group, currency and period start, converts its figures."""
	if not (doc.get("customer") or doc.get("customer_group")):
		_refuse(_("Give a customer group or a customer"))
	if doc.get("customer"):
		ensure_exists("Customer", doc.customer)
		# the customer's group at the time, as its ledger rows carry it: the group's figures include it
		doc.customer_group = frappe.db.get_value("Customer", doc.customer, "customer_group")
	else:
		ensure_exists("Customer Group", doc.customer_group)
	ensure_exists("Company", doc.get("company"))
	doc.currency = doc.get("currency") or company_currency(doc.company)
	ensure_exists("Currency", doc.currency)
	doc.period_start = period_start(doc.get("fiscal_year"), doc.get("period"))
	doc.period = cint(doc.period)
	if doc.get("movement_type") not in MOVEMENT_TYPES:
		_refuse(
			_("{0} must be one of {1}").format(
				_("Movement Type"), ", ".join(_(kind) for kind in MOVEMENT_TYPES)
			)
		)
	for fieldname in FIGURES:
		setattr(
			doc, fieldname, flt(doc.get(fieldname), 2) if "amount" in fieldname else cint(doc.get(fieldname))
		)
	if not any(doc.get(fieldname) for fieldname in FIGURES):
		_refuse(_("An adjustment changes at least one figure: count, amount, tax amount or days to pay"))
	if doc.tax_amount and doc.movement_type not in TAXED:
		_refuse(_("Only invoices, credit notes and debit notes have a tax amount"))
	if doc.days_to_pay and doc.movement_type != "Invoice Paid":
		_refuse(_("Only paid invoices have days to pay"))
	doc.reason = (doc.get("reason") or "").strip()
	if not doc.reason:
		_refuse(_("Give the reason for the adjustment"), frappe.MandatoryError)
	doc.is_opening = cint(doc.get("is_opening"))


def opening_key(values) -> tuple:
	"""What opening statistics are unique by: subject, company, currency, period and movement."""
	return (
		values.get("customer") or None,
		values.customer_group,
		values.company,
		values.currency,
		str(values.period_start),
		values.movement_type,
	)


def _refuse(message: str, error=InvalidStatisticsAdjustmentError) -> None:
	frappe.throw(message, error)


def period_start(fiscal_year: str, period) -> str:
	"""The first day of a period (1 for the fiscal year's first month) of the fiscal year."""
	periods = fiscal_periods(fiscal_year)
	if not 1 <= cint(period) <= len(periods) or flt(period) != cint(period):
		_refuse(_("The period must be a number from 1 to {0}").format(len(periods)))
	return periods[cint(period) - 1]["start"]


def check_single_opening(doc) -> None:
	"""One opening figure per subject, company, currency, period and movement: importing the same file
	again would otherwise count it twice."""
	existing = frappe.db.get_value(
		DOCTYPE,
		{
			"is_opening": 1,
			"docstatus": 1,
			"customer": doc.get("customer") or ("is", "not set"),
			"customer_group": doc.customer_group,
			"company": doc.company,
			"currency": doc.currency,
			"period_start": doc.period_start,
			"movement_type": doc.movement_type,
			"name": ("!=", doc.get("name") or ""),
		},
		"name",
	)
	if existing:
		_refuse(
			_("Opening statistics for {0}, {1} are already recorded ({2}): cancel them first").format(
				doc.get("customer") or doc.customer_group, _(doc.movement_type), existing
			)
		)


def same_opening(values) -> str | None:
	"""The submitted opening statistics row holding exactly these figures, if any (an import run again)."""
	filters = {
		"is_opening": 1,
		"docstatus": 1,
		"customer": values.get("customer") or ("is", "not set"),
		"customer_group": values.customer_group,
		"company": values.company,
		"currency": values.currency,
		"period_start": values.period_start,
		"movement_type": values.movement_type,
	}
	filters.update({fieldname: values.get(fieldname) for fieldname in FIGURES})
	return frappe.db.get_value(DOCTYPE, filters, "name")


def record(values: dict) -> str:
	"""Make and submit an adjustment (REST, the import, bench scripts); returns its name."""
	doc = frappe.get_doc({"doctype": DOCTYPE, **values})
	doc.docstatus = 1
	doc.insert()
	return doc.name


# Reading


def adjustment_rows(
	fiscal_year: str,
	customer_group: str | None = None,
	customer: str | None = None,
	company: str | None = None,
	currency: str | None = None,
	grouping: str | None = None,
) -> list[dict]:
	"""The submitted adjustments of a customer, or of a customer group's subtree (its customers' included),
	for the fiscal year: shaped as the ledger summary's rows, with their reason. A user limited to some
	customers sees only those customers' adjustments, as with the ledger's figures. A customer's adjustment
	counts in the group it had when it was made or, "as grouped today", in its group now."""
	grouping = check_grouping(grouping)
	group_column = (
		"a.customer_group" if grouping == AS_AT_THE_TIME else "coalesce(c.customer_group, a.customer_group)"
	)
	start, end = fiscal_year_dates(fiscal_year)
	values = {"start": start, "end": end, "company": company, "currency": currency, "customer": customer}
	where = "a.docstatus = 1 and a.period_start between %(start)s and %(end)s"
	if company:
		where += " and a.company = %(company)s"
	if currency:
		where += " and a.currency = %(currency)s"
	if customer:
		where += " and a.customer = %(customer)s"
	elif customer_group and customer_group != get_root_of("Customer Group"):
		subtree = subtree_condition("Customer Group", customer_group, group_column)
		if not subtree:
			not_found("Customer Group", customer_group)
		values.update(subtree[1])
		where += " and " + subtree[0]
	permitted = permitted_customers_condition("a.customer")
	if permitted:
		where += " and " + permitted
	return frappe.db.sql(
		f"""select a.name, a.customer, {group_column} as customer_group, a.period_start, a.movement_type,
			a.entries, a.amount, a.tax_amount, a.days_to_pay, a.reason, a.is_opening, a.adjusted_by
		from `tabCustomer Statistics Adjustment` a left join `tabCustomer` c on c.name = a.customer
		where {where}
		order by a.period_start, a.creation""",
		values,
		as_dict=True,
	)


def adjusted_statistics(ledger: dict, rows: list[dict], fiscal_year: str) -> dict:
	"""The ledger's statistics as they are, plus the adjustments one by one (`adjustments`: each with its
	period, figures as the statistics count them, reason) and the totals including them (`adjusted`)."""
	include_tax = ledger["include_tax"]
	index = {getdate(p["start"]): p["period"] for p in ledger["periods"]}
	listed = [
		{
			"name": row.name,
			"customer": row.customer,
			"customer_group": row.customer_group,
			"movement_type": row.movement_type,
			"period": index.get(getdate(row.period_start)),
			"count": int(row.entries),
			"amount": flt(statistic_amount(row, include_tax), 2),
			"days_to_pay": int(row.days_to_pay),
			"reason": row.reason,
			"is_opening": row.is_opening,
			"adjusted_by": row.adjusted_by,
		}
		for row in rows
	]
	totals = shape(rows, fiscal_year, subject={})
	return {**ledger, "adjustments": listed, "adjusted": _added(ledger, totals)}


def _added(ledger: dict, adjustments: dict) -> dict:
	movements = {}
	for kind, figures in ledger["movements"].items():
		extra = adjustments["movements"][kind]
		movements[kind] = {
			"count": figures["count"] + extra["count"],
			"amount": flt(figures["amount"] + extra["amount"], 2),
			"periods": [
				{"count": a["count"] + b["count"], "amount": flt(a["amount"] + b["amount"], 2)}
				for a, b in zip(figures["periods"], extra["periods"], strict=True)
			],
		}
	total_days = ledger["total_days_to_pay"] + adjustments["total_days_to_pay"]
	paid = movements["Invoice Paid"]["count"]
	return {
		"movements": movements,
		"total_days_to_pay": total_days,
		"average_days_to_pay": flt(total_days / paid, 1) if paid else None,
	}


def permitted_adjusted_statistics(
	fiscal_year: str,
	customer_group: str | None = None,
	customer: str | None = None,
	company: str | None = None,
	currency: str | None = None,
	grouping: str | None = None,
) -> dict:
	"""`permitted_statistics` (the same checks, the ledger's figures unchanged) with the adjustments apart
	and the totals including them (the API and the report alike), grouped as `grouping` says."""
	ledger = permitted_statistics(fiscal_year, customer_group, customer, company, currency, grouping)
	rows = adjustment_rows(
		fiscal_year, None if customer else customer_group, customer, company, currency, grouping
	)
	return adjusted_statistics(ledger, rows, fiscal_year)
