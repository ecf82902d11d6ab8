"""Arguments of the app's whitelisted methods (crm_app.arguments): JSON read from text or taken as
parsed, names or lists of names, required arguments; refusals are specific 4xx errors."""

import frappe
import pytest

from crm_app.arguments import (
	InvalidArgumentError,
	MalformedJSONError,
	MissingArgumentError,
	json_object,
	json_value,
	name_list,
	one_of,
	strict_arguments,
)


def test_json_comes_as_text_or_already_parsed():
	assert json_value('{"a": [1, null]}', "changes") == {"a": [1, None]}
	assert json_value({"a": 1}, "changes") == {"a": 1}
	assert json_value(None, "changes") is None
	with pytest.raises(MalformedJSONError, match=r"^changes is not valid JSON$"):
		json_value("{a: 1}", "changes")


def test_a_json_object_argument_refuses_other_json():
	assert json_object('{"territory": "France"}', "changes") == {"territory": "France"}
	for value, kind in (("[1]", "a list"), ('"x"', "a text"), ("null", "null"), ("3", "int")):
		with pytest.raises(
			InvalidArgumentError, match=f"^changes must be a JSON object \\(field: value\\), not {kind}$"
		):
			json_object(value, "changes")


@pytest.mark.parametrize(
	("value", "names"),
	[
		("Acme", ["Acme"]),
		("  Acme  ", ["  Acme  "]),  # a name is taken as given
		('["Acme", "Bolt"]', ["Acme", "Bolt"]),
		(["Acme"], ["Acme"]),
		("[]", []),
	],
)
def test_a_name_or_a_list_of_names(value, names):
	assert name_list(value, "customers") == names


@pytest.mark.parametrize("value", ['["Acme", 3]', '[""]', '{"name": "Acme"}', "null", None, 7, "[x"])
def test_what_is_not_a_name_or_a_list_of_names_is_refused(value):
	with pytest.raises(InvalidArgumentError):
		name_list(value, "customers")


def test_one_of():
	one_of("Monthly", "period", ["Monthly", "Yearly"])
	with pytest.raises(InvalidArgumentError, match=r"^period must be one of Monthly, Yearly$"):
		one_of("Weekly", "period", ["Monthly", "Yearly"])


def test_a_required_argument_missing_or_empty_is_refused_by_name():
	@strict_arguments
	def method(fiscal_year: str, customer_group: str | None = None, *rest, **more):
		return fiscal_year, customer_group

	assert method("2024", customer_group="All") == ("2024", "All")
	assert method(fiscal_year="2024") == ("2024", None)
	for call in (lambda: method(), lambda: method(""), lambda: method(None, "All")):
		with pytest.raises(MissingArgumentError, match=r"^Missing arguments: fiscal_year$"):
			call()
	assert issubclass(MissingArgumentError, frappe.MandatoryError)  # a 417 over REST, not a 500
