"""Sales Order: its status from what was delivered and billed, Close / Re-open, Hold / Resume, delivery
(the app has no Delivery Note), and billing counted from the submitted Sales Invoices that name it."""

import frappe
from frappe import _
from frappe.utils import flt

from crm_app.locks import lock_row
from crm_app.receivables.rules import user_has_settings_role
from crm_app.selling.documents import percent, validate_not_before

# statuses a person sets, kept by every recomputation until that person (or another) lifts them
MANUAL_STATUSES = ("Closed", "On Hold")
HOLD_ROLES = {"Sales Manager", "CRM Manager", "System Manager"}


class InvalidOrderStatusError(frappe.ValidationError):
	pass


class OverBillingError(frappe.ValidationError):
	pass


class InvalidOrderReferenceError(frappe.ValidationError):
	pass


def progress(items) -> tuple[float, float]:
	"""(% delivered by quantity, % billed by amount), each row counted up to what it orders."""
	ordered = sum(flt(i.qty) for i in items)
	delivered = sum(min(flt(i.delivered_qty), flt(i.qty)) for i in items)
	amount = sum(flt(i.amount) for i in items)
	billed = sum(min(flt(i.billed_amt), flt(i.amount)) for i in items)
	return percent(delivered, ordered), percent(billed, amount)


def order_status(docstatus: int, status: str | None, per_delivered: float, per_billed: float) -> str:
	if docstatus == 0:
		return "Draft"
	if docstatus == 2:
		return "Cancelled"
	if status in MANUAL_STATUSES:
		return status
	delivered, billed = flt(per_delivered) >= 99.9999, flt(per_billed) >= 99.9999
	if delivered and billed:
		return "Completed"
	if delivered:
		return "To Bill"
	if billed:
		return "To Deliver"
	return "To Deliver and Bill"


def set_status(doc) -> None:
	doc.per_delivered, doc.per_billed = progress(doc.items)
	doc.status = order_status(doc.docstatus, doc.status, doc.per_delivered, doc.per_billed)


def validate_items(doc) -> None:
	validate_not_before(doc, "delivery_date", doc.delivery_date)
	for item in doc.items:
		if not item.delivery_date:
			item.delivery_date = doc.delivery_date
		validate_not_before(doc, "delivery_date", item.delivery_date, item)
	if doc.is_new() or doc.docstatus == 0:
		for item in doc.items:
			item.delivered_qty, item.billed_amt = 0, 0


def locked_order(name: str):
	"""The order, read after its row is locked: whoever changes its progress or status waits here."""
	if not lock_row("Sales Order", name, ["name"]):
		frappe.throw(_("Sales Order {0} not found").format(name), frappe.DoesNotExistError)
	return frappe.get_doc("Sales Order", name)


def write_progress(order) -> None:
	set_status(order)
	for item in order.items:
		item.db_set(
			{"delivered_qty": item.delivered_qty, "billed_amt": item.billed_amt}, update_modified=False
		)
	order.db_set(
		{"per_delivered": order.per_delivered, "per_billed": order.per_billed, "status": order.status},
		notify=True,
	)


def refuse(order, action: str) -> None:
	frappe.throw(
		_("Sales Order {0} is {1}: it cannot be {2}").format(order.name, _(order.status), action),
		InvalidOrderStatusError,
	)


def close(name: str, close: bool = True) -> str:
	"""Close a submitted order (nothing more to deliver or bill), or re-open it."""
	order = locked_order(name)
	order.check_permission("write")
	if close and (order.docstatus != 1 or order.status in ("Closed", "Cancelled")):
		refuse(order, _("closed"))
	if not close and order.status != "Closed":
		refuse(order, _("re-opened"))
	order.status = "Closed" if close else None
	write_progress(order)
	order.add_comment("Info", _("Closed") if close else _("Re-opened"))
	return order.status


def may_hold() -> bool:
	return bool(HOLD_ROLES & set(frappe.get_roles())) or user_has_settings_role("credit_controller")


