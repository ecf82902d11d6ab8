"""A customer segment's rules are data, never code: each names a whitelisted customer field, an operator
that fits the field's kind, and values checked for that kind. They compile to one parameterised SQL
condition over `tabCustomer` (alias `c`), used for every customer at once or for one.

The billing address fields (country, state, city, postal code) read the customer's billing address:
its `customer_primary_address` as ERPNext sets it; without one, the enabled Address linked to the
customer (Dynamic Link) that is its Preferred Billing Address (`is_primary_address`), else one of type
Billing (the oldest). A shipping-only address is never read; no billing address, no value."""

from dataclasses import dataclass

import frappe
from frappe import _
from frappe.utils import cint, getdate

from crm_app.trees import subtree_condition
from crm_app.values import escape_like, yes_no

OPERATORS = {
	"text": ("equals", "not equals", "one of", "none of", "contains", "starts with", "is set", "is not set"),
	"tree": ("in subtree of", "not in subtree of", "equals", "not equals", "is set", "is not set"),
	"number": ("equals", "not equals", "greater than", "at least", "less than", "at most", "between"),
	"date": ("equals", "before", "after", "between", "in the last days", "is set", "is not set"),
	"status": ("equals", "not equals"),
	"check": ("equals",),
}
STATUSES = {
	"Active": "(c.disabled = 0 and c.is_frozen = 0)",
	"Disabled": "c.disabled = 1",
	"Frozen": "c.is_frozen = 1",
}
# custom fields of Customer usable in rules, by Frappe field type
CUSTOM_KINDS = {
	**dict.fromkeys(("Data", "Select", "Link", "Dynamic Link", "Small Text"), "text"),
	**dict.fromkeys(("Int", "Float", "Currency", "Percent"), "number"),
	**dict.fromkeys(("Date", "Datetime"), "date"),
	"Check": "check",
}


class InvalidSegmentRuleError(frappe.ValidationError):
	pass


@dataclass(frozen=True)
class RuleField:
	label: str
	kind: str
	expression: str  # SQL over `c`; {company} is the balance's company condition
	tree: str | None = None  # the tree a value of a `tree` field lies in
	reads_ledger: bool = False
	fieldtype: str | None = None  # the value's widget when the kind's own does not say it (an amount)
	reads: tuple[str, ...] = ()  # doctypes besides Customer (and the field's tree) the expression reads
	reads_date: bool = False  # what it says changes with the date alone


def _kept(column: str, table: str, where: str = "") -> str:
	"""A customer's figure kept by the ledger (receivables.balances), added up over its companies or
	for the segment's company: one indexed lookup per customer."""
	return f"(select ifnull(sum({column}), 0) from `{table}` x where x.customer = c.name {where}{{company}})"


STANDARD_FIELDS = {
	"customer_name": RuleField("Customer Name", "text", "c.customer_name"),
	"customer_type": RuleField("Customer Type", "text", "c.customer_type"),
	"customer_group": RuleField("Customer Group", "tree", "c.customer_group", tree="Customer Group"),
	"territory": RuleField("Territory", "tree", "c.territory", tree="Territory"),
	"status": RuleField("Status", "status", ""),
	"balance": RuleField(
		"Balance",
		"number",
		_kept("x.balance", "tabCustomer Balance"),
		reads_ledger=True,
		fieldtype="Currency",
		reads=("Customer Balance",),
	),
	"overdue_amount": RuleField(
		"Overdue Amount",
		"number",
		# the amounts due before today: what crm_app.overdue calls overdue, by due date
		_kept("x.outstanding_amount", "tabCustomer Due Amount", "and x.due_date < curdate()"),
		reads_ledger=True,
		fieldtype="Currency",
		reads=("Customer Due Amount",),
		reads_date=True,
	),
	"creation": RuleField("Created On", "date", "c.creation"),
	"language": RuleField("Language", "text", "c.language"),
	"sales_person": RuleField("Sales Person", "tree", "", tree="Sales Person", reads=("Sales Team",)),
	"market_segment": RuleField("Market Segment", "text", "c.market_segment"),
	"industry": RuleField("Industry", "text", "c.industry"),
	"default_currency": RuleField("Billing Currency", "text", "c.default_currency"),
}


