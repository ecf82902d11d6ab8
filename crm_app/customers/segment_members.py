"""Who is in a customer segment, and why.

A member row (Customer Segment Member) is a customer the rules brought in (`Rule`), one added by hand
(`Manual`, kept whatever the rules say), or one removed by hand (status `Removed by Hand`: kept out even
when the rules match, and shown so). With "Add or Remove Automatically" on, a refresh brings the rule
members in line with the rules in one set-based pass (two INSERT ... SELECT and one DELETE, whatever the
number of customers); off, the rules only propose (`preview`). Every join and leave is logged (Customer
Segment Log: when, why, by whom). A refresh holds the segment's row lock: refreshes of one segment run
one after the other, and a customer's own update waits for a refresh under way.
"""

import frappe
from frappe import _
from frappe.utils import now

from crm_app.customers.segment_rules import compile_rules

SEGMENT, MEMBER, LOG = "Customer Segment", "Customer Segment Member", "Customer Segment Log"
REMOVED = "Removed by Hand"


class SegmentMemberError(frappe.ValidationError):
	pass


class SegmentInUseError(frappe.ValidationError):
	pass


def refuse_delete_in_use(segment) -> None:
	"""A segment that restricts a role, or that a scheduled mailing (reminders, statements) sends to,
	cannot be deleted: the restricted users would suddenly see every customer, the schedule would fail."""
	if segment.restrict_role:
		frappe.throw(
			_(
				"{0} restricts the role {1} to its customers: clear Restrict Role to Members before deleting it"
			).format(segment.name, segment.restrict_role),
			SegmentInUseError,
		)
	scheduled = frappe.get_all(
		"Customer Mailing", filters={"customer_segment": segment.name, "send_on_schedule": 1}, pluck="name"
	)
	if scheduled:
		frappe.throw(
			_("{0} is used by the scheduled mailings {1}: stop their schedule before deleting it").format(
				segment.name, ", ".join(scheduled)
			),
			SegmentInUseError,
		)


def matching_query(segment) -> tuple[str, dict]:
	"""`select c.name, c.customer_name from tabCustomer c where <rules>` for a segment (a document or a
	dict), and its values."""
	compiled = compile_rules(
		segment.get("rules") or [], segment.get("match") or "All", segment.get("company")
	)
	return f"select c.name, c.customer_name from `tabCustomer` c where {compiled.where}", compiled.values


# rule members the rules no longer select (a condition on `tabCustomer Segment Member`), and customers the
# rules select that have no row yet: what a refresh takes out and brings in, and what its dry run counts
_LEAVING = """segment = %(segment)s and source = 'Rule' and status = 'Member'
	and customer not in (select q.name from ({query}) q)"""
_JOINING = """select m.name, m.customer_name from ({query}) m where not exists
	(select 1 from `tabCustomer Segment Member` x where x.segment = %(segment)s and x.customer = m.name)"""


def lock_segment(name: str, shared: bool = False) -> None:
	frappe.db.sql(
		f"select name from `tabCustomer Segment` where name = %s {'lock in share mode' if shared else 'for update'}",
		name,
	)


def preview(segment) -> dict:
	"""Who the rules would bring in and take out, as counts and the first names of each (the dry run of a
	rule change, before it is saved)."""
	query, values = matching_query(segment)
	values["segment"] = segment.get("name") or ""
	joining = frappe.db.sql(
		f"select j.name from ({_JOINING.format(query=query)}) j order by j.name", values, pluck=True
	)
	leaving = frappe.db.sql(
		f"""select customer from `tabCustomer Segment Member` where {_LEAVING.format(query=query)}
			order by customer""",
		values,
		pluck=True,
	)
	matched = frappe.db.sql(f"select count(*) from ({query}) m", values)[0][0]
	removed = (
		frappe.db.count(MEMBER, {"segment": values["segment"], "status": REMOVED}) if values["segment"] else 0
	)
	return {
		"matching": matched,
		"join": len(joining),
		"leave": len(leaving),
		"joining": joining[:20],
		"leaving": leaving[:20],
		"kept_out": removed,
	}


def refresh(name: str, proposal: bool = False) -> dict:
	"""Bring the rule members of an automatic segment in line with its rules; returns the counts. With
	`proposal`, a segment that does not follow its rules by itself takes in, once, what they propose."""
	lock_segment(name)
	segment = frappe.get_doc(SEGMENT, name)
	if not (segment.auto_update or proposal):
		return {"joined": 0, "left": 0}
	query, values = matching_query(segment)
	values.update(segment=name, now=now(), user=frappe.session.user)
	joining, leaving = _JOINING.format(query=query), _LEAVING.format(query=query)
	_log_query(f"select customer from `tabCustomer Segment Member` where {leaving}", "Left", "Rule", values)
	frappe.db.sql(f"delete from `tabCustomer Segment Member` where {leaving}", values)
	left = frappe.db.sql("select row_count()")[0][0]
	_log_query(f"select name as customer from ({joining}) j", "Joined", "Rule", values)
	frappe.db.sql(
		f"""insert into `tabCustomer Segment Member`
			(name, segment, customer, customer_name, status, source, creation, modified, owner, modified_by)
		select nextval(`customer_segment_member_id_seq`), %(segment)s, j.name, j.customer_name, 'Member', 'Rule',
			%(now)s, %(now)s, %(user)s, %(user)s
		from ({joining}) j""",
		values,
	)
	joined = frappe.db.sql("select row_count()")[0][0]
	_count_members(name)
	return {"joined": joined, "left": left}