def hold(name: str, hold: bool = True, reason: str | None = None) -> str:
	"""Put a submitted order on hold (nothing is delivered or billed until it is resumed), or resume it:
	by a Sales Manager or the credit controller of CRM Settings."""
	order = locked_order(name)
	order.check_permission("read")
	if not may_hold():
		frappe.throw(
			_("Only a Sales Manager or the credit controller may hold or resume an order"),
			frappe.PermissionError,
		)
	if hold and (order.docstatus != 1 or order.status in ("On Hold", "Closed", "Completed", "Cancelled")):
		refuse(order, _("put on hold"))
	if not hold and order.status != "On Hold":
		refuse(order, _("resumed"))
	order.status = "On Hold" if hold else None
	write_progress(order)
	comment = _("On Hold") if hold else _("Resumed")
	order.add_comment("Info", f"{comment}: {reason}" if reason else comment)
	return order.status


def deliver(name: str) -> str:
	"""Record the delivery of everything left to deliver (the app has no Delivery Note)."""
	order = locked_order(name)
	order.check_permission("write")
	if order.status not in ("To Deliver and Bill", "To Deliver"):
		refuse(order, _("delivered"))
	for item in order.items:
		item.delivered_qty = item.qty
	write_progress(order)
	order.add_comment("Info", _("Delivered"))
	return order.status


# ---------------------------------------------------------------------------------------------------
# billing: a Sales Invoice's rows name the order (sales_order) and its row (so_detail), as in ERPNext


def orders_of(invoice) -> list[str]:
	return sorted({item.sales_order for item in invoice.items if item.get("sales_order")})


def check_invoice_against_orders(invoice, method=None) -> None:
	"""Before an invoice of orders is submitted: each order is submitted, open for billing, of the same
	customer and currency, and each row names a row of its order. The orders stay locked until the
	invoice is committed, so the billed amounts read after it count every other invoice."""
	for name in orders_of(invoice):
		lock_row("Sales Order", name, ["name"], invoice)
		order = frappe.db.get_value(
			"Sales Order", name, ["docstatus", "status", "customer", "currency"], as_dict=True
		)
		if order.docstatus != 1 or order.status in ("Closed", "On Hold", "Cancelled"):
			frappe.throw(
				_("Sales Order {0} is {1}: it cannot be billed").format(name, _(order.status)),
				InvalidOrderReferenceError,
			)
		if order.customer != invoice.customer or order.currency != invoice.currency:
			frappe.throw(
				_("Sales Order {0} is for another customer or currency than this invoice").format(name),
				InvalidOrderReferenceError,
			)
	rows = {item.so_detail: item.sales_order for item in invoice.items if item.get("sales_order")}
	if rows:
		found = dict(
			frappe.db.sql(
				"select name, parent from `tabSales Order Item` where name in %(rows)s",
				{"rows": list(rows)},
			)
		)
		for item in invoice.items:
			if item.get("sales_order") and found.get(item.so_detail) != item.sales_order:
				frappe.throw(
					_("Row {0}: the order row does not belong to Sales Order {1}").format(
						item.idx, item.sales_order
					),
					InvalidOrderReferenceError,
				)


def billed_amounts(order: str) -> dict[str, float]:
	"""{order row: amount of the submitted invoices' rows naming it}, one aggregate, read as committed
	(a locking read: the transaction's own snapshot may predate an invoice committed meanwhile)."""
	return {
		row: flt(amount)
		for row, amount in frappe.db.sql(
			"""select sii.so_detail, sum(sii.amount) from `tabSales Invoice Item` sii
			join `tabSales Invoice` si on si.name = sii.parent
			where sii.sales_order = %s and si.docstatus = 1
			group by sii.so_detail lock in share mode""",
			order,
		)
	}


def update_billing(invoice, method=None) -> None:
	"""After an invoice of orders is submitted or cancelled: each order's billed amounts recomputed from
	all its submitted invoices, then its % billed and status. An order billed beyond a row's amount is
	refused (nothing is written)."""
	for name in orders_of(invoice):
		order = locked_order(name)
		billed = billed_amounts(name)
		for item in order.items:
			item.billed_amt = flt(billed.get(item.name), 2)
			if invoice.docstatus == 1 and item.billed_amt > flt(item.amount) + 0.005:
				frappe.throw(
					_("Row {0} of Sales Order {1} would be billed {2} for an amount of {3}").format(
						item.idx, name, item.billed_amt, flt(item.amount)
					),
					OverBillingError,
				)
		write_progress(order)


def lock_orders(invoice, method=None) -> None:
	"""Before an invoice of orders is cancelled: its orders locked before the invoice is written."""
	for name in orders_of(invoice):
		lock_row("Sales Order", name, ["name"], invoice)