def _billing_address(column: str) -> str:
	"""A column of the customer's billing address, as a subquery per customer (the primary key, or the
	Dynamic Link index on link_doctype and link_name), so the rules stay one set-based query."""
	return f"""(case when ifnull(c.customer_primary_address, '') != ''
		then (select a.`{column}` from `tabAddress` a where a.name = c.customer_primary_address)
		else (select a.`{column}` from `tabDynamic Link` dl join `tabAddress` a on a.name = dl.parent
			where dl.link_doctype = 'Customer' and dl.link_name = c.name and dl.parenttype = 'Address'
			and a.disabled = 0 and (a.is_primary_address = 1 or a.address_type = 'Billing')
			order by a.is_primary_address desc, a.creation, a.name limit 1) end)"""


# what an address rule reads: a refresh is skipped only when these did not change either
ADDRESS_TABLES = ("Address", "Dynamic Link")
# the customer's billing address (module docstring); fieldnames as Address's, after "billing_"
BILLING_ADDRESS_FIELDS = {
	"billing_country": RuleField(
		"Billing Country", "text", _billing_address("country"), reads=ADDRESS_TABLES
	),
	"billing_state": RuleField("Billing State", "text", _billing_address("state"), reads=ADDRESS_TABLES),
	"billing_city": RuleField("Billing City", "text", _billing_address("city"), reads=ADDRESS_TABLES),
	"billing_pincode": RuleField(
		"Billing Postal Code", "text", _billing_address("pincode"), reads=ADDRESS_TABLES
	),
}


def rule_fields() -> dict[str, RuleField]:
	"""The fields a rule may name: the standard ones, the billing address's and the custom fields of
	Customer."""
	fields = {**STANDARD_FIELDS, **BILLING_ADDRESS_FIELDS}
	for df in frappe.get_meta("Customer").fields:
		kind = CUSTOM_KINDS.get(df.fieldtype)
		if df.get("is_custom_field") and kind and df.fieldname not in fields:
			tree = df.options if df.fieldtype == "Link" and frappe.get_meta(df.options).is_tree else None
			fields[df.fieldname] = RuleField(
				df.label or df.fieldname,
				"tree" if tree else kind,
				f"c.`{df.fieldname}`",
				tree=tree,
				fieldtype=df.fieldtype if kind == "number" else None,
			)
	return fields


# the value's widget of each kind (a number field may say its own: Currency, Int, Percent)
WIDGETS = {
	"text": "Data",
	"tree": "Link",
	"number": "Float",
	"date": "Date",
	"status": "Select",
	"check": "Check",
}
# how the summary says a rule ({0} the field, {1} the value, {2} the second value of "between"),
# translated where it is read
PHRASES = {
	"equals": "{0} is {1}",
	"not equals": "{0} is not {1}",
	"one of": "{0} is one of {1}",
	"none of": "{0} is none of {1}",
	"contains": "{0} contains {1}",
	"starts with": "{0} starts with {1}",
	"is set": "{0} is set",
	"is not set": "{0} is not set",
	"greater than": "{0} greater than {1}",
	"at least": "{0} of at least {1}",
	"less than": "{0} less than {1}",
	"at most": "{0} of at most {1}",
	"between": "{0} between {1} and {2}",
	"in subtree of": "{0} in the branch {1}",
	"not in subtree of": "{0} outside the branch {1}",
	"before": "{0} before {1}",
	"after": "{0} after {1}",
	"in the last days": "{0} in the last {1} days",
}


def field_choices() -> list[dict]:
	"""The fields a rule may name, as a form offers them, sorted by label in the user's language: the
	fieldname (what a rule stores), the label, the kind, the operators of that kind (each with its label
	and the phrase the summary says it with), the value's widget, the tree a value lies in, the values of
	a status."""
	choices = []
	for fieldname, field in rule_fields().items():
		choices.append(
			{
				"fieldname": fieldname,
				"label": _(field.label),
				"kind": field.kind,
				"operators": [
					{"value": operator, "label": _(operator), "phrase": _(PHRASES[operator])}
					for operator in OPERATORS[field.kind]
				],
				"fieldtype": field.fieldtype or WIDGETS[field.kind],
				"tree": field.tree,
				"options": [{"value": s, "label": _(s)} for s in STATUSES]
				if field.kind == "status"
				else None,
				"reads_ledger": field.reads_ledger,
			}
		)
	return sorted(choices, key=lambda choice: choice["label"].lower())


