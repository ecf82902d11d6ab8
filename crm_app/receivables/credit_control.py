"""Graduated credit control: the one check a money document (Sales Invoice here, Sales Order once it exists)
runs before it is submitted.

The policy in force for the customer (CRM Settings, or the nearest customer group overriding it:
`crm_app.customers.credit_policy`) says at which stage it applies (order, invoice or both), what happens when
the customer's outstanding plus this document goes over the limit in force plus the tolerance, or when one
of its invoices has been overdue for the policy's number of days or more:

- Refuse: the document is refused (417) with the customer, the outstanding, the amount, the limit and where
  the limit comes from;
- Hold: an order goes through with status "On Hold" (resumed by the credit controller); an invoice is refused
  and stays a draft until a user holding the credit-controller role of CRM Settings submits it;
- Warn: the document goes through with a message to the user.

A user holding the credit-controller role passes (a "Bypass"). Each of these decisions is a Credit Control
Decision row: a refusal's is written on a connection of its own, so that it outlives the rollback of the
refused request; the others are written with the document. Within the limit nothing is recorded.

The customer (or the head office whose limit covers its branches) is locked until the document commits, and
the outstanding is read after the lock: concurrent documents are weighed one after the other.
"""

import frappe
from frappe import _
from frappe.utils import cint, flt, fmt_money, now, strip_html

from crm_app.compat import separate_transaction
from crm_app.customers.credit_policy import stages_of
from crm_app.customers.defaults import get_effective_defaults
from crm_app.customers.national_accounts import covering_head_office, subtree_of
from crm_app.locks import lock_row
from crm_app.overdue import overdue_invoices_condition
from crm_app.receivables.ledger import balance
from crm_app.receivables.rules import CreditLimitExceededError, limit_source_label, user_has_settings_role

STAGES = ("order", "invoice")
DECISION_DOCTYPE = "Credit Control Decision"


class CreditHoldError(frappe.ValidationError):
	"""An invoice put on hold by the credit control: it stays a draft until the credit controller submits it."""


class OverdueInvoicesError(CreditLimitExceededError):
	"""Refused because the customer has invoices overdue beyond the policy's number of days."""


def enforce_credit_control(doc, stage: str) -> str | None:
	"""Apply the customer's credit control policy to `doc` (customer, company, currency, grand_total) at
	`stage` ("order" or "invoice"). Returns the decision taken when the document goes through ("Bypass",
	"Warn", "Hold") or None when no rule was crossed; raises on a refusal and on an invoice held."""
	if stage not in STAGES:
		frappe.throw(_("Unknown credit control stage {0}").format(stage))
	head_office = covering_head_office(doc.customer)
	subject = head_office or doc.customer
	# whoever checks this limit waits here for the others to commit, and then reads their postings
	lock_row("Customer", subject, ["name"], doc)
	values = get_effective_defaults([subject])[subject]["values"]
	policy = values["credit_control"]["value"]
	if stage not in stages_of(policy):
		return None
	case = assess(doc, subject, head_office, values["credit_limits"], policy)
	if not case["reasons"]:
		return None
	case.update(stage=stage, policy_source=values["credit_control"])
	if user_has_settings_role("credit_controller"):
		return decide(doc, case, "Bypass")
	return decide(doc, case, policy["credit_control_action"])


def assess(doc, subject: str, head_office: str | None, limits: list[dict], policy: dict) -> dict:
	"""The figures of the decision, and the reasons (messages) why the document crosses a rule, if any."""
	company, currency, amount = doc.company, doc.currency, flt(doc.grand_total)
	limit = next((r for r in limits if r["company"] == company and r["currency"] == currency), None)
	if limit and (not flt(limit["credit_limit"]) or limit["bypass_credit_limit_check"]):
		limit = None
	overdue_days = cint(policy["credit_overdue_days"])
	case = {"subject": subject, "limit": limit, "amount": amount, "reasons": [], "outstanding": 0.0}
	case["over_limit"], case["limit_source"] = False, ""
	if limit:
		case["limit_source"] = (
			_("national account of {0}").format(head_office) if head_office else limit_source_label(limit)
		)
	case.update(tolerance=flt(policy["credit_tolerance_percent"]), overdue_amount=0.0, oldest_overdue_days=0)
	if not limit and not overdue_days:
		return case
	members = [row.name for row in subtree_of(head_office)] if head_office else [doc.customer]
	case["outstanding"] = flt(balance(members, company, currency, latest=True)) + commitments(
		members, company, currency, doc
	)
	money = lambda value: fmt_money(value, currency=currency)  # noqa: E731
	if limit:
		allowed = flt(limit["credit_limit"]) * (1 + case["tolerance"] / 100)
		total = case["outstanding"] + amount
		if total > allowed + 0.005:
			reason = _(
				"Credit limit exceeded for {0}: outstanding {1} + this document {2} = {3}, over the limit of {4} ({5})"
			).format(
				frappe.bold(subject),
				money(case["outstanding"]),
				money(amount),
				money(total),
				money(limit["credit_limit"]),
				case["limit_source"],
			)
			if case["tolerance"]:
				reason += " " + _("with a tolerance of {0}%: up to {1}").format(
					case["tolerance"], money(allowed)
				)
			case["reasons"].append(reason)
			case["over_limit"] = True
	if overdue_days:
		overdue_amount, oldest = overdue_of(members, company, currency)
		case.update(overdue_amount=overdue_amount, oldest_overdue_days=oldest)
		if oldest >= overdue_days:
			case["reasons"].append(
				_("{0} has {1} overdue, the oldest invoice by {2} days (the limit is {3} days)").format(
					frappe.bold(subject), money(overdue_amount), oldest, overdue_days
				)
			)
	return case


