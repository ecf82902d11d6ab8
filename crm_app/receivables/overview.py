"""The receivables' blocks of the customer's overview (hooks.py `customer_overview_blocks`): sales invoices
authorised / pending / overdue, payments, credit used against the limit in force, ageing and a national
account's totals. Each block is one aggregate query over the rows the user may read."""

import frappe
from frappe import _
from frappe.utils import add_days, flt, nowdate

from crm_app.access import require_read
from crm_app.customers.activity import documents_source
from crm_app.customers.defaults import get_credit_limits
from crm_app.customers.national_accounts import covering_head_office
from crm_app.customers.overview import customer_filter, figure, shared_source
from crm_app.overdue import overdue_invoices_condition
from crm_app.permissions import permitted_where
from crm_app.receivables.rules import limit_source_label

INVOICE = "`tabSales Invoice`"
# the default ageing bucket edges (days past due), a company's own on its form (Company.ageing_range_*)
DEFAULT_AGEING_RANGES = (30, 60, 90)


class InvalidAgeingRangesError(frappe.ValidationError):
	pass


def check_ageing_ranges(company) -> None:
	"""A company's bucket edges: whole days, each above the one before (0 means the default)."""
	ranges = [int(company.get(f"ageing_range_{i}") or 0) for i in (1, 2, 3)]
	for index, value in enumerate(ranges):
		if not value:
			ranges[index] = value = DEFAULT_AGEING_RANGES[index]
			company.set(f"ageing_range_{index + 1}", value)
	if not (0 < ranges[0] < ranges[1] < ranges[2]):
		frappe.throw(
			_("The ageing ranges of company {0} must grow: {1}").format(
				company.name or company.get("company_name"), " < ".join(str(r) for r in ranges)
			),
			InvalidAgeingRangesError,
		)


def _invoice_route(customers, **filters) -> list:
	return ["List", "Sales Invoice", {"customer": customer_filter(customers), "is_return": 0, **filters}]


# the columns of receivables_figures' union, each part filling those of its source
FIGURE_COLUMNS = (
	"source",
	"customer",
	"company",
	"currency",
	"r1",
	"r2",
	"r3",
	"state",
	"bucket",
	"count",
	"amount",
	"outstanding",
	"last_date",
)


def _part(**columns) -> str:
	return "select " + ", ".join(f"{columns.get(name, 'null')} as {name}" for name in FIGURE_COLUMNS)


def receivables_figures(customers: list[str]) -> list[frappe._dict]:
	"""One round trip for the receivables' blocks, a union of, each over the rows the user may read (left
	out when the user may not read the doctype):
	- `invoice`: the invoices (not returns, drafts and submitted) per company, currency, state (pending,
	  overdue, authorised, paid) and, for the unpaid submitted ones, ageing bucket in the company's edges;
	  count, amount and outstanding (the invoice and ageing blocks);
	- `payment`: payments received per currency: count, amount, last date;
	- `ledger`: the ledger's balance per customer, company and currency (the credit used)."""
	parts = []
	if frappe.has_permission("Sales Invoice", "read"):
		d1, d2, d3 = DEFAULT_AGEING_RANGES
		r1, r2, r3 = (
			f"ifnull(nullif(c.ageing_range_{index}, 0), {default})"
			for index, default in ((1, d1), (2, d2), (3, d3))
		)
		late = f"datediff(curdate(), {INVOICE}.due_date)"
		state = f"""case when {INVOICE}.docstatus = 0 then 'pending'
			when {overdue_invoices_condition(INVOICE)} then 'overdue'
			when {INVOICE}.outstanding_amount > 0 then 'authorised' else 'paid' end"""
		bucket = f"""case when {INVOICE}.docstatus != 1 or {INVOICE}.outstanding_amount <= 0 then null
			when {late} <= 0 then 0 when {late} <= {r1} then 1 when {late} <= {r2} then 2
			when {late} <= {r3} then 3 else 4 end"""
		where = permitted_where(
			"Sales Invoice",
			[f"{INVOICE}.customer in %(customers)s", f"{INVOICE}.is_return = 0", f"{INVOICE}.docstatus < 2"],
		)
		select = _part(
			source="'invoice'",
			company=f"{INVOICE}.company",
			currency=f"{INVOICE}.currency",
			r1=r1,
			r2=r2,
			r3=r3,
			state=state,
			bucket=bucket,
			count="count(*)",
			amount=f"sum({INVOICE}.grand_total)",
			outstanding=f"sum({INVOICE}.outstanding_amount)",
		)
		parts.append(
			f"""{select} from {INVOICE} left join `tabCompany` c on c.name = {INVOICE}.company where {where}
			group by {INVOICE}.company, {INVOICE}.currency, 5, 6, 7, 8, 9"""
		)
	if frappe.has_permission("Payment Entry", "read"):
		conditions = [
			"party_type = 'Customer'",
			"party in %(customers)s",
			"docstatus = 1",
			"payment_type = 'Receive'",
		]
		select = _part(
			source="'payment'",
			currency="currency",
			count="count(*)",
			amount="sum(paid_amount)",
			last_date="max(posting_date)",
		)
		parts.append(
			f"{select} from `tabPayment Entry` where {permitted_where('Payment Entry', conditions)} group by currency"
		)
	if frappe.has_permission("Customer Balance", "read"):
		# the ledger's balance as its postings keep it per customer, company and currency (balances.py)
		select = _part(
			source="'ledger'",
			customer="customer",
			company="company",
			currency="currency",
			count="count(*)",
			amount="sum(balance)",
		)
		where = permitted_where("Customer Balance", ["customer in %(customers)s"])
		parts.append(
			f"{select} from `tabCustomer Balance` where {where} group by customer, company, currency"
		)
	if not parts:
		return []
	return frappe.db.sql(" union all ".join(parts), {"customers": tuple(customers)}, as_dict=True)