@dataclass
class Compiled:
	where: str  # a condition over `tabCustomer` c
	values: dict
	reads_ledger: bool
	reads: tuple[str, ...] = ()  # the doctypes besides Customer whose rows decide who matches
	reads_date: bool = False  # who matches changes with the date alone


def compile_rules(
	rules: list, match: str = "All", company: str | None = None, fields: dict[str, RuleField] | None = None
) -> Compiled:
	"""The SQL condition of a segment's rules (dicts or child rows with field, operator, value, value_to).
	A rule naming an unknown field or operator, or a value of the wrong type, is refused. No rule: no
	customer matches (members are then added by hand). `fields`: the fields a rule may name,
	`rule_fields()` (read from Customer's meta) when not given."""
	if match not in ("All", "Any"):
		frappe.throw(
			_("Customers Must Match must be All or Any, not {0}").format(match), InvalidSegmentRuleError
		)
	fields = rule_fields() if fields is None else fields
	values, conditions = {}, []
	reads_ledger, reads, reads_date = False, set(), False
	for index, rule in enumerate(rules, start=1):
		rule = frappe._dict(rule) if isinstance(rule, dict) else rule
		field = fields.get(rule.field or "")
		if not field:
			frappe.throw(
				_("Rule {0}: {1} is not a field a segment can use ({2})").format(
					index, rule.field, ", ".join(sorted(fields))
				),
				InvalidSegmentRuleError,
			)
		if rule.operator not in OPERATORS[field.kind]:
			frappe.throw(
				_("Rule {0}: {1} takes the operators {2}, not {3}").format(
					index, _(field.label), ", ".join(_(o) for o in OPERATORS[field.kind]), rule.operator
				),
				InvalidSegmentRuleError,
			)
		conditions.append(_condition(index, rule, field, values))
		reads_ledger = reads_ledger or field.reads_ledger
		reads.update(field.reads + ((field.tree,) if field.tree else ()))
		reads_date = reads_date or field.reads_date or rule.operator == "in the last days"
	if not conditions:
		return Compiled("1 = 0", values, False)
	where = (" and " if match == "All" else " or ").join(f"({c})" for c in conditions)
	company_condition = " and x.company = %(company)s" if company else ""
	values["company"] = company
	return Compiled(
		where.replace("{company}", company_condition), values, reads_ledger, tuple(sorted(reads)), reads_date
	)


def _condition(index: int, rule, field: RuleField, values: dict) -> str:
	key = f"r{index}"
	operator, expression = rule.operator, field.expression

	def value(raw=rule.value, suffix=""):
		values[key + suffix] = _typed(index, field, operator, raw)
		return f"%({key + suffix})s"

	if field.kind == "status":
		status = _one_of(index, field, rule.value, list(STATUSES))
		condition = STATUSES[status]
		return condition if operator == "equals" else f"not {condition}"
	if field.kind == "tree":
		return _tree_condition(index, rule, field, key, values)
	if operator in ("is set", "is not set"):
		empty = f"{expression} is null" if field.kind == "date" else f"ifnull({expression}, '') = ''"
		return f"not ({empty})" if operator == "is set" else empty
	if field.kind == "date":
		day = f"date({expression})"
		if operator == "in the last days":
			values[key] = _whole_number(index, field, rule.value)
			return f"{day} >= curdate() - interval %({key})s day"
		if operator == "between":
			return f"{day} between {value()} and {value(rule.value_to, '_to')}"
		return f"{day} {({'equals': '=', 'before': '<', 'after': '>'})[operator]} {value()}"
	if field.kind == "number":
		if operator == "between":
			return f"{expression} between {value()} and {value(rule.value_to, '_to')}"
		symbol = {
			"equals": "=",
			"not equals": "!=",
			"greater than": ">",
			"at least": ">=",
			"less than": "<",
			"at most": "<=",
		}[operator]
		return f"{expression} {symbol} {value()}"
	if field.kind == "check":
		return f"ifnull({expression}, 0) = {value()}"
	# text
	if operator in ("one of", "none of"):
		items = [item.strip() for item in (rule.value or "").split(",") if item.strip()]
		if not items:
			frappe.throw(
				_("Rule {0}: give the values of {1}, separated by commas").format(index, _(field.label)),
				InvalidSegmentRuleError,
			)
		values[key] = tuple(items)
		return f"ifnull({expression}, '') {'in' if operator == 'one of' else 'not in'} %({key})s"
	if operator in ("contains", "starts with"):
		text = _text(index, field, rule.value)
		escaped = escape_like(text)
		values[key] = f"%{escaped}%" if operator == "contains" else f"{escaped}%"
		return f"{expression} like %({key})s"
	return f"ifnull({expression}, '') {'=' if operator == 'equals' else '!='} {value()}"


