"""National accounts: a head office (a Customer that is a group) and its branches (its subtree), with
the subtree's outstanding and credit limits rolled up."""

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import flt

from crm_app.customers.defaults import get_effective_defaults
from crm_app.input_checks import not_found
from crm_app.trees import subtree_filters


class NotAHeadOfficeError(frappe.ValidationError):
	pass


def subtree_of(customer: str) -> list[frappe._dict]:
	return frappe.get_all(
		"Customer",
		filters=subtree_filters("Customer", customer) or not_found("Customer", customer),
		fields=["name", "customer_name", "parent_customer", "is_group"],
		order_by="lft",
	)


def covering_head_office(customer: str) -> str | None:
	"""The nearest head office (the customer itself or an ancestor) whose credit limit covers its
	whole subtree, if any: the credit rule then weighs the subtree's outstanding against its limit."""
	found = frappe.db.sql(
		"""select head.name from `tabCustomer` head join `tabCustomer` c on c.name = %s
		where head.lft <= c.lft and head.rgt >= c.rgt and head.is_group = 1
			and head.credit_limit_covers_branches = 1
		order by head.lft desc limit 1""",
		customer,
	)
	return found[0][0] if found else None


def national_account_summary(customer: str) -> dict:
	head = frappe.db.get_value(
		"Customer", customer, ["name", "is_group", "credit_limit_covers_branches"], as_dict=True
	)
	if not head.is_group:
		frappe.throw(_("{0} is not a head office").format(frappe.bold(customer)), NotAHeadOfficeError)
	# a user limited to some customers (territory, group) sees those branches and their balance only
	subtree = subtree_of(customer)
	readable = set(
		frappe.get_list("Customer", filters={"name": ("in", [m.name for m in subtree])}, pluck="name")
	)
	members = [m for m in subtree if m.name == customer or m.name in readable]
	effective = get_effective_defaults([m.name for m in members])
	branch_totals = defaultdict(float)
	for member in members[1:]:
		for row in effective[member.name]["values"]["credit_limits"]:
			branch_totals[(row["company"], row["currency"])] += flt(row["credit_limit"])
	outstanding = frappe.db.sql(
		"""select company, currency, sum(amount) as amount from `tabCustomer Ledger Entry`
		where customer in %(members)s group by company, currency having sum(amount) != 0""",
		{"members": tuple(m.name for m in members)},
		as_dict=True,
	)
	return {
		"head_office": customer,
		"outstanding": outstanding,
		"credit_limit_covers_branches": head.credit_limit_covers_branches,
		"branches": [m for m in members[1:]],
		"credit_limits": effective[customer]["values"]["credit_limits"],
		"branch_credit_limits": [
			{"company": company, "currency": currency, "credit_limit": total}
			for (company, currency), total in sorted(branch_totals.items())
		],
	}