def commitments(customers: list[str], company: str, currency: str, doc) -> float:
	"""What the customers owe besides the ledger (open orders not yet billed), from the functions listed in
	the `credit_commitments` hook: f(customers, company, currency, doc) -> amount, not counting `doc` itself
	nor what `doc` bills."""
	return sum(
		flt(frappe.get_attr(path)(customers, company, currency, doc))
		for path in frappe.get_hooks("credit_commitments")
	)


def overdue_of(customers: list[str], company: str, currency: str) -> tuple[float, int]:
	"""The customers' overdue amount, and how many days the oldest overdue invoice is past its due date."""
	amount, days = frappe.db.sql(
		f"""select coalesce(sum(si.outstanding_amount), 0), coalesce(max(datediff(curdate(), si.due_date)), 0)
		from `tabSales Invoice` si
		where si.customer in %(customers)s and si.company = %(company)s and si.currency = %(currency)s
			and {overdue_invoices_condition("si")}""",
		{"customers": customers, "company": company, "currency": currency},
	)[0]
	return flt(amount), cint(days)


def decide(doc, case: dict, decision: str) -> str:
	"""Record `decision` and act on it: go through (Bypass, Warn, Hold of an order) or throw."""
	message = " ".join(case["reasons"])
	role = frappe.db.get_single_value("CRM Settings", "credit_controller") or _("Credit Controller")
	policy = case["policy_source"]
	policy_label = (
		_("CRM Settings")
		if policy["source"] == "settings"
		else _("customer group {0}").format(policy["source_name"])
	)
	if decision == "Bypass":
		record(doc, case, decision, message)
		frappe.msgprint(
			message + " " + _("It goes through: you hold the role {0}.").format(_(role)),
			title=_("Credit Limit Exceeded"),
			indicator="orange",
		)
	elif decision == "Warn":
		record(doc, case, decision, message)
		frappe.msgprint(
			message
			+ " "
			+ _("The {0} goes through: the credit policy of {1} only warns.").format(
				_(doc.doctype), policy_label
			),
			title=_("Credit Limit Warning"),
			indicator="orange",
		)
	elif decision == "Hold" and case["stage"] == "order":
		doc.status = "On Hold"
		record(doc, case, decision, message)
		frappe.msgprint(
			message
			+ " "
			+ _("The {0} is put On Hold until a user with the role {1} resumes it.").format(
				_(doc.doctype), _(role)
			),
			title=_("Credit Hold"),
			indicator="orange",
		)
	elif decision == "Hold":
		message += " " + _(
			"The {0} is on hold: it stays a draft until a user with the role {1} submits it."
		).format(_(doc.doctype), _(role))
		record(doc, case, decision, message, separately=True)
		frappe.throw(message, CreditHoldError, title=_("Credit Hold"))
	else:
		record(doc, case, "Refuse", message, separately=True)
		frappe.throw(message, CreditLimitExceededError if case["over_limit"] else OverdueInvoicesError)
	return decision


def record(doc, case: dict, decision: str, reason: str, separately: bool = False) -> None:
	"""One Credit Control Decision row, written by the app only: with the document's own transaction, or
	`separately` (committed at once) when the document is refused."""
	limit = case["limit"]
	row = frappe.new_doc(DECISION_DOCTYPE)
	row.update(
		{
			"customer": doc.customer,
			"credit_customer": case["subject"],
			"company": doc.company,
			"currency": doc.currency,
			"reference_doctype": doc.doctype,
			"reference_name": doc.name,
			"stage": case["stage"].title(),
			"decision": decision,
			"outstanding": case["outstanding"],
			"document_amount": case["amount"],
			"credit_limit": flt(limit["credit_limit"]) if limit else 0,
			"tolerance_percent": case["tolerance"],
			"overdue_amount": case["overdue_amount"],
			"oldest_overdue_days": case["oldest_overdue_days"],
			"limit_source": case["limit_source"],
			"policy_source": case["policy_source"]["source_name"],
			"user": frappe.session.user,
			"reason": strip_html(reason),
		}
	)
	row.set_new_name()
	row.owner = row.modified_by = frappe.session.user
	row.creation = row.modified = now()
	if not separately:
		row.db_insert()
		return
	try:
		with separate_transaction() as own:
			# the request's transaction could only hold this up by a locking read of the decisions: never
			# wait long for it, the refusal itself matters more than its record
			own.sql("set session innodb_lock_wait_timeout = 5")
			row.db_insert()
	except Exception:
		frappe.logger("crm_app").exception(f"credit control decision not recorded: {row.as_dict()}")
