"""A segment's rules compiled to one parameterised SQL condition (crm_app.customers.segment_rules), on the
standard rule fields (and a custom one) given in, so no meta is read: values never enter the SQL text,
and an unknown field, an operator that does not fit, or a value of the wrong type is refused."""

import datetime

import frappe
import pytest

from crm_app.customers.segment_rules import (
	STANDARD_FIELDS,
	InvalidSegmentRuleError,
	RuleField,
	compile_rules,
)

FIELDS = {**STANDARD_FIELDS, "loyal": RuleField("Loyal", "check", "c.`loyal`")}


def compiled(*rules, match="All", company=None):
	return compile_rules(
		[dict(zip(("field", "operator", "value", "value_to"), rule, strict=False)) for rule in rules],
		match,
		company,
		fields=FIELDS,
	)


def refused(*rules, match="All"):
	with pytest.raises(InvalidSegmentRuleError) as error:
		compiled(*rules, match=match)
	return str(error.value)


def test_no_rule_matches_no_customer():
	result = compiled()
	assert (result.where, result.values, result.reads_ledger) == ("1 = 0", {}, False)


def test_a_text_rule_compiles_to_a_placeholder_never_to_the_value():
	result = compiled(("customer_name", "equals", "O'Brien'); drop table x; --"))
	assert result.where == "(ifnull(c.customer_name, '') = %(r1)s)"
	assert result.values == {"r1": "O'Brien'); drop table x; --", "company": None}
	assert not result.reads_ledger


def test_all_joins_with_and_any_with_or():
	rules = [("customer_type", "equals", "Company"), ("language", "not equals", "fr")]
	assert compiled(*rules).where == (
		"(ifnull(c.customer_type, '') = %(r1)s) and (ifnull(c.language, '') != %(r2)s)"
	)
	assert " or " in compiled(*rules, match="Any").where


def test_one_of_takes_a_comma_separated_list():
	result = compiled(("industry", "one of", " Retail, Food ,,"), ("market_segment", "none of", "Public"))
	assert result.where == (
		"(ifnull(c.industry, '') in %(r1)s) and (ifnull(c.market_segment, '') not in %(r2)s)"
	)
	assert (result.values["r1"], result.values["r2"]) == (("Retail", "Food"), ("Public",))
	assert "separated by commas" in refused(("industry", "one of", " , "))


def test_contains_and_starts_with_escape_the_like_wildcards():
	result = compiled(("customer_name", "contains", "50%_off"), ("customer_name", "starts with", "a\\b"))
	assert result.where == "(c.customer_name like %(r1)s) and (c.customer_name like %(r2)s)"
	assert result.values["r1"] == "%50\\%\\_off%"
	assert result.values["r2"] == "a\\\\b%"


def test_a_number_rule_reads_the_ledger_of_the_company_given():
	result = compiled(("balance", "at least", "1 000,5"), company="Acme SA")
	assert result.reads_ledger
	assert result.values == {"r1": 1000.5, "company": "Acme SA"}
	assert result.where.endswith(" and x.company = %(company)s) >= %(r1)s)")
	assert "{company}" not in result.where
	assert "x.company" not in compiled(("balance", "at least", "1")).where  # every company


def test_between_takes_two_values():
	result = compiled(("overdue_amount", "between", "10", "20.5"))
	assert result.where.endswith(" between %(r1)s and %(r1_to)s)")
	assert (result.values["r1"], result.values["r1_to"]) == (10.0, 20.5)


@pytest.mark.parametrize("value", ["abc", "nan", "1e16", "", None, "1..2"])
def test_a_number_rule_refuses_what_is_not_a_reasonable_number(value):
	assert refused(("balance", "greater than", value)).startswith("Rule 1: ")


