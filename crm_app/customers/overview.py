"""The customer's 360 view (seed 004) composed from blocks: each domain lists its block functions in hooks.py
(`customer_overview_blocks`), each function takes the customers (the customer, or a national account's
head office and branches the user may read) and returns its figures, or None when the user may not read
its doctype. This module knows no block's domain: it asks Frappe's hooks for them.

A block: {"key", "tab", "title", "order", "figures": [{"label", "count", "amount", "currency", "hours",
"route"}]}, labels translated. Blocks drawing on the same source read it once per compose
(`shared_source`): each domain reads its blocks' figures in one union, one round trip."""

import frappe
from frappe import _

from crm_app.access import require_permission
from crm_app.input_checks import ensure_exists
from crm_app.permissions import match_conditions, permitted_where

# the tabs of seed 004, in its order, and the activity history
TABS = ("overview", "contacts", "projects", "orders", "quotations", "files", "activity")


class UnknownOverviewTabError(frappe.ValidationError):
	pass


def tab_labels() -> dict[str, str]:
	return {
		"overview": _("Overview"),
		"contacts": _("Contact Details"),
		"projects": _("Projects"),
		"orders": _("Sales Orders / Sales Invoices"),
		"quotations": _("Offers and Quotations"),
		"files": _("Files"),
		"activity": _("Activity"),
	}


def overview_customers(customer: str) -> list[str]:
	"""The customer (a 404 if missing, a 403 if the user may not read it) and, for a head office, the
	branches of its national account the user may read: the customers every block sums over. One query
	under the user's match conditions (user permissions, segment restrictions) rather than loading the
	customer's whole document."""
	require_permission("Customer", "read")
	match = match_conditions("Customer")
	where = f"and ({match})" if match else ""
	rows = frappe.db.sql(
		f"""select `tabCustomer`.name from `tabCustomer` join `tabCustomer` c on c.name = %(customer)s
		where `tabCustomer`.lft >= c.lft and `tabCustomer`.rgt <= c.rgt
			and (`tabCustomer`.name = c.name or c.is_group = 1) {where}
		order by `tabCustomer`.lft""",
		{"customer": customer},
		pluck=True,
	)
	if customer not in rows:
		ensure_exists("Customer", customer)
		frappe.throw(_("No permission for {0}").format(_("Customer")), frappe.PermissionError)
	return [customer, *(name for name in rows if name != customer)]


def compose(customer: str, blocks: list[str] | None = None) -> dict:
	"""Every registered block for the customer, grouped by tab in the seed's order (a tab without any block
	the user may read is left out)."""
	customers = overview_customers(customer)
	paths = frappe.get_hooks("customer_overview_blocks") if blocks is None else blocks
	frappe.local.crm_overview_sources = {}
	try:
		found = [block for block in (frappe.get_attr(path)(customers) for path in paths) if block]
	finally:
		del frappe.local.crm_overview_sources
	labels = tab_labels()
	tabs = []
	for tab in TABS:
		in_tab = sorted((b for b in found if b["tab"] == tab), key=lambda b: (b.get("order") or 0, b["key"]))
		if in_tab or tab in ("overview", "activity"):
			tabs.append({"key": tab, "label": labels[tab], "blocks": in_tab})
	unknown = sorted({b["tab"] for b in found} - set(TABS))
	if unknown:
		frappe.throw(_("Unknown overview tab: {0}").format(", ".join(unknown)), UnknownOverviewTabError)
	return {"customer": customer, "customers": customers, "tabs": tabs}


def shared_source(key: str, customers: list[str], read):
	"""What `read(customers)` returns, read once per compose when several blocks draw on the same source
	(the invoice and ageing blocks on one aggregate of the invoices): one round trip instead of one per
	block. Outside compose (a block called alone) it simply reads."""
	sources = getattr(frappe.local, "crm_overview_sources", None)
	if sources is None:
		return read(customers)
	key = (key, tuple(customers))
	if key not in sources:
		sources[key] = read(customers)
	return sources[key]


def customer_filter(customers: list[str]):
	"""A list view filter on these customers: the customer itself, or `in` the national account's."""
	return customers[0] if len(customers) == 1 else ["in", customers]


def figure(label: str, count=None, amount=None, currency=None, route=None, hours=None, **extra) -> dict:
	return {
		"label": label,
		"count": count,
		"amount": amount,
		"currency": currency,
		"hours": hours,
		"route": route,
		**extra,
	}


# the customers domain's own blocks: segments, files, contacts and addresses, ToDos, all four read from one
# query (customer_records) per compose


