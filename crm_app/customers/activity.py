"""The customer's activity history (seed 004, "l'historique des activités"): quotations, orders, invoices,
payments, reminders and statements sent, group, freeze and credit changes, comments, newest first,
filterable by kind and paginated.

Each domain lists its sources in hooks.py (`customer_activity_sources`): a function
    source(customers: list[str], kinds: set[str], limit: int) -> list[dict] | None
returning at most `limit` entries of the kinds asked, newest first, from the rows the user may read (None
when the user may read none of its doctype). An entry: {"kind", "date", "doctype", "name", "title",
"amount", "currency", "user", "route"}. The history merges them: a page of n from `start` asks each
source for start + n entries."""

import json

import frappe
from frappe import _
from frappe.utils import cint, flt

from crm_app.customers.overview import overview_customers
from crm_app.permissions import permitted_where

# every kind the history knows, in the order the filter lists them (selling's sources add quotations and
# orders after the merge)
KINDS = (
	"quotation",
	"order",
	"invoice",
	"payment",
	"reminder",
	"statement",
	"email",
	"group",
	"freeze",
	"credit",
	"comment",
)
MAX_PAGE_LENGTH = 100
MAX_START = 10000


class InvalidActivityFilterError(frappe.ValidationError):
	pass


def kind_labels() -> dict[str, str]:
	return {
		"quotation": _("Quotations"),
		"order": _("Sales Orders"),
		"invoice": _("Sales Invoices"),
		"payment": _("Payments"),
		"reminder": _("Payment Reminders"),
		"statement": _("Statements of Account"),
		"email": _("Emails"),
		"group": _("Customer Group Changes"),
		"freeze": _("Freeze Changes"),
		"credit": _("Credit Limit Changes"),
		"comment": _("Comments"),
	}


def customer_activity(
	customer: str,
	kinds: list[str] | None = None,
	start: int = 0,
	page_length: int = 20,
	sources: list[str] | None = None,
) -> dict:
	"""One page of the customer's (or national account's) history, newest first."""
	unknown = sorted(set(kinds or ()) - set(KINDS))
	if unknown:
		frappe.throw(_("Unknown activity kind: {0}").format(", ".join(unknown)), InvalidActivityFilterError)
	start, page_length = cint(start), cint(page_length)
	if start < 0 or start > MAX_START or not 0 < page_length <= MAX_PAGE_LENGTH:
		frappe.throw(
			_("Page from 0 to {0}, of 1 to {1} entries").format(MAX_START, MAX_PAGE_LENGTH),
			InvalidActivityFilterError,
		)
	customers = overview_customers(customer)
	wanted = set(kinds or KINDS)
	paths = frappe.get_hooks("customer_activity_sources") if sources is None else sources
	entries = []
	for path in paths:
		entries += frappe.get_attr(path)(customers, wanted, start + page_length + 1) or []
	entries.sort(key=lambda e: (str(e["date"]), e["doctype"], e["name"]), reverse=True)
	page = entries[start : start + page_length]
	return {
		"customer": customer,
		"kinds": [{"kind": kind, "label": label} for kind, label in kind_labels().items()],
		"entries": [{**e, "date": str(e["date"])} for e in page],
		"has_more": len(entries) > start + page_length,
	}


def entry(kind, date, doctype, name, title, user=None, amount=None, currency=None, route=None) -> dict:
	return {
		"kind": kind,
		"date": date,
		"doctype": doctype,
		"name": name,
		"title": title,
		"user": user,
		"amount": amount,
		"currency": currency,
		"route": route or ["Form", doctype, name],
	}


def documents_source(
	kind: str,
	kinds: set[str],
	doctype: str,
	customers: list[str],
	limit: int,
	*,
	title,
	date_field: str,
	amount_field: str,
	conditions: tuple[str, ...] = ("docstatus < 2",),
	customer_field: str = "customer",
	columns: tuple[str, ...] = (),
) -> list[dict] | None:
	"""The usual source over one doctype: its rows of the customers the user may read, newest first, each an
	entry titled by `title(row)`; [] when the kind is not asked, None when the user may not read the doctype."""
	if kind not in kinds:
		return []
	if not frappe.has_permission(doctype, "read"):
		return None
	selected = ", ".join(
		("name", f"{date_field} as date", f"{amount_field} as amount", "currency", "owner", *columns)
	)
	rows = frappe.db.sql(
		f"""select {selected} from `tab{doctype}`
		where {permitted_where(doctype, [*conditions, f"{customer_field} in %(customers)s"])}
		order by {date_field} desc, creation desc limit %(limit)s""",
		{"customers": tuple(customers), "limit": limit},
		as_dict=True,
	)
	return [
		entry(
			kind,
			row.date,
			doctype,
			row.name,
			title(row),
			user=row.owner,
			amount=flt(row.amount),
			currency=row.currency,
		)
		for row in rows
	]


