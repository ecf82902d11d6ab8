"""Who is in a customer segment, and why.

A member row (Customer Segment Member) is a customer the rules brought in (`Rule`), one added by hand
(`Manual`, kept whatever the rules say), or one removed by hand (status `Removed by Hand`: kept out even
when the rules match, and shown so). With "Add or Remove Automatically" on, a refresh brings the rule
members in line with the rules in one set-based pass (the rules evaluated once, the differences written in
multi-row statements, whatever the number of customers); off, the rules only propose (`preview`). Every
join and leave is logged (Customer Segment Log: when, why, by whom).

Locks: a refresh, and a change by hand, hold the segment's row lock, so they run one after the other; a
refresh then reads the customers it selects with a locking read. A customer's own change never waits for
a segment (see `refresh_customers`), so a refresh and customer saves cannot wait for each other.
"""

import hashlib

import frappe
from frappe import _
from frappe.utils import now

from crm_app.customers.segment_rules import Compiled, compile_rules
from crm_app.locks import lock_row, runs_again_after_deadlock

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


def matching_query(segment, compiled: Compiled | None = None) -> tuple[str, dict]:
	"""`select c.name, c.customer_name from tabCustomer c where <rules>` for a segment (a document or a
	dict), and its values."""
	compiled = compiled or compile_rules(
		segment.get("rules") or [], segment.get("match") or "All", segment.get("company")
	)
	return f"select c.name, c.customer_name from `tabCustomer` c where {compiled.where}", compiled.values


def lock_segment(name: str) -> None:
	"""The segment's row lock, waited for a bounded time (409 "busy, try again" beyond)."""
	lock_row(SEGMENT, name, ["name"])


def _matches(segment, lock: bool = False, compiled: Compiled | None = None) -> dict[str, str]:
	"""Customer -> customer name, for the customers the rules select. With `lock`, a locking read: it sees
	what is committed now (not the transaction's snapshot) and keeps those customers unchanged until the
	refresh commits."""
	query, values = matching_query(segment, compiled)
	return dict(frappe.db.sql(query + (" lock in share mode" if lock else ""), values))


def _changes(
	name: str | None, matched: dict[str, str], lock: bool = False
) -> tuple[list[str], list[frappe._dict]]:
	"""Who the rules bring in (customers with no row yet: a manual removal keeps its row, so it is not
	brought back) and which rule members they take out. With `lock`, the rows as committed now (a
	customer's own change may have added one since this transaction's snapshot)."""
	rows = (
		frappe.db.sql(
			"select name, customer, status, source from `tabCustomer Segment Member` where segment = %s"
			+ (" for update" if lock else ""),
			name,
			as_dict=True,
		)
		if name
		else []
	)
	present = {row.customer for row in rows}
	joining = sorted(customer for customer in matched if customer not in present)
	leaving = sorted(
		(
			row
			for row in rows
			if row.source == "Rule" and row.status == "Member" and row.customer not in matched
		),
		key=lambda row: row.customer,
	)
	return joining, leaving


def preview(segment) -> dict:
	"""Who the rules would bring in and take out, as counts and the first names of each (the dry run of a
	rule change, before it is saved), and the company whose ledger the balance rules counted: the one a
	save keeps (an empty company stays empty, every company)."""
	name = segment.get("name") or None
	matched = _matches(segment)
	joining, leaving = _changes(name, matched)
	removed = frappe.db.count(MEMBER, {"segment": name, "status": REMOVED}) if name else 0
	return {
		"matching": len(matched),
		"join": len(joining),
		"leave": len(leaving),
		"joining": joining[:20],
		"leaving": [row.customer for row in leaving[:20]],
		"kept_out": removed,
		"company": segment.get("company") or None,  # the ledger balance rules counted; None: every company
	}


