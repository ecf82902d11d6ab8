"""Quotation and Opportunity statuses: a quotation is Open once submitted, Ordered once a submitted Sales
Order takes it, Expired past its valid till date, Lost when declared so; an opportunity follows its
quotations (Quotation, then Converted) unless declared Lost or Closed."""

import frappe
from frappe import _
from frappe.utils import getdate, nowdate

from crm_app.selling.documents import validate_not_before


class InvalidQuotationStatusError(frappe.ValidationError):
	pass


def is_ordered(quotation: str) -> bool:
	return bool(
		frappe.db.sql(
			"""select 1 from `tabSales Order Item` soi join `tabSales Order` so on so.name = soi.parent
			where soi.prevdoc_docname = %s and so.docstatus = 1 limit 1""",
			quotation,
		)
	)


def is_expired(valid_till, today=None) -> bool:
	return bool(valid_till) and getdate(valid_till) < getdate(today or nowdate())


def quotation_status(doc) -> str:
	if doc.docstatus == 0:
		return "Draft"
	if doc.docstatus == 2:
		return "Cancelled"
	if not doc.is_new() and is_ordered(doc.name):
		return "Ordered"
	if frappe.db.get_value("Quotation", doc.name, "status") == "Lost":
		return "Lost"  # a person's decision (declare_lost), never a client's value
	return "Expired" if is_expired(doc.valid_till) else "Open"


def validate_quotation(doc) -> None:
	validate_not_before(doc, "valid_till", doc.valid_till)
	doc.status = quotation_status(doc)


def show_expired(doc) -> None:
	"""On read: an open quotation past its valid till date is shown Expired before the daily job marks it."""
	if doc.docstatus == 1 and doc.status == "Open" and is_expired(doc.valid_till):
		doc.status = "Expired"


def expire_quotations() -> int:
	"""Daily: every open quotation past its valid till date becomes Expired, in one statement."""
	frappe.db.sql(
		"""update `tabQuotation` set status = 'Expired', modified = now()
		where docstatus = 1 and status = 'Open' and valid_till < %s""",
		nowdate(),
	)
	return frappe.db.sql("select row_count()")[0][0]


def check_quotations_orderable(order) -> None:
	"""Before an order is submitted: the quotations its rows come from are still open (one declared lost,
	cancelled, expired or ordered meanwhile cannot be ordered through a draft made earlier)."""
	names = sorted({item.prevdoc_docname for item in order.items if item.get("prevdoc_docname")})
	for name in names:
		quotation = frappe.db.get_value(
			"Quotation", name, ["docstatus", "status", "valid_till", "party_name"], as_dict=True
		)
		status = (
			"Expired" if quotation.status == "Open" and is_expired(quotation.valid_till) else quotation.status
		)
		if quotation.docstatus != 1 or status != "Open" or quotation.party_name != order.customer:
			frappe.throw(
				_("Quotation {0} is {1}: it cannot be ordered").format(name, _(status)),
				InvalidQuotationStatusError,
			)


def refresh_quotations(names) -> None:
	"""After a Sales Order naming them is submitted or cancelled: Ordered, or back to Open / Expired / Lost,
	and their opportunities follow."""
	for name in sorted(set(filter(None, names))):
		quotation = frappe.get_doc("Quotation", name)
		status = quotation_status(quotation)
		if status != quotation.status:
			quotation.db_set("status", status, notify=True)
		refresh_opportunity(quotation.opportunity)


def declare_lost(name: str, reason: str) -> str:
	quotation = frappe.get_doc("Quotation", name)
	quotation.check_permission("write")
	if quotation.docstatus != 1 or quotation.status not in ("Open", "Expired"):
		frappe.throw(
			_("Quotation {0} is {1}: it cannot be declared lost").format(name, _(quotation.status)),
			InvalidQuotationStatusError,
		)
	quotation.db_set({"status": "Lost", "order_lost_reason": reason}, notify=True)
	refresh_opportunity(quotation.opportunity)
	return "Lost"


# ---------------------------------------------------------------------------------------------------
# opportunities


def opportunity_status(name: str, current: str) -> str:
	"""Lost and Closed are a person's decision; otherwise Converted once one of its quotations is ordered,
	Quotation while one is submitted, else Open."""
	if current in ("Lost", "Closed"):
		return current
	statuses = set(frappe.get_all("Quotation", filters={"opportunity": name, "docstatus": 1}, pluck="status"))
	if "Ordered" in statuses:
		return "Converted"
	if statuses - {"Lost"}:
		return "Quotation"
	return "Open"


def validate_opportunity(doc) -> None:
	"""A saved opportunity keeps the status stored (set by its quotations or a person's decision)."""
	stored = None if doc.is_new() else frappe.db.get_value("Opportunity", doc.name, "status")
	if not frappe.flags.get("crm_opportunity_status"):
		doc.status = opportunity_status(doc.name, stored or "Open") if stored else "Open"
		if doc.status != "Lost":
			doc.order_lost_reason = None


def refresh_opportunity(name: str | None) -> None:
	if not name:
		return
	current = frappe.db.get_value("Opportunity", name, "status")
	if current is None:
		return
	status = opportunity_status(name, current)
	if status != current:
		frappe.db.set_value("Opportunity", name, "status", status)


def set_opportunity_status(name: str, status: str, reason: str | None = None) -> str:
	"""Declare an opportunity Lost (with its reason) or Closed, or open it again."""
	opportunity = frappe.get_doc("Opportunity", name)
	opportunity.check_permission("write")
	allowed = {"Lost": ("Open", "Quotation"), "Closed": ("Open", "Quotation"), "Open": ("Lost", "Closed")}
	if status not in allowed or opportunity.status not in allowed[status]:
		frappe.throw(
			_("Opportunity {0} is {1}: it cannot become {2}").format(name, _(opportunity.status), _(status)),
			InvalidQuotationStatusError,
		)
	if status == "Lost" and not (reason or "").strip():
		frappe.throw(_("Give the reason the opportunity was lost"), frappe.MandatoryError)
	opportunity.status = status if status != "Open" else opportunity_status(name, "Open")
	opportunity.order_lost_reason = reason if status == "Lost" else None
	frappe.flags.crm_opportunity_status = True
	try:
		opportunity.save()
	finally:
		frappe.flags.crm_opportunity_status = False
	return opportunity.status
