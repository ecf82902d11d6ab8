"""Dated membership (a type 2 history): which customer group, territory and sales team a customer had,
from when to when, and who changed it.

Every path that changes a customer ends here, in the transaction of the change: a form or REST save
(the customer's `on_update`, which the group change tool's saves also go through) and the import's
batches (one statement per field for a whole batch, not a query per row). A rolled back change leaves no
row. Posted figures keep the group and territory of their day on their own rows (ledger, invoices,
orders); this history says who moved whom and when.

Figures by group or territory are read two ways (`GROUPINGS`): as at the time (by the group and
territory stored on the ledger row or the document when it was posted, the default) or as grouped today
(by the customer's current group and territory). Neither rewrites a posted document.
"""

import frappe
from frappe import _
from frappe.utils import now

from crm_app.guards import app_writes

HISTORY = "Customer Membership History"
# customer field -> the history's `field`
FIELDS = {"customer_group": "Customer Group", "territory": "Territory", "sales_team": "Sales Team"}

AS_AT_THE_TIME = "As at the Time"
AS_GROUPED_TODAY = "As Grouped Today"
GROUPINGS = (AS_AT_THE_TIME, AS_GROUPED_TODAY)
_CHUNK = 500


class InvalidGroupingError(frappe.ValidationError):
	pass


def check_grouping(grouping: str | None) -> str:
	"""The grouping asked for (as at the time when none is given); a translated 417 for another value."""
	grouping = grouping or AS_AT_THE_TIME
	if grouping not in GROUPINGS:
		frappe.throw(
			_("{0} must be one of {1}").format(_("Grouping"), ", ".join(_(g) for g in GROUPINGS)),
			InvalidGroupingError,
		)
	return grouping


def sales_team_value(rows) -> str | None:
	"""A sales team as one value: its members and their shares, by member (so the order of the rows on
	the form is no change)."""
	members = sorted(
		(row.get("sales_person"), row.get("allocated_percentage") or 0)
		for row in rows or ()
		if row.get("sales_person")
	)
	return ", ".join(f"{person} ({share:g}%)" for person, share in members) or None


def record_customer_membership(customer) -> None:
	"""A saved customer's changes of group, territory and sales team (all three when it is new)."""
	before = None if customer.flags.in_insert else customer.get_doc_before_save()
	values = {
		"customer_group": customer.customer_group or None,
		"territory": customer.territory or None,
		"sales_team": sales_team_value(customer.sales_team),
	}
	if before is None:
		changes = [(customer.name, field, value) for field, value in values.items() if value]
		reason = customer.flags.membership_reason or _("Customer created")
	else:
		previous = {
			"customer_group": before.customer_group or None,
			"territory": before.territory or None,
			"sales_team": sales_team_value(before.sales_team),
		}
		changes = [
			(customer.name, field, value) for field, value in values.items() if value != previous[field]
		]
		reason = customer.flags.membership_reason or _("Customer saved")
	record_membership_changes(changes, reason)


def record_membership_changes(changes: list[tuple[str, str, str | None]], reason: str) -> None:
	"""(customer, customer fieldname, new value) for many customers at once: each one's open row of that
	field is closed now and a row opened with the new value, by the session's user. One UPDATE per field
	and one INSERT per chunk, whatever the number of customers."""
	if not changes:
		return
	stamp, user = now(), frappe.session.user
	by_field = {}
	for customer, field, _value in changes:
		by_field.setdefault(FIELDS[field], set()).add(customer)
	with app_writes():
		for field, customers in sorted(by_field.items()):
			frappe.db.sql(
				"""update `tabCustomer Membership History` set valid_to = %(stamp)s, modified = %(stamp)s,
					modified_by = %(user)s
				where field = %(field)s and customer in %(customers)s and valid_to is null""",
				{"stamp": stamp, "user": user, "field": field, "customers": tuple(sorted(customers))},
			)
		rows = [
			(customer, FIELDS[field], value, stamp, user, reason, stamp, stamp, user, user)
			for customer, field, value in changes
		]
		placeholder = (
			"(nextval(`customer_membership_history_id_seq`), %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
		)
		for start in range(0, len(rows), _CHUNK):
			chunk = rows[start : start + _CHUNK]
			frappe.db.sql(
				"""insert into `tabCustomer Membership History` (name, customer, field, value, valid_from,
					changed_by, reason, creation, modified, owner, modified_by) values """
				+ ", ".join([placeholder] * len(chunk)),
				[value for row in chunk for value in row],
			)


def on_customers_deleted(customers: list[str]) -> None:
	"""A deleted customer's history goes with it (reaction to `customers_deleted`, before Frappe's check
	of the records linked to it)."""
	if customers:
		frappe.db.delete(HISTORY, {"customer": ("in", customers)})