@runs_again_after_deadlock("Customer Segment")
def refresh(name: str, proposal: bool = False) -> dict:
	"""Bring the rule members of an automatic segment in line with its rules; returns the counts. With
	`proposal`, a segment that does not follow its rules by itself takes in, once, what they propose.

	Nothing is evaluated when nothing the rules read has changed since the last refresh (see
	`_fingerprint`). Otherwise the rules are evaluated once, as a locking read, and the differences
	written in multi-row statements. The segment's row lock comes first: a customer saved meanwhile does
	not wait for it (see `refresh_customers`), so the two never wait for each other."""
	lock_segment(name)
	segment = frappe.get_doc(SEGMENT, name)
	if not (segment.auto_update or proposal):
		return {"joined": 0, "left": 0}
	compiled = compile_rules(segment.rules, segment.match, segment.company)
	# read before the rules are evaluated, on this transaction's snapshot, so that it never describes
	# data newer than what the evaluation saw: a change committed meanwhile makes the next refresh work
	data = _data_fingerprint(compiled)
	if segment.refresh_fingerprint == _fingerprint(data, name):
		_count_members(name)
		return {"joined": 0, "left": 0}
	matched = _matches(segment, lock=True, compiled=compiled)
	joining, leaving = _changes(name, matched, lock=True)
	for chunk in _chunks([row.name for row in leaving]):
		frappe.db.sql("delete from `tabCustomer Segment Member` where name in %(names)s", {"names": chunk})
	stamps = _stamps()
	_insert_many(
		MEMBER,
		["segment", "customer", "customer_name", "status", "source"],
		[(name, customer, matched[customer], "Member", "Rule") for customer in joining],
		stamps,
	)
	_insert_many(
		LOG,
		["segment", "customer", "action", "reason", "user"],
		[(name, row.customer, "Left", "Rule", stamps["owner"]) for row in leaving]
		+ [(name, customer, "Joined", "Rule", stamps["owner"]) for customer in joining],
		stamps,
	)
	_count_members(name, _fingerprint(data, name))
	return {"joined": len(joining), "left": len(leaving)}


# What a row of a table a rule reads says, for the fingerprint: its name and modified (every app write
# sets it), and for the figures the ledger keeps, the figures themselves (added to in place).
_ROW_DIGESTS = {
	"Customer Balance": "customer, company, currency, balance",
	"Customer Due Amount": "customer, company, currency, due_date, outstanding_amount",
	"Sales Team": "parent, parenttype, sales_person, modified",
	# the columns the billing address rules read, not only `modified` (a data fix may leave it)
	"Address": "name, modified, country, state, city, pincode, disabled, is_primary_address, address_type",
	"Dynamic Link": "name, parent, parenttype, link_doctype, link_name",
}


def _table_digest(doctype: str) -> str:
	columns = _ROW_DIGESTS.get(doctype) or (
		"name, lft, rgt, modified" if frappe.get_meta(doctype).is_tree else "name, modified"
	)
	# two checksums of every row, order-free: any row added, removed or changed changes them
	return frappe.db.sql(
		f"""select count(*), ifnull(sum(crc32(concat_ws('|', {columns}))), 0),
			ifnull(bit_xor(crc32(concat_ws('#', {columns}))), 0)
		from `tab{doctype}`"""
	)[0]


def _data_fingerprint(compiled: Compiled) -> list:
	"""What the segment's rules read, in a few numbers: the rules as compiled (fields, values, the
	subtrees' bounds, the company), the date when what they say changes with it, and checksums of the
	customers and of each table their fields read."""
	return [
		compiled.where,
		sorted((key, str(value)) for key, value in compiled.values.items()),
		str(frappe.utils.getdate()) if compiled.reads_date else "",
		[(doctype, *map(str, _table_digest(doctype))) for doctype in ("Customer", *compiled.reads)],
	]


def _fingerprint(data: list, name: str) -> str:
	"""The data's fingerprint and the segment's rows (members by hand, removals by hand): a refresh
	whose fingerprint is the one the last refresh stored would change nothing."""
	members = frappe.db.sql(
		"""select count(*), ifnull(sum(crc32(concat_ws('|', customer, status, source))), 0)
		from `tabCustomer Segment Member` where segment = %s""",
		name,
	)[0]
	return hashlib.sha256(repr([data, [str(value) for value in members]]).encode()).hexdigest()


def _chunks(items: list, size: int = 1000):
	for start in range(0, len(items), size):
		yield tuple(items[start : start + size])


