"""Small rules computed from values alone: where a customer's default comes from (crm_app.customers.
defaults), an invoice's status (crm_app.receivables.settlement) and the label of a credit limit's source
(crm_app.receivables.rules). Figures rounded with `flt(x, precision)` are not here: the rounding method is
a System Setting, read from the site."""

import frappe
import pytest

from crm_app.customers.defaults import limits_in_currency, resolve_keyed_rows, resolve_scalar
from crm_app.receivables.rules import limit_source_label
from crm_app.receivables.settlement import invoice_status

GROUPS = [
	frappe._dict(name="Retail", payment_terms=None),
	frappe._dict(name="Commercial", payment_terms="30 days"),
	frappe._dict(name="All Customer Groups", payment_terms="60 days"),
]


def test_a_customers_own_value_wins_then_the_nearest_group():
	assert resolve_scalar("Cash", GROUPS, "payment_terms", None) == {
		"value": "Cash",
		"source": "customer",
		"source_name": None,
	}
	assert resolve_scalar(None, GROUPS, "payment_terms", None) == {
		"value": "30 days",
		"source": "ancestor",
		"source_name": "Commercial",
	}
	assert resolve_scalar(None, GROUPS[1:], "payment_terms", None)["source"] == "group"


def test_the_fallback_comes_last_and_only_with_a_value():
	company = {"value": "15 days", "source": "company", "source_name": "Acme"}
	assert resolve_scalar(None, [GROUPS[0]], "payment_terms", company) == company
	empty = {"value": None, "source": "company", "source_name": "Acme"}
	assert resolve_scalar(None, [GROUPS[0]], "payment_terms", empty) == {
		"value": None,
		"source": None,
		"source_name": None,
	}


def test_keyed_rows_take_the_first_row_per_key_along_the_chain():
	own = [{"company": "A", "credit_limit": 100}]
	rows = {
		"Commercial": [{"company": "A", "credit_limit": 500}, {"company": "B", "credit_limit": 700}],
		"All Customer Groups": [{"company": "C", "credit_limit": 900}, {"company": "B", "credit_limit": 1}],
	}
	resolved = resolve_keyed_rows(own, GROUPS, rows, key=lambda row: row["company"])
	assert {
		key: (row["credit_limit"], row["source"], row["source_name"]) for key, row in resolved.items()
	} == {
		"A": (100, "customer", None),
		"B": (700, "ancestor", "Commercial"),
		"C": (900, "ancestor", "All Customer Groups"),
	}
	assert (
		resolve_keyed_rows(own, GROUPS, rows, key=lambda row: row["company"], skip_own=True)["A"][
			"credit_limit"
		]
		== 500
	)


def test_a_limit_without_currency_takes_its_companys():
	companies = {"Acme": frappe._dict(default_currency="EUR")}
	rows = [
		frappe._dict(company="Acme", currency=None, credit_limit=1),
		frappe._dict(company="Acme", currency="USD", credit_limit=2),
		frappe._dict(company="Gone", currency="EUR", credit_limit=3),  # a company not given is left out
	]
	assert [(row["currency"], row["credit_limit"]) for row in limits_in_currency(rows, companies)] == [
		("EUR", 1),
		("USD", 2),
	]


@pytest.mark.parametrize(
	("fields", "status"),
	[
		({"docstatus": 0}, "Draft"),
		({"docstatus": 2}, "Cancelled"),
		({"docstatus": 1, "is_return": 1, "outstanding_amount": -50}, "Return"),
		({"docstatus": 1, "outstanding_amount": 0, "grand_total": 100}, "Paid"),
		({"docstatus": 1, "outstanding_amount": -0.01, "grand_total": 100}, "Paid"),
		({"docstatus": 1, "outstanding_amount": 40, "grand_total": 100}, "Partly Paid"),
		({"docstatus": 1, "outstanding_amount": 100, "grand_total": 100}, "Unpaid"),
	],
)
def test_an_invoices_status(fields, status):
	assert invoice_status(frappe._dict({"is_return": 0, "due_date": None, **fields})) == status


def test_the_source_of_a_credit_limit_is_named():
	assert limit_source_label({"source": "customer", "source_name": None}) == "the customer's own limit"
	assert (
		limit_source_label({"source": "ancestor", "source_name": "Retail"})
		== "limit of ancestor group Retail"
	)
	assert limit_source_label({"source": "company", "source_name": "Acme"}) == "limit of company Acme"