def _log_query(select_customers: str, action: str, reason: str, values: dict) -> None:
	"""Log the customers a query selects (a `customer` column); action and reason are constants."""
	frappe.db.sql(
		f"""insert into `tabCustomer Segment Log`
			(name, segment, customer, action, reason, user, creation, modified, owner, modified_by)
		select nextval(`customer_segment_log_id_seq`), %(segment)s, s.customer, '{action}', '{reason}',
			%(user)s, %(now)s, %(now)s, %(user)s, %(user)s
		from ({select_customers}) s""",
		values,
	)


def _count_members(name: str) -> None:
	count = frappe.db.count(MEMBER, {"segment": name, "status": "Member"})
	frappe.db.set_value(
		SEGMENT, name, {"member_count": count, "last_refreshed": now()}, update_modified=False
	)


def refresh_customer(customer: str, ledger_only: bool = False) -> None:
	"""A customer's memberships of the automatic segments, after it changed or its ledger moved (one
	indexed query per segment)."""
	for name in frappe.get_all(SEGMENT, filters={"auto_update": 1}, pluck="name"):
		segment = frappe.get_cached_doc(SEGMENT, name)
		compiled = compile_rules(segment.rules, segment.match, segment.company)
		if ledger_only and not compiled.reads_ledger:
			continue
		lock_segment(name, shared=True)
		values = {**compiled.values, "customer": customer}
		matches = bool(
			frappe.db.sql(
				f"select 1 from `tabCustomer` c where c.name = %(customer)s and ({compiled.where})", values
			)
		)
		row = frappe.db.get_value(
			MEMBER, {"segment": name, "customer": customer}, ["name", "status", "source"], as_dict=True
		)
		if matches and not row:
			_insert_member(name, customer, "Rule")
			log(name, [customer], "Joined", "Rule")
		elif not matches and row and row.source == "Rule" and row.status == "Member":
			frappe.db.delete(MEMBER, {"name": row.name})
			log(name, [customer], "Left", "Rule")
		else:
			continue
		_count_members(name)


def _stamps() -> dict:
	stamp, user = now(), frappe.session.user
	return {"creation": stamp, "modified": stamp, "owner": user, "modified_by": user}


def _insert_member(segment: str, customer: str, source: str) -> None:
	frappe.get_doc(
		{
			"doctype": MEMBER,
			"segment": segment,
			"customer": customer,
			"customer_name": frappe.db.get_value("Customer", customer, "customer_name"),
			"status": "Member",
			"source": source,
			**_stamps(),
		}
	).db_insert()


def log(segment: str, customers: list[str], action: str, reason: str) -> None:
	for customer in customers:
		frappe.get_doc(
			{
				"doctype": LOG,
				"segment": segment,
				"customer": customer,
				"action": action,
				"reason": reason,
				"user": frappe.session.user,
				**_stamps(),
			}
		).db_insert()


def add_members(segment: str, customers: list[str]) -> int:
	"""Add customers by hand: they stay whatever the rules say; a customer removed by hand comes back."""
	lock_segment(segment)
	added = []
	for customer in dict.fromkeys(customers):
		if not frappe.db.exists("Customer", customer):
			frappe.throw(_("{0} {1} does not exist").format(_("Customer"), customer), SegmentMemberError)
		row = frappe.db.get_value(
			MEMBER, {"segment": segment, "customer": customer}, ["name", "status"], as_dict=True
		)
		if row and row.status == "Member":
			continue
		if row:
			frappe.db.set_value(MEMBER, row.name, {"status": "Member", "source": "Manual"})
		else:
			_insert_member(segment, customer, "Manual")
		added.append(customer)
	log(segment, added, "Joined", "Manual")
	_count_members(segment)
	return len(added)


def remove_members(segment: str, customers: list[str]) -> int:
	"""Remove customers by hand. In an automatic segment the removal sticks (the row stays, `Removed by
	Hand`, so the rules do not bring the customer back); otherwise the row goes."""
	lock_segment(segment)
	automatic = frappe.db.get_value(SEGMENT, segment, "auto_update")
	removed = []
	for customer in dict.fromkeys(customers):
		row = frappe.db.get_value(
			MEMBER, {"segment": segment, "customer": customer}, ["name", "status"], as_dict=True
		)
		if not row or row.status != "Member":
			continue
		if automatic:
			frappe.db.set_value(MEMBER, row.name, {"status": REMOVED, "source": "Manual"})
		else:
			frappe.db.delete(MEMBER, {"name": row.name})
		removed.append(customer)
	log(segment, removed, "Left", "Manual")
	_count_members(segment)
	return len(removed)


def on_customer_update(doc, method=None) -> None:
	refresh_customer(doc.name)


def on_customer_trash(doc, method=None) -> None:
	frappe.db.delete(MEMBER, {"customer": doc.name})


def refresh_all(names: list[str] | None = None, progress=None) -> dict:
	"""Refresh the automatic segments, or those named (the daily job, `bench crm refresh-segments`)."""
	if names is None:
		names = frappe.get_all(SEGMENT, filters={"auto_update": 1}, pluck="name", order_by="name")
	counts = {}
	for index, name in enumerate(names, start=1):
		counts[name] = refresh(name)
		frappe.db.commit()  # one segment at a time: a long run holds no lock on the others
		if progress:
			progress(index, len(names), name, counts[name])
	return counts


def enqueue_refresh_all() -> None:
	frappe.enqueue(
		"crm_app.customers.segment_members.refresh_all",
		queue="long",
		job_id="crm_refresh_segments",
		deduplicate=True,
	)