def _figures(customers: list[str], source: str) -> list[frappe._dict]:
	rows = shared_source("receivables", customers, receivables_figures)
	return sorted(
		(row for row in rows if row.source == source),
		key=lambda row: (row.company or "", row.currency or "", -1 if row.bucket is None else row.bucket),
	)


def invoice_figures(customers: list[str]) -> list[frappe._dict]:
	return _figures(customers, "invoice")


def invoices_block(customers: list[str]) -> dict | None:
	"""Sales invoices, per currency: pending (drafts), authorised (submitted, unpaid, not yet due), overdue
	(unpaid past due, the one definition of crm_app.overdue) and paid; count and amount."""
	if not frappe.has_permission("Sales Invoice", "read"):
		return None
	by_key: dict[tuple, frappe._dict] = {}
	for row in invoice_figures(customers):
		total = by_key.setdefault((row.currency, row.state), frappe._dict(count=0, amount=0, outstanding=0))
		total.count += row.count
		total.amount += flt(row.amount)
		total.outstanding += flt(row.outstanding)
	today = nowdate()
	states = {
		"authorised": (
			_("Authorised"),
			{"docstatus": 1, "outstanding_amount": [">", 0], "due_date": [">=", today]},
		),
		"pending": (_("Pending"), {"docstatus": 0}),
		"overdue": (_("Overdue"), {"docstatus": 1, "outstanding_amount": [">", 0], "due_date": ["<", today]}),
		"paid": (_("Paid"), {"docstatus": 1, "outstanding_amount": ["<=", 0]}),
	}
	figures = []
	for currency in sorted({currency for currency, _state in by_key}):
		for state, (label, filters) in states.items():
			row = by_key.get((currency, state)) or frappe._dict(count=0, amount=0, outstanding=0)
			figures.append(
				figure(
					label,
					count=row.count,
					amount=flt(row.amount),
					currency=currency,
					outstanding=flt(row.outstanding),
					state=state,
					route=_invoice_route(customers, currency=currency, **filters),
				)
			)
	return {
		"key": "sales_invoices",
		"tab": "orders",
		"title": _("Sales Invoices"),
		"order": 30,
		"figures": figures,
	}


def payments_block(customers: list[str]) -> dict | None:
	"""Payments received, per currency: count, amount and the last one's date."""
	if not frappe.has_permission("Payment Entry", "read"):
		return None
	rows = _figures(customers, "payment")
	return {
		"key": "payments",
		"tab": "orders",
		"title": _("Payments"),
		"order": 40,
		"figures": [
			figure(
				_("Received"),
				count=row.count,
				amount=flt(row.amount),
				currency=row.currency,
				last_date=str(row.last_date),
				route=[
					"List",
					"Payment Entry",
					{
						"party_type": "Customer",
						"party": customer_filter(customers),
						"docstatus": 1,
						"payment_type": "Receive",
						"currency": row.currency,
					},
				],
			)
			for row in rows
		],
	}