def customer_records(customers: list[str]) -> list[frappe._dict]:
	"""One round trip for the customers domain's four blocks: a union of their aggregates, each part over
	the rows of its doctype the user may read, left out when the user may not read the doctype. Rows:
	(source, name, label, count, size), every part naming its columns (the first part present names
	the union's)."""
	parts = []
	if frappe.has_permission("Customer Segment", "read"):
		parts.append(
			f"""select 'segment' as source, `tabCustomer Segment`.name as name,
				`tabCustomer Segment`.segment_name as label, count(distinct m.customer) as count, 0 as size
			from `tabCustomer Segment Member` m
				join `tabCustomer Segment` on `tabCustomer Segment`.name = m.segment
			where {permitted_where("Customer Segment", ["m.customer in %(customers)s", "m.status = 'Member'"])}
			group by `tabCustomer Segment`.name, `tabCustomer Segment`.segment_name"""
		)
	if frappe.has_permission("File", "read"):
		conditions = [
			"attached_to_doctype = 'Customer'",
			"attached_to_name in %(customers)s",
			"is_folder = 0",
		]
		parts.append(
			f"""select 'file' as source, null as name, null as label, count(*) as count,
				ifnull(sum(file_size), 0) as size
			from `tabFile`
			where {permitted_where("File", conditions)}"""
		)
	for doctype in ("Contact", "Address"):
		if frappe.has_permission(doctype, "read"):
			where = permitted_where(
				doctype,
				[
					f"l.parenttype = {frappe.db.escape(doctype)}",
					"l.link_doctype = 'Customer'",
					"l.link_name in %(customers)s",
				],
			)
			parts.append(
				f"""select 'link' as source, {frappe.db.escape(doctype)} as name, null as label,
					count(distinct `tab{doctype}`.name) as count, 0 as size
				from `tab{doctype}` join `tabDynamic Link` l on l.parent = `tab{doctype}`.name where {where}"""
			)
	if frappe.has_permission("ToDo", "read"):
		conditions = ["reference_type = 'Customer'", "reference_name in %(customers)s", "status = 'Open'"]
		parts.append(
			f"""select 'todo' as source, case when date < curdate() then 'overdue'
				when date > curdate() then 'upcoming' else 'to_do' end as name, null as label, count(*) as count,
				0 as size
			from `tabToDo` where {permitted_where("ToDo", conditions)} group by 2"""
		)
	if not parts:
		return []
	return frappe.db.sql(" union all ".join(parts), {"customers": tuple(customers)}, as_dict=True)


def _records(customers: list[str], source: str) -> list[frappe._dict]:
	return [row for row in shared_source("customers", customers, customer_records) if row.source == source]


def segments_block(customers: list[str]) -> dict | None:
	"""The segments the customer (or any of the national account) belongs to."""
	if not frappe.has_permission("Customer Segment", "read"):
		return None
	rows = sorted(_records(customers, "segment"), key=lambda row: (row.label or "", row.name))
	return {
		"key": "segments",
		"tab": "overview",
		"title": _("Segments"),
		"order": 40,
		"figures": [
			figure(row.label or row.name, count=row.count, route=["Form", "Customer Segment", row.name])
			for row in rows
		],
	}


def files_block(customers: list[str]) -> dict | None:
	"""The files attached to the customers (another user's private files are not counted: Frappe's File
	rule)."""
	if not frappe.has_permission("File", "read"):
		return None
	(row,) = _records(customers, "file")
	route = [
		"List",
		"File",
		{"attached_to_doctype": "Customer", "attached_to_name": customer_filter(customers)},
	]
	return {
		"key": "files",
		"tab": "files",
		"title": _("Files"),
		"order": 10,
		"figures": [figure(_("Attached Files"), count=row.count, route=route, size=int(row.size))],
	}


def contacts_block(customers: list[str]) -> dict | None:
	"""The customers' contacts and addresses (Frappe's Contact and Address, linked through Dynamic Link)."""
	rows = sorted(_records(customers, "link"), key=lambda row: row.name != "Contact")
	if not rows:
		return None
	labels = {"Contact": _("Contacts"), "Address": _("Addresses")}
	return {
		"key": "contacts",
		"tab": "contacts",
		"title": _("Contacts and Addresses"),
		"order": 10,
		"figures": [
			figure(
				labels[row.name],
				count=row.count,
				route=[
					"List",
					row.name,
					{"link_doctype": "Customer", "link_name": customer_filter(customers)},
				],
			)
			for row in rows
		],
	}


def todos_block(customers: list[str]) -> dict | None:
	"""Open ToDos on the customers: overdue, to do (today or undated), upcoming; the user's own and those
	they assigned (Frappe's ToDo rule)."""
	if not frappe.has_permission("ToDo", "read"):
		return None
	counts = {row.name: row.count for row in _records(customers, "todo")}
	labels = {"overdue": _("Overdue"), "to_do": _("To Do"), "upcoming": _("Upcoming")}
	base = {"reference_type": "Customer", "reference_name": customer_filter(customers), "status": "Open"}
	today = frappe.utils.nowdate()
	dates = {"overdue": ["<", today], "to_do": ["Timespan", "today"], "upcoming": [">", today]}
	return {
		"key": "todos",
		"tab": "overview",
		"title": _("Open ToDos"),
		"order": 50,
		"figures": [
			figure(
				labels[state],
				count=counts.get(state, 0),
				route=["List", "ToDo", {**base, "date": dates[state]}],
			)
			for state in labels
		],
	}
