"""Value checks against a column (crm_app.input_checks), on Frappe's own MariaDB column map and without a
database: sizes, ranges, numbers, dates, single values; each refusal a translated, specific error that
names the field."""

import datetime

import frappe
import pytest
from frappe.database.mariadb.database import MariaDBDatabase

from crm_app.input_checks import (
	InvalidDateError,
	NotANumberError,
	NotASingleValueError,
	ValueOutOfRangeError,
	ValueTooLongError,
	as_number,
	check_date,
	check_value,
	parse_date,
)
from tests.unit.conftest import messages


@pytest.fixture(scope="module")
def type_map() -> dict:
	"""Frappe's field type -> (column type, size) for MariaDB, read from its class, never connected."""
	database = MariaDBDatabase.__new__(MariaDBDatabase)
	database.setup_type_map()
	return database.type_map


def check(type_map, fieldtype: str, value, **df):
	field = frappe._dict(fieldname="field", fieldtype=fieldtype, label="Field", **df)
	check_value(field, value, "Field", type_map[fieldtype])


def test_a_value_that_fits_passes(type_map):
	for fieldtype, value in [
		("Data", "x" * 140),
		("Small Text", "é" * 32767),
		("Currency", "999999999999.99"),
		("Float", "1,234.5"),  # commas are thousands separators, as Frappe's flt reads them
		("Int", 2**31 - 1),
		("Int", "-42"),
		("Check", True),
		("Date", "2024-02-29"),
		("Date", datetime.date(2024, 1, 1)),
		("Datetime", "2024-01-31 23:59:59.123456"),
		("Time", "838:59:59"),  # MariaDB's time range
		("JSON", {"a": [1, 2]}),
	]:
		check(type_map, fieldtype, value)
	assert messages() == []


def test_a_text_longer_than_its_column_is_refused_naming_field_and_limit(type_map):
	with pytest.raises(ValueTooLongError, match=r"^Field is too long: 141 characters, at most 140$"):
		check(type_map, "Data", "x" * 141)
	assert messages() == ["Field is too long: 141 characters, at most 140"]


def test_a_field_of_its_own_length_is_checked_against_that_length(type_map):
	check(type_map, "Data", "x" * 10, length=10)
	with pytest.raises(ValueTooLongError, match="11 characters, at most 10"):
		check(type_map, "Data", "x" * 11, length=10)


def test_a_text_column_counts_bytes_not_characters(type_map):
	with pytest.raises(ValueTooLongError, match="65536 bytes, at most 65535"):
		check(type_map, "Small Text", "é" * 32768)


@pytest.mark.parametrize(
	("fieldtype", "value"),
	[("Currency", "1e12"), ("Float", -(10**12)), ("Int", 2**31), ("Long Int", 2**63)],
)
def test_a_number_outside_its_column_is_refused(type_map, fieldtype, value):
	with pytest.raises(ValueOutOfRangeError, match=r"^Field is out of range"):
		check(type_map, fieldtype, value)


def test_a_check_is_not_range_checked_as_an_int(type_map):
	check(type_map, "Check", 5)  # Frappe casts a Check to 0/1 itself


@pytest.mark.parametrize("value", ["abc", "12abc", "nan", "inf", "-Infinity", "", "1.2.3", object()])
def test_what_is_not_a_number_is_refused_instead_of_becoming_zero(value):
	with pytest.raises(NotANumberError, match=r"^Field must be a number, not "):
		as_number(value, "Field")


def test_a_number_is_read_as_frappe_reads_it():
	assert as_number(" 1,234.50 ", "Field") == as_number(1234.5, "Field") == 1234.5
	assert as_number(False, "Field") == 0


@pytest.mark.parametrize("value", [[1, 2], {"a": 1}, ("x",), {"x"}])
def test_a_list_or_an_object_is_refused_where_one_value_goes(type_map, value):
	with pytest.raises(NotASingleValueError, match=r"^Field must be a single value"):
		check(type_map, "Data", value)


@pytest.mark.parametrize(
	("column_type", "value"),
	[
		("date", "2024-13-45"),
		("date", "2023-02-29"),
		("date", "31/01/2024"),
		("datetime", "2024-01-01 25:00:00"),
		("datetime", "2024-01-01T10:61"),
		("time", "12:60"),
		("time", "839:00:00"),
		("time", "noon"),
	],
)
def test_an_impossible_date_or_time_is_refused(column_type, value):
	with pytest.raises(
		InvalidDateError, match=f"^Day is not a valid {'time' if column_type == 'time' else 'date'}"
	):
		check_date(value, "Day", column_type)


def test_a_datetime_column_takes_a_date_alone_and_a_date_column_a_time_it_truncates():
	check_date("2024-01-31", "Day", "datetime")
	check_date("2024-01-31 10:00", "Day", "date")


def test_a_date_argument_is_parsed_or_refused():
	assert parse_date("2024-3-7", "From") == datetime.date(2024, 3, 7)
	assert parse_date(datetime.date(2024, 1, 1), "From") == datetime.date(2024, 1, 1)
	for bad in (None, "", "2024-02-30", "yesterday", 20240101):
		with pytest.raises(InvalidDateError, match=r"^From is not a valid date"):
			parse_date(bad, "From")


def test_a_refused_value_is_shown_short_and_escaped(type_map):
	with pytest.raises(NotANumberError) as refused:
		check(type_map, "Currency", "<b>" + "9" * 60)
	shown = str(refused.value).removeprefix("Field must be a number, not ")
	assert shown == "&lt;b&gt;" + "9" * 37 + "…"
