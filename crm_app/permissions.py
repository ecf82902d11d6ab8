"""Users limited to some customers see only those customers' money documents.

A User Permission on Customer, Customer Group or Territory limits the customers a user reads (Frappe
applies it to Customer through its link fields, and a permission on a group covers its descendants). A
Customer Segment can also restrict a role: users with that role read only the segment's members.
Invoices, payments, adjustments and ledger rows belong to a customer: here they follow the customer, so
a user limited to a territory does not read another territory's invoices through the invoice list, a form,
REST or a report. The customer, not a copy of its territory on the document, decides: a customer moved to
another territory takes its documents along.
"""

import frappe
from frappe import _
from frappe.permissions import get_user_permissions

from crm_app import compat
from crm_app.compat import NO_OBJECTION

# the field of each doctype that names its customer (a Payment Entry's party when party_type is Customer)
CUSTOMER_FIELD = {
	"Sales Invoice": "customer",
	"Customer Adjustment": "customer",
	"Customer Ledger Entry": "customer",
	"Customer Balance": "customer",
	"Customer Due Amount": "customer",
	"Payment Entry": "party",
	# projects (crm_app/projects): a task's customer is its project's, a timesheet's that of its projects
	"Project": "customer",
	"Task": "customer",
	"Timesheet": "customer",
	# selling: a quotation's or an opportunity's customer is empty when its party is a lead
	"Sales Order": "customer",
	"Quotation": "customer",
	"Opportunity": "customer",
	# credit control
	"Credit Control Decision": "customer",
}
# work documents whose scoped readers need a customer: one without is not among "their customers'"
CUSTOMER_REQUIRED_FOR_SCOPED = {"Project", "Task", "Timesheet"}
# documents whose party may be a lead: read by whoever may read the lead (no customer to limit them)
LEAD_PARTY_DOCTYPES = ("Quotation", "Opportunity")


# roles that manage segments are never restricted by one (they could not see what they restrict)
SEGMENT_MANAGER_ROLES = {"System Manager", "CRM Manager"}


def _restrictions() -> dict[str, list[str]]:
	"""Role -> the segments restricting it, read in the caller's own transaction at each check.

	Not cached on purpose: a shared cache emptied when a segment changes is filled again by any request whose
	snapshot predates the change's commit (MariaDB repeatable read), and the restricted users would then read
	every customer until the next change. Read here, the restrictions agree with the members read in the same
	snapshot, and cost about as much as a Redis round trip (benchmarks/permission_cache.py)."""
	restrictions = {}
	for name, role in frappe.db.sql(
		"select name, restrict_role from `tabCustomer Segment` where restrict_role != ''"
	):
		restrictions.setdefault(role, []).append(name)
	return restrictions


def restricting_segments(user: str) -> list[str]:
	"""The segments whose members are the only customers the user may read (none: not restricted)."""
	if user == "Administrator":
		return []
	roles = set(frappe.get_roles(user))
	if roles & SEGMENT_MANAGER_ROLES:
		return []
	restrictions = _restrictions()
	return sorted({segment for role in roles for segment in restrictions.get(role, ())})


def customer_conditions(user: str | None = None) -> str:
	segments = restricting_segments(user or frappe.session.user)
	if not segments:
		return ""
	return f"""(`tabCustomer`.name in (select m.customer from `tabCustomer Segment Member` m
		where m.status = 'Member' and m.segment in ({", ".join(frappe.db.escape(s) for s in segments)})))"""


def has_customer_permission(doc, ptype=None, user=None) -> bool | None:
	"""A user restricted by segments reads and changes only their members (a new customer excepted)."""
	segments = restricting_segments(user or frappe.session.user)
	if not segments or doc.is_new():
		return NO_OBJECTION
	return bool(
		frappe.db.exists(
			"Customer Segment Member", {"customer": doc.name, "status": "Member", "segment": ("in", segments)}
		)
	)


def match_conditions(doctype: str, user: str | None = None) -> str:
	"""The one definition of "the rows of doctype the user may read" in SQL: Frappe's match conditions (the
	user's permissions and this app's permission query conditions), as a list view applies them; "" when
	the user is not limited."""
	user = user or frappe.session.user
	if user == "Administrator":
		return ""
	return compat.list_match_conditions(doctype, user)