def credit_block(customers: list[str]) -> dict | None:
	"""Per limit in force (company and currency): credit used (the ledger's balance, over the national
	account when the head office's limit covers its branches), the limit, what is left, and where the limit
	comes from (the customer, its group, an ancestor group, the company)."""
	if not frappe.has_permission("Customer Balance", "read"):
		return None
	customer = customers[0]
	head_office = covering_head_office(customer)
	subject = head_office or customer
	members = customers if head_office == customer else [customer]
	limits = get_credit_limits([subject])[subject]
	limits = [row for row in limits if flt(row["credit_limit"])]
	used = {}
	if limits:
		for row in _figures(customers, "ledger"):  # members are all or the first of customers
			if row.customer in members:
				key = (row.company, row.currency)
				used[key] = used.get(key, 0.0) + flt(row.amount)
	figures = []
	for row in limits:
		spent = used.get((row["company"], row["currency"]), 0.0)
		source = (
			_("national account of {0}").format(head_office)
			if head_office and head_office != customer
			else limit_source_label(row)
		)
		common = {"currency": row["currency"], "company": row["company"], "source": source}
		ledger = [
			"List",
			"Customer Ledger Entry",
			{"customer": customer_filter(members), "company": row["company"], "currency": row["currency"]},
		]
		figures += [
			figure(_("Credit Used"), amount=spent, route=ledger, **common),
			figure(
				_("Credit Limit"),
				amount=flt(row["credit_limit"]),
				route=["Form", "Customer", subject],
				**common,
			),
			figure(_("Credit Available"), amount=flt(row["credit_limit"]) - spent, route=ledger, **common),
		]
	return {"key": "credit", "tab": "overview", "title": _("Credit"), "order": 10, "figures": figures}


def ageing_buckets(company_ranges: tuple[int, int, int]) -> list[tuple[str, int | None, int | None]]:
	"""(label, first day, last day) past due of each bucket: not yet due, then the company's edges."""
	first, second, third = company_ranges
	return [
		(_("Not Due"), None, 0),
		(f"1-{first}", 1, first),
		(f"{first + 1}-{second}", first + 1, second),
		(f"{second + 1}-{third}", second + 1, third),
		(f"{third}+", third + 1, None),
	]


def ageing_block(customers: list[str]) -> dict | None:
	"""Unpaid submitted invoices by days past due, per company and currency, in the company's buckets
	(Company.ageing_range_1..3, by default 30, 60, 90); each bucket opens the invoices it counts."""
	if not frappe.has_permission("Sales Invoice", "read"):
		return None
	rows = [row for row in invoice_figures(customers) if row.bucket is not None]
	today = nowdate()
	groups: dict[tuple, dict] = {}
	for row in rows:
		buckets = groups.setdefault((row.company, row.currency, (row.r1, row.r2, row.r3)), {})
		total = buckets.setdefault(row.bucket, frappe._dict(count=0, amount=0.0))
		total.count += row.count
		total.amount += flt(row.outstanding)
	figures = []
	for (company, currency, ranges), buckets in groups.items():
		for index, (label, first, last) in enumerate(ageing_buckets(ranges)):
			row = buckets.get(index) or frappe._dict(count=0, amount=0)
			# past due by `first`..`last` days: due between today - last and today - first
			if first is None:
				due = [">=", today]
			elif last is None:
				due = ["<", add_days(today, -(first - 1))]
			else:
				due = ["between", [add_days(today, -last), add_days(today, -first)]]
			figures.append(
				figure(
					label,
					count=row.count,
					amount=flt(row.amount),
					currency=currency,
					company=company,
					bucket=index,
					route=_invoice_route(
						customers,
						company=company,
						currency=currency,
						docstatus=1,
						outstanding_amount=[">", 0],
						due_date=due,
					),
				)
			)
	return {"key": "ageing", "tab": "overview", "title": _("Ageing"), "order": 20, "figures": figures}


