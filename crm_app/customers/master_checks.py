"""The checks ERPNext makes on customers and customer groups: a group is not named like a customer nor a
customer like a group, one credit limit a company (and currency) and one receivable account a company, a
receivable account of the Receivable type, a selling price list as the default one.

Plain functions over values (a document, a dict or an import row): the form, REST and the import call the
same ones (the import passes what it read in bulk, so that a row costs no query)."""

from collections.abc import Container

import frappe
from frappe import _
from frappe.utils import cint

SAME_NAME_OTHER = {"Customer": "Customer Group", "Customer Group": "Customer"}
RECEIVABLE = "Receivable"


class CustomerNamedLikeGroupError(frappe.ValidationError):
	pass


class GroupNamedLikeCustomerError(frappe.ValidationError):
	pass


class DuplicateCreditLimitError(frappe.ValidationError):
	pass


class DuplicatePartyAccountError(frappe.ValidationError):
	pass


class NotAReceivableAccountError(frappe.ValidationError):
	pass


class NotASellingPriceListError(frappe.ValidationError):
	pass


def validate_master(doc) -> None:
	"""All the checks below, as a form save or a REST call of a customer or a customer group makes them."""
	if doc.is_new():
		check_name_free(doc.doctype, doc.name)
	check_credit_limit_rows(doc)
	check_party_account_rows(doc)
	check_receivable_accounts(doc)
	check_selling_price_list(doc.doctype, doc.name, doc.get("default_price_list"))


def check_name_free(doctype: str, name: str, other_names: Container | None = None) -> None:
	"""ERPNext: a customer group may not take a customer's name, nor a customer a group's (links and
	reports would mistake one for the other). `other_names`: the names of the other doctype, when the
	caller has read them."""
	other = SAME_NAME_OTHER[doctype]
	taken = name in other_names if other_names is not None else frappe.db.exists(other, name)
	if not taken:
		return
	if doctype == "Customer":
		frappe.throw(
			_(
				"A Customer Group exists with the same name {0}: change the Customer name or rename the Customer Group"
			).format(frappe.bold(name)),
			CustomerNamedLikeGroupError,
		)
	frappe.throw(
		_("A Customer exists with the same name {0}: choose another Customer Group name").format(
			frappe.bold(name)
		),
		GroupNamedLikeCustomerError,
	)


def check_credit_limit_rows(doc) -> None:
	"""One credit limit a company and currency (ERPNext: "Credit limit is already defined for the Company");
	a row without a currency is in the company's default currency."""
	rows = doc.get("credit_limits") or []
	if len(rows) < 2:
		return
	currencies = _company_currencies({row.company for row in rows if row.company})
	seen = set()
	for row in rows:
		key = (row.company, row.currency or currencies.get(row.company))
		if key in seen:
			frappe.throw(
				_("Credit limit is already defined for the Company {0} in {1} on {2} {3} (row {4})").format(
					frappe.bold(row.company), key[1] or "", _(doc.doctype), frappe.bold(doc.name), row.idx
				),
				DuplicateCreditLimitError,
			)
		seen.add(key)


def check_party_account_rows(doc) -> None:
	"""ERPNext: "There can only be 1 Account per Company" in a party's accounts table."""
	seen = set()
	for row in doc.get("accounts") or []:
		if row.company in seen:
			frappe.throw(
				_("There can only be 1 Account per Company in {0} {1}: {2} is on row {3} again").format(
					_(doc.doctype), frappe.bold(doc.name), frappe.bold(row.company), row.idx
				),
				DuplicatePartyAccountError,
			)
		seen.add(row.company)


def check_receivable_accounts(doc) -> None:
	"""The account of each accounts row is a receivable one (ERPNext offers only those: not a payable
	account, a bank or an income account)."""
	rows = [row for row in doc.get("accounts") or [] if row.account]
	if not rows:
		return
	types = dict(
		frappe.get_all(
			"Account",
			filters={"name": ("in", list({row.account for row in rows}))},
			fields=["name", "account_type"],
			as_list=True,
		)
	)
	for row in rows:
		if row.account in types and types[row.account] != RECEIVABLE:
			frappe.throw(
				_(
					"Account {0} is not a Receivable account ({1}): it cannot be the receivable account of {2} {3} (row {4})"
				).format(
					frappe.bold(row.account),
					_(types[row.account] or "no Account Type"),
					_(doc.doctype),
					frappe.bold(doc.name),
					row.idx,
				),
				NotAReceivableAccountError,
			)


def check_selling_price_list(doctype: str, name: str, price_list: str | None, selling=None) -> None:
	"""The default price list of a customer or a group is one for selling, not a buying-only one.
	`selling`: the price list's flag, when the caller has read it (an unknown price list is the link
	check's to report)."""
	if not price_list:
		return
	if selling is None:
		selling = frappe.db.get_value("Price List", price_list, "selling")
		if selling is None:
			return
	if not cint(selling):
		frappe.throw(
			_(
				"Price List {0} is not a selling price list: it cannot be the Default Price List of {1} {2}"
			).format(frappe.bold(price_list), _(doctype), frappe.bold(name)),
			NotASellingPriceListError,
		)


def selling_flags(price_lists) -> dict[str, int]:
	"""Price list -> its selling flag, for many at once (the import)."""
	if not price_lists:
		return {}
	return dict(
		frappe.get_all(
			"Price List",
			filters={"name": ("in", list(price_lists))},
			fields=["name", "selling"],
			as_list=True,
		)
	)


def _company_currencies(companies: set) -> dict[str, str]:
	if not companies:
		return {}
	return dict(
		frappe.get_all(
			"Company",
			filters={"name": ("in", list(companies))},
			fields=["name", "default_currency"],
			as_list=True,
		)
	)
