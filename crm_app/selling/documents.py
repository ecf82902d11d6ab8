"""What the three selling documents share: their party, the customer's values in force, items and totals,
dates, and the freeze rule at submission. Each rule is the one Sales Invoice uses (crm_app.receivables)."""

import frappe
from frappe import _
from frappe.utils import flt, getdate

from crm_app.guards import validate_links
from crm_app.receivables import invoicing, rules


class InvalidDateOrderError(frappe.ValidationError):
	"""A date before the document's own date (valid till, delivery date)."""


class InvalidPartyError(frappe.ValidationError):
	pass


# the field naming the party's doctype on each document (ERPNext's)
PARTY_TYPE_FIELD = {"Quotation": "quotation_to", "Opportunity": "opportunity_from"}


def set_party(doc) -> None:
	"""`customer` names the customer a quotation or an opportunity is for (empty for a lead): the scope of
	the user's permissions and the customer's values in force follow it; `customer_name` is the party's."""
	party_type = doc.get(PARTY_TYPE_FIELD[doc.doctype])
	if party_type not in ("Customer", "Lead"):
		frappe.throw(_("The party must be a Customer or a Lead"), InvalidPartyError)
	if party_type == "Customer":
		doc.customer = doc.party_name
		doc.customer_name = frappe.db.get_value("Customer", doc.party_name, "customer_name")
	else:
		doc.customer = None
		lead = frappe.db.get_value("Lead", doc.party_name, ["lead_name", "company_name"], as_dict=True)
		doc.customer_name = lead and (lead.company_name or lead.lead_name)


def validate_party(doc, required: tuple[str, ...]) -> None:
	"""Links exist, the customer is enabled, and the party decides `customer`."""
	validate_links(doc, required=required)
	if doc.doctype in PARTY_TYPE_FIELD:
		set_party(doc)
	if doc.get("customer"):
		rules.validate_customer_enabled(doc)


def validate_money_document(doc) -> None:
	"""A quotation's or an order's values: the customer's values in force fill what is empty (the same
	path as a new Sales Invoice), then rates from the price list, amounts and totals in the document's
	currency; quantities above zero, rates not negative."""
	if doc.get("customer"):
		invoicing.set_missing_values(doc)
	if not doc.currency and doc.company:
		doc.currency = frappe.db.get_value("Company", doc.company, "default_currency")
	invoicing.validate_signs(doc)
	invoicing.calculate_totals(doc)
	doc.total = doc.net_total


def validate_not_before(doc, fieldname: str, value, row=None) -> None:
	"""A date of the document (or of one of its rows) cannot come before the document's date."""
	if value and doc.transaction_date and getdate(value) < getdate(doc.transaction_date):
		label = _((row or doc).meta.get_label(fieldname))
		dates = frappe.format(value, "Date"), frappe.format(doc.transaction_date, "Date")
		message = (
			_("Row {0}: {1} ({2}) cannot be before the document's date ({3})").format(row.idx, label, *dates)
			if row
			else _("{0} ({1}) cannot be before the document's date ({2})").format(label, *dates)
		)
		frappe.throw(
			message,
			InvalidDateOrderError,
		)


def check_not_frozen(doc) -> None:
	"""The freeze rule of Sales Invoice, for every money document submitted for a customer."""
	if doc.get("customer"):
		rules.validate_not_frozen(doc.customer, doc.doctype, doc)


def percent(part: float, whole: float) -> float:
	return flt(flt(part) * 100 / flt(whole), 6) if flt(whole) else 0.0


def validate_opportunity_amount(doc) -> None:
	"""An opportunity's currency is its customer's in force (else its company's); its amount not negative."""
	if doc.get("customer"):
		invoicing.set_missing_values(doc)
	if not doc.currency and doc.company:
		doc.currency = frappe.db.get_value("Company", doc.company, "default_currency")
	if flt(doc.opportunity_amount) < 0:
		frappe.throw(_("The opportunity amount cannot be negative"), invoicing.InvalidQuantityError)