def _insert_many(
	doctype: str, columns: list[str], rows: list[tuple], stamps: dict, ignore_existing: str | None = None
) -> list:
	"""Rows of an autoincrement doctype, a thousand per statement, named from its sequence. With
	`ignore_existing` (a column), a row whose unique key exists already is skipped, and the column's value
	of the rows actually written is returned."""
	table, sequence = f"`tab{doctype}`", f"`{frappe.scrub(doctype)}_id_seq`"
	stamp_columns = list(stamps)
	placeholders = f"(nextval({sequence}), {', '.join(['%s'] * (len(columns) + len(stamp_columns)))})"
	written = []
	for chunk in _chunks(rows):
		result = frappe.db.sql(
			f"""insert {"ignore " if ignore_existing else ""}into {table} (name, {", ".join(columns + stamp_columns)})
			values {", ".join([placeholders] * len(chunk))}
			{f"returning `{ignore_existing}`" if ignore_existing else ""}""",
			[value for row in chunk for value in (*row, *stamps.values())],
		)
		if ignore_existing:
			written.extend(row[0] for row in result)
	return written


def _count_members(name: str, fingerprint: str | None = None) -> None:
	"""The member count, and when the rules were last checked; a refresh that evaluated them stores the
	fingerprint of what it saw."""
	count = frappe.db.count(MEMBER, {"segment": name, "status": "Member"})
	values = {"member_count": count, "last_refreshed": now()}
	if fingerprint is not None:
		values["refresh_fingerprint"] = fingerprint
	frappe.db.set_value(SEGMENT, name, values, update_modified=False)


def _automatic_segments() -> list[tuple[str, object]]:
	"""(name, compiled rules) of the automatic segments, compiled once per request or job (a customer
	import saves many customers)."""
	cache = getattr(frappe.local, "crm_compiled_segments", None)
	if cache is None:
		cache = frappe.local.crm_compiled_segments = {}
	segments = []
	for row in frappe.get_all(
		SEGMENT, filters={"auto_update": 1}, fields=["name", "modified"], order_by="name"
	):
		cached = cache.get(row.name)
		if not cached or cached[0] != row.modified:
			segment = frappe.get_doc(SEGMENT, row.name)
			cached = cache[row.name] = (
				row.modified,
				compile_rules(segment.rules, segment.match, segment.company),
			)
		segments.append((row.name, cached[1]))
	return segments


def refresh_customers(customers: list[str], ledger_only: bool = False) -> None:
	"""Customers' memberships of the automatic segments, after they changed or their ledger moved: per
	segment, one query selects which of them the rules match, and the differences are written in
	multi-row statements, whatever the number of customers (an import announces thousands at once).

	Nothing here waits for a segment: this transaction holds the customers' rows, which a refresh under
	way may be waiting to read. A segment being refreshed or changed by hand (its row lock taken) is
	skipped, and the customers checked again in the background once this transaction commits. The member
	count, which would need the segment's row, is brought up to date there too."""
	customers = sorted(set(customers))
	if not customers:
		return
	changed, busy = [], False
	for name, compiled in _automatic_segments():
		if ledger_only and not compiled.reads_ledger:
			continue
		if not frappe.db.sql(
			"select name from `tabCustomer Segment` where name = %s lock in share mode skip locked", name
		):
			busy = True
			continue
		if _refresh_segment_for(name, compiled, customers):
			changed.append(name)
	if changed or busy:
		_settle_after_commit(customers if busy else [], changed)