# the customers domain's sources: comments, the customer's own changes (Version rows), emails sent


def comments_source(customers: list[str], kinds: set[str], limit: int) -> list[dict] | None:
	"""Comments on the customers, and the freeze lines the freeze rule writes (crm_app.customers.freeze)."""
	wanted = [t for t, kind in (("Comment", "comment"), ("Info", "freeze")) if kind in kinds]
	if not wanted:
		return []
	rows = frappe.db.sql(
		"""select name, comment_type, content, comment_email, creation, reference_name from `tabComment`
		where reference_doctype = 'Customer' and reference_name in %(customers)s
			and comment_type in %(types)s
		order by creation desc limit %(limit)s""",
		{"customers": tuple(customers), "types": tuple(wanted), "limit": limit},
		as_dict=True,
	)
	return [
		entry(
			"comment" if row.comment_type == "Comment" else "freeze",
			row.creation,
			"Customer",
			row.reference_name,
			frappe.utils.strip_html(row.content or ""),
			user=row.comment_email,
		)
		for row in rows
	]


# which changed fields of a Version of a Customer make which kind of entry
VERSION_KINDS = {
	"customer_group": "group",
	"credit_limits": "credit",
	"credit_limit_covers_branches": "credit",
}


def _version_kinds(data: dict) -> dict[str, list[str]]:
	found: dict[str, list[str]] = {}
	for field, old, new in data.get("changed") or ():
		if field in VERSION_KINDS:
			found.setdefault(VERSION_KINDS[field], []).append(
				_("{0}: {1} → {2}").format(_(frappe.unscrub(field)), old or "-", new or "-")
			)
	for key in ("added", "removed", "row_changed"):
		for row in data.get(key) or ():
			if row and row[0] in VERSION_KINDS:
				found.setdefault(VERSION_KINDS[row[0]], []).append(_("Credit limits changed"))
	return found


def versions_source(customers: list[str], kinds: set[str], limit: int) -> list[dict] | None:
	"""Group and credit limit changes, from Frappe's Version rows of the customers."""
	wanted = [field for field, kind in VERSION_KINDS.items() if kind in kinds]
	if not wanted:
		return []
	likes = " or ".join(f"data like {frappe.db.escape('%' + json.dumps(field) + '%')}" for field in wanted)
	rows = frappe.db.sql(
		f"""select name, docname, data, owner, creation from `tabVersion`
		where ref_doctype = 'Customer' and docname in %(customers)s and ({likes.replace("%", "%%")})
		order by creation desc limit %(limit)s""",
		{"customers": tuple(customers), "limit": limit},
		as_dict=True,
	)
	entries = []
	for row in rows:
		for kind, lines in _version_kinds(json.loads(row.data or "{}")).items():
			if kind in kinds:
				title = "; ".join(dict.fromkeys(lines))
				entries.append(entry(kind, row.creation, "Customer", row.docname, title, user=row.owner))
	return entries


def communications_source(customers: list[str], kinds: set[str], limit: int) -> list[dict] | None:
	"""Emails sent to the customers; a mailing's statements and reminders by the mailing's type, a
	statement sent from the customer's form by its tag."""
	if not ({"reminder", "statement", "email"} & kinds) or not frappe.has_permission("Communication", "read"):
		return None if not frappe.has_permission("Communication", "read") else []
	rows = frappe.db.sql(
		f"""select `tabCommunication`.name, `tabCommunication`.subject, `tabCommunication`.communication_date,
			`tabCommunication`.sender, `tabCommunication`.reference_name,
			case when max(m.mailing_type) = 'Payment Reminder' then 'reminder'
				when max(m.mailing_type) = 'Statement of Account'
					or `tabCommunication`._user_tags like '%%Statement of Account%%' then 'statement'
				else 'email' end as kind
		from `tabCommunication`
			left join `tabCommunication Link` l on l.parent = `tabCommunication`.name
				and l.link_doctype = 'Customer Mailing'
			left join `tabCustomer Mailing` m on m.name = l.link_name
		where {
			permitted_where(
				"Communication",
				[
					"`tabCommunication`.reference_doctype = 'Customer'",
					"`tabCommunication`.reference_name in %(customers)s",
					"`tabCommunication`.communication_type = 'Communication'",
				],
			)
		}
		group by `tabCommunication`.name
		having kind in %(kinds)s
		order by `tabCommunication`.communication_date desc limit %(limit)s""",
		{"customers": tuple(customers), "kinds": tuple(kinds), "limit": limit},
		as_dict=True,
	)
	return [
		entry(row.kind, row.communication_date, "Communication", row.name, row.subject, user=row.sender)
		for row in rows
	]