def national_account_block(customers: list[str]) -> dict | None:
	"""A head office's totals over its branches the user may read: outstanding per company and currency,
	with how many of them owe something. None for a customer that is not a head office."""
	if len(customers) < 2 or not frappe.has_permission("Customer Ledger Entry", "read"):
		return None
	rows = frappe.db.sql(
		f"""select company, currency, sum(amount) as amount, count(distinct customer) as count
		from `tabCustomer Ledger Entry`
		where {permitted_where("Customer Ledger Entry", ["customer in %(customers)s"])}
		group by company, currency having sum(amount) != 0 order by company, currency""",
		{"customers": tuple(customers)},
		as_dict=True,
	)
	figures = [
		figure(
			_("Branches"),
			count=len(customers) - 1,
			route=["List", "Customer", {"parent_customer": customers[0]}],
		)
	]
	figures += [
		figure(
			_("Outstanding ({0})").format(row.company),
			count=row.count,
			amount=flt(row.amount),
			currency=row.currency,
			company=row.company,
			route=[
				"List",
				"Customer Ledger Entry",
				{"customer": customer_filter(customers), "company": row.company, "currency": row.currency},
			],
		)
		for row in rows
	]
	return {
		"key": "national_account",
		"tab": "overview",
		"title": _("National Account"),
		"order": 30,
		"figures": figures,
	}


# the receivables' sources of the customer's activity history (hooks.py `customer_activity_sources`)


def invoices_activity(customers: list[str], kinds: set[str], limit: int) -> list[dict] | None:
	"""Sales invoices and credit notes, drafts included, by posting date."""
	return documents_source(
		"invoice",
		kinds,
		"Sales Invoice",
		customers,
		limit,
		title=lambda row: (
			f"{_('Credit Note') if row.is_return else _('Sales Invoice')} {row.name} ({_(row.status)})"
		),
		date_field="posting_date",
		amount_field="grand_total",
		columns=("status", "is_return"),
	)


def payments_activity(customers: list[str], kinds: set[str], limit: int) -> list[dict] | None:
	"""Payments received and returned cheques, submitted, by posting date."""
	return documents_source(
		"payment",
		kinds,
		"Payment Entry",
		customers,
		limit,
		title=lambda row: f"{_(row.payment_type)} {row.name}",
		date_field="posting_date",
		amount_field="paid_amount",
		conditions=("party_type = 'Customer'", "docstatus = 1"),
		customer_field="party",
		columns=("payment_type",),
	)


def customer_status(customer: str) -> dict:
	"""Frozen (and why), disabled, and the overdue invoices per currency (those the user may read): what the
	banner of the customer's form and of each new document for it says."""
	require_read("Customer", customer)
	status = frappe.db.get_value(
		"Customer", customer, ["is_frozen", "freeze_reason", "disabled"], as_dict=True
	)
	status.overdue = []
	if frappe.has_permission("Sales Invoice", "read"):
		status.overdue = frappe.db.sql(
			f"""select currency, count(*) as count, sum(outstanding_amount) as amount from {INVOICE}
			where {permitted_where("Sales Invoice", ["customer = %(customer)s", overdue_invoices_condition(INVOICE)])}
			group by currency order by currency""",
			{"customer": customer},
			as_dict=True,
		)
	return status


def customer_list_balances(customers: list[str]) -> dict[str, list[dict]]:
	"""The customer list's two columns for one page of customers: per company and currency, what each owes
	(the ledger, one aggregate query for the page) and the credit left under its limit in force (None
	without a limit). Customers the caller may not read are left out by the caller."""
	if not customers or not frappe.has_permission("Customer Balance", "read"):
		return {}
	owed: dict[str, dict] = {}
	# the ledger's balance as its postings keep it (balances.py): one indexed row per company and currency
	for customer, company, currency, amount in frappe.db.sql(
		f"""select customer, company, currency, sum(balance) from `tabCustomer Balance`
		where {permitted_where("Customer Balance", ["customer in %(customers)s"])}
		group by customer, company, currency""",
		{"customers": tuple(customers)},
	):
		owed.setdefault(customer, {})[(company, currency)] = flt(amount)
	limits = get_credit_limits(customers)
	balances = {}
	for customer in customers:
		rows = {
			(row["company"], row["currency"]): flt(row["credit_limit"])
			for row in limits[customer]
			if flt(row["credit_limit"])
		}
		amounts = owed.get(customer, {})
		balances[customer] = [
			{
				"company": company,
				"currency": currency,
				"outstanding": amounts.get((company, currency), 0.0),
				"credit_available": rows[(company, currency)] - amounts.get((company, currency), 0.0)
				if (company, currency) in rows
				else None,
			}
			for company, currency in sorted(set(amounts) | set(rows))
			if amounts.get((company, currency)) or (company, currency) in rows
		]
	return balances