def permitted_where(doctype: str, conditions: list[str]) -> str:
	"""A WHERE clause for the rows of doctype the session user may read (refused without read rights).
	Aggregates go through SQL because newer Frappe refuses SQL functions in get_list fields."""
	if not frappe.has_permission(doctype, "read"):
		frappe.throw(_("You may not read {0}").format(_(doctype)), frappe.PermissionError)
	match = match_conditions(doctype)
	return " and ".join([*conditions, f"({match})"] if match else conditions) or "1=1"


def permitted_customers_query(user: str) -> str | None:
	"""SQL selecting the customers the user may read, or None when the user is not limited."""
	match = match_conditions("Customer", user)
	if not match:
		return None
	return f"select `tabCustomer`.name from `tabCustomer` where {match}"


def permitted_customers_condition(column: str, user: str | None = None) -> str:
	"""`column in (the customers the user may read)`, or "" when the user is not limited: for the app's own
	SQL over customers' rows (statistics, drill-downs). Safe inside a query run with a values dict."""
	permitted = permitted_customers_query(user or frappe.session.user)
	if not permitted:
		return ""
	return f"{column} in ({permitted.replace('%', '%%')})"


def customer_documents_condition(doctype: str, user: str | None) -> str:
	permitted = permitted_customers_query(user or frappe.session.user)
	if not permitted:
		return ""
	field = f"`tab{doctype}`.`{CUSTOMER_FIELD[doctype]}`"
	condition = f"{field} in ({permitted})"
	if doctype == "Payment Entry":  # only a customer's payments are limited
		return f"(`tabPayment Entry`.party_type != 'Customer' or {condition})"
	if doctype in LEAD_PARTY_DOCTYPES:
		return f"(ifnull({field}, '') = '' or {condition})"
	return f"({condition})"


def sales_invoice_conditions(user=None) -> str:
	return customer_documents_condition("Sales Invoice", user)


def payment_entry_conditions(user=None) -> str:
	return customer_documents_condition("Payment Entry", user)


def customer_adjustment_conditions(user=None) -> str:
	return customer_documents_condition("Customer Adjustment", user)


def ledger_entry_conditions(user=None) -> str:
	return customer_documents_condition("Customer Ledger Entry", user)


def customer_balance_conditions(user=None) -> str:
	return customer_documents_condition("Customer Balance", user)


def customer_due_amount_conditions(user=None) -> str:
	return customer_documents_condition("Customer Due Amount", user)


def project_conditions(user=None) -> str:
	return customer_documents_condition("Project", user)


def task_conditions(user=None) -> str:
	return customer_documents_condition("Task", user)


def timesheet_conditions(user=None) -> str:
	return customer_documents_condition("Timesheet", user)


def sales_order_conditions(user=None) -> str:
	return customer_documents_condition("Sales Order", user)


def quotation_conditions(user=None) -> str:
	return customer_documents_condition("Quotation", user)


def opportunity_conditions(user=None) -> str:
	return customer_documents_condition("Opportunity", user)


def credit_decision_conditions(user=None) -> str:
	return customer_documents_condition("Credit Control Decision", user)


def has_customer_document_permission(doc, ptype=None, user=None) -> bool | None:
	"""One document: its customer must be one the user may read (else Frappe's own rules decide). A saved
	project, task or timesheet without a customer is not one of a scoped user's (as in the list)."""
	field = CUSTOMER_FIELD[doc.doctype]
	customer = doc.get(field)
	if doc.doctype == "Payment Entry" and doc.get("party_type") != "Customer":
		return NO_OBJECTION
	user = user or frappe.session.user
	if not customer:
		scoped_refusal = doc.doctype in CUSTOMER_REQUIRED_FOR_SCOPED and not doc.is_new()
		return False if scoped_refusal and permitted_customers_query(user) else NO_OBJECTION
	if not permitted_customers_query(user):
		return NO_OBJECTION
	return bool(frappe.has_permission("Customer", "read", doc=customer, user=user))


def values_outside_user_permissions(doc) -> list[tuple[str, str]]:
	"""(link field's doctype, value) of the document's links a User Permission does not allow the caller:
	Frappe refuses such a document without saying why (its reason is lost to a nested permission check)."""
	allowed_by_doctype = get_user_permissions(frappe.session.user)
	outside = []
	for field in doc.meta.get_link_fields():
		value = doc.get(field.fieldname)
		entries = allowed_by_doctype.get(field.options)
		if not value or not entries:
			continue
		allowed = {e.get("doc") for e in entries if e.get("applicable_for") in (None, "", doc.doctype)}
		if allowed and value not in allowed:
			outside.append((field.options, value))
	return outside