def test_date_rules():
	result = compiled(
		("creation", "between", "2024-01-01", "2024-12-31"), ("creation", "in the last days", "30")
	)
	assert result.where == (
		"(date(c.creation) between %(r1)s and %(r1_to)s) and (date(c.creation) >= curdate() - interval %(r2)s day)"
	)
	assert result.values["r1"] == datetime.date(2024, 1, 1)
	assert result.values["r1_to"] == datetime.date(2024, 12, 31)
	assert result.values["r2"] == 30
	assert compiled(("creation", "is not set")).where == "(c.creation is null)"
	assert "takes a date" in refused(("creation", "before", "not a date"))
	for days in ("-3", "1.5", "100001", "x"):
		assert "must be a whole number" in refused(("creation", "in the last days", days))


def test_status_rules_take_a_status_by_name():
	assert compiled(("status", "equals", "frozen")).where == "(c.is_frozen = 1)"
	assert compiled(("status", "not equals", "Active")).where == "(not (c.disabled = 0 and c.is_frozen = 0))"
	assert "must be one of Active, Disabled, Frozen, not Sleeping" in refused(
		("status", "equals", "Sleeping")
	)


def test_a_check_field_takes_yes_or_no_in_english_or_french():
	assert compiled(("loyal", "equals", "Oui")).values["r1"] == 1
	assert compiled(("loyal", "equals", "no")).values["r1"] == 0
	assert compiled(("loyal", "equals", "1")).where == "(ifnull(c.`loyal`, 0) = %(r1)s)"
	assert "takes yes or no" in refused(("loyal", "equals", "maybe"))


def test_is_set_on_a_tree_field_and_on_the_sales_team_needs_no_node():
	assert compiled(("territory", "is not set")).where == "(ifnull(c.territory, '') = '')"
	where = compiled(("sales_person", "is set")).where
	assert where.startswith("(not (not exists (select 1 from `tabSales Team` t where t.parent = c.name")


def test_an_unknown_field_is_refused_with_the_fields_a_rule_may_use():
	message = refused(("customer_type", "equals", "Company"), ("password", "equals", "x"))
	assert message.startswith("Rule 2: password is not a field a segment can use (")
	assert "balance" in message and "loyal" in message


@pytest.mark.parametrize(
	("field", "operator"),
	[
		("customer_name", "greater than"),
		("balance", "contains"),
		("status", "is set"),
		("loyal", "not equals"),
		("territory", "starts with"),
		("customer_name", "; drop"),
		("customer_name", None),
	],
)
def test_an_operator_that_does_not_fit_the_field_is_refused(field, operator):
	message = refused((field, operator, "x"))
	assert message.startswith(f"Rule 1: {FIELDS[field].label} takes the operators ")


def test_a_value_is_needed_and_short():
	assert "give a value for Customer Name" in refused(("customer_name", "equals", "  "))
	assert "is too long" in refused(("customer_name", "equals", "x" * 141))
	compiled(("customer_name", "equals", "x" * 140))


def test_match_must_be_all_or_any():
	assert refused(match="Most") == "Customers Must Match must be All or Any, not Most"


def test_rules_may_be_child_rows():
	row = frappe._dict(field="customer_type", operator="equals", value="Company", value_to=None)
	assert compile_rules([row], fields=FIELDS).values["r1"] == "Company"


def test_a_billing_address_rule_reads_the_address_in_the_query_with_text_operators_only():
	from crm_app.customers.segment_rules import BILLING_ADDRESS_FIELDS

	fields = {**FIELDS, **BILLING_ADDRESS_FIELDS}
	result = compile_rules(
		[
			{"field": "billing_pincode", "operator": "starts with", "value": "94_"},
			{"field": "billing_city", "operator": "one of", "value": "Paris, Lyon"},
		],
		fields=fields,
	)
	assert result.values == {"r1": "94\\_%", "r2": ("Paris", "Lyon"), "company": None}
	assert "94" not in result.where and "Paris" not in result.where
	assert "c.customer_primary_address" in result.where and "`tabDynamic Link`" in result.where
	assert not result.reads_ledger
	with pytest.raises(InvalidSegmentRuleError, match="operators"):
		compile_rules([{"field": "billing_state", "operator": "at least", "value": "C"}], fields=fields)