def _tree_condition(index: int, rule, field: RuleField, key: str, values: dict) -> str:
	operator = rule.operator
	column = field.expression or None  # None: the customer's sales team, a child table
	if operator in ("is set", "is not set"):
		empty = (
			"not exists (select 1 from `tabSales Team` t where t.parent = c.name and t.parenttype = 'Customer')"
			if column is None
			else f"ifnull({column}, '') = ''"
		)
		return f"not ({empty})" if operator == "is set" else empty
	node = _text(index, field, rule.value)
	subtree = subtree_condition(field.tree, node, "{column}", key)
	if not subtree:
		frappe.throw(
			_("Rule {0}: {1} {2} does not exist").format(index, _(field.tree), node), InvalidSegmentRuleError
		)
	values[key] = node
	values.update(subtree[1])
	if operator in ("equals", "not equals"):
		inside = f"{{column}} = %({key})s"
	else:
		inside = subtree[0]
	if column is None:
		inside = (
			"exists (select 1 from `tabSales Team` t where t.parent = c.name and t.parenttype = 'Customer'"
			f" and {inside.format(column='t.sales_person')})"
		)
	else:
		inside = inside.format(column=column)
	if operator.startswith("not"):
		return f"not ({inside})" if column is None else f"ifnull({column}, '') = '' or not ({inside})"
	return inside


def _text(index: int, field: RuleField, raw) -> str:
	text = str(raw if raw is not None else "").strip()
	if not text:
		frappe.throw(
			_("Rule {0}: give a value for {1}").format(index, _(field.label)), InvalidSegmentRuleError
		)
	if len(text) > 140:
		frappe.throw(
			_("Rule {0}: the value of {1} is too long").format(index, _(field.label)), InvalidSegmentRuleError
		)
	return text


def _one_of(index: int, field: RuleField, raw, allowed: list[str]) -> str:
	text = _text(index, field, raw)
	by_label = {**{a.lower(): a for a in allowed}, **{_(a).lower(): a for a in allowed}}
	if text.lower() not in by_label:
		frappe.throw(
			_("Rule {0}: {1} must be one of {2}, not {3}").format(
				index, _(field.label), ", ".join(_(a) for a in allowed), text
			),
			InvalidSegmentRuleError,
		)
	return by_label[text.lower()]


def _whole_number(index: int, field: RuleField, raw) -> int:
	text = _text(index, field, raw)
	if not text.isdigit() or int(text) > 100000:
		frappe.throw(
			_("Rule {0}: the number of days for {1} must be a whole number, not {2}").format(
				index, _(field.label), text
			),
			InvalidSegmentRuleError,
		)
	return int(text)


def _typed(index: int, field: RuleField, operator: str, raw):
	text = _text(index, field, raw)
	if field.kind == "number":
		try:
			number = float(text.replace(" ", "").replace(",", "."))
		except ValueError:
			number = None
		if number is None or number != number or abs(number) > 1e15:
			frappe.throw(
				_("Rule {0}: {1} takes a number, not {2}").format(index, _(field.label), text),
				InvalidSegmentRuleError,
			)
		return number
	if field.kind == "date":
		try:
			return getdate(text)
		except Exception:
			frappe.throw(
				_("Rule {0}: {1} takes a date (YYYY-MM-DD), not {2}").format(index, _(field.label), text),
				InvalidSegmentRuleError,
			)
	if field.kind == "check":
		if yes_no(text) is None:
			frappe.throw(
				_("Rule {0}: {1} takes yes or no, not {2}").format(index, _(field.label), text),
				InvalidSegmentRuleError,
			)
		return cint(yes_no(text))
	return text