def _refresh_segment_for(name: str, compiled, customers: list[str]) -> bool:
	"""One segment's rule rows for some customers brought in line with its rules; True if any changed. A
	row already there (a member, or a customer removed by hand) is left as it is.

	Nothing is decided on this transaction's snapshot, which may be stale (a refresh may have committed a
	change to these rows since): every matching customer is inserted unless its row exists, every other
	one's rule row deleted, and only the rows the statements actually wrote are logged."""
	matched = {}
	for chunk in _chunks(customers):
		matched.update(
			frappe.db.sql(
				f"""select c.name, c.customer_name from `tabCustomer` c
				where c.name in %(customers)s and ({compiled.where})""",
				{**compiled.values, "customers": chunk},
			)
		)
	joining = [customer for customer in customers if customer in matched]
	leaving = [customer for customer in customers if customer not in matched]
	stamps = _stamps()
	joined = _insert_many(
		MEMBER,
		["segment", "customer", "customer_name", "status", "source"],
		[(name, customer, matched[customer], "Member", "Rule") for customer in joining],
		stamps,
		ignore_existing="customer",
	)
	left = []
	for chunk in _chunks(leaving):
		left.extend(
			row[0]
			for row in frappe.db.sql(
				"""delete from `tabCustomer Segment Member` where segment = %(segment)s
				and customer in %(customers)s and source = 'Rule' and status = 'Member' returning customer""",
				{"segment": name, "customers": chunk},
			)
		)
	_insert_many(
		LOG,
		["segment", "customer", "action", "reason", "user"],
		[(name, customer, "Left", "Rule", stamps["owner"]) for customer in sorted(left)]
		+ [(name, customer, "Joined", "Rule", stamps["owner"]) for customer in sorted(joined)],
		stamps,
	)
	return bool(joined or left)


_PENDING = "crm_segments_to_settle"


def _settle_after_commit(customers: list[str], segments: list[str]) -> None:
	"""Queue, once this transaction commits, one job for what the customer changes of this request left to
	do: customers to check again, segments to recount."""
	pending = getattr(frappe.local, _PENDING, None)
	if pending is None:
		pending = {"customers": set(), "segments": set()}
		setattr(frappe.local, _PENDING, pending)
		frappe.db.after_commit.add(_queue_settle)
		frappe.db.after_rollback.add(lambda: setattr(frappe.local, _PENDING, None))
	pending["customers"].update(customers)
	pending["segments"].update(segments)


def _queue_settle() -> None:
	pending = getattr(frappe.local, _PENDING, None)
	setattr(frappe.local, _PENDING, None)
	if pending:
		frappe.enqueue(
			"crm_app.customers.segment_members.settle",
			queue="short",
			customers=sorted(pending["customers"]),
			segments=sorted(pending["segments"]),
		)


def settle(customers: list[str], segments: list[str]) -> None:
	"""The background end of customer changes: check again the customers whose segments were busy, then
	recount the segments whose members changed."""
	existing = (
		frappe.get_all("Customer", filters={"name": ("in", customers)}, pluck="name") if customers else []
	)
	refresh_customers(existing)
	frappe.db.commit()
	for name in segments:
		if frappe.db.exists(SEGMENT, name):
			lock_segment(name)
			_count_members(name)
			frappe.db.commit()


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


def on_customers_changed(customers: list[str], created: list[str] | None = None) -> None:
	"""Reaction to `customers_changed`: the customers' automatic segments follow them."""
	refresh_customers(customers)


def on_ledger_posted(customers: list[str]) -> None:
	"""Reaction to `ledger_posted`: the automatic segments whose rules read balances follow the ledger."""
	refresh_customers(customers, ledger_only=True)


def on_customers_deleted(customers: list[str]) -> None:
	"""Reaction to `customers_deleted`: their member rows go; the segments are recounted after commit."""
	segments = set()
	for chunk in _chunks(sorted(set(customers))):
		segments.update(
			frappe.get_all(MEMBER, filters={"customer": ("in", chunk)}, pluck="segment", distinct=True)
		)
		frappe.db.delete(MEMBER, {"customer": ("in", chunk)})
	if segments:
		_settle_after_commit([], sorted(segments))


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


def refresh_all_job() -> dict:
	"""`refresh_all` as a background job: its progress shown in the desk of whoever queued it."""
	return refresh_all(
		progress=lambda done, total, name, _count: frappe.publish_progress(
			done * 100 / total, title=_("Refreshing segments"), description=name
		)
	)


def enqueue_refresh_all() -> None:
	frappe.enqueue(
		"crm_app.customers.segment_members.refresh_all_job",
		queue="long",
		job_id="crm_refresh_segments",
		deduplicate=True,
	)
