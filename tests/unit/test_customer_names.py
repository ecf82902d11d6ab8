"""The homonym rule of customer names (crm_app.customers.naming), on an index of names in use."""

import pytest

from crm_app.customers.naming import homonym_index, next_free_name, take_name


def test_a_free_name_is_kept():
	assert next_free_name("Acme", homonym_index([])) == "Acme"
	assert next_free_name("Acme", homonym_index(["Acme Corp", "Other"])) == "Acme"


def test_a_taken_name_gets_the_first_suffix():
	assert next_free_name("Acme", homonym_index(["Acme"])) == "Acme-1"


@pytest.mark.parametrize(
	("taken", "expected"),
	[
		(["Acme", "Acme-1"], "Acme-2"),
		(["Acme", "Acme-1", "Acme-2"], "Acme-3"),
		(["Acme", "Acme-5"], "Acme-6"),  # one past the highest, not the first gap
		(["Acme-5", "Acme", "Acme-2"], "Acme-6"),  # in any order
	],
)
def test_a_taken_name_gets_one_past_the_highest_suffix(taken, expected):
	assert next_free_name("Acme", homonym_index(taken)) == expected


def test_suffixes_alone_do_not_take_the_base_name():
	# `Acme-3` in use but not `Acme`: `Acme` itself is free
	assert next_free_name("Acme", homonym_index(["Acme-3"])) == "Acme"


@pytest.mark.parametrize(
	"other",
	["X Acme-5", "Acme Corp-7", "Acme-x", "Acme-٣", "Acme-"],  # another base, a non-number, a non-ASCII digit
)
def test_only_a_number_after_the_base_counts_as_a_suffix(other):
	assert next_free_name("Acme", homonym_index(["Acme", other])) == "Acme-1"


def test_a_suffixed_name_is_itself_a_base():
	index = homonym_index(["Acme-1", "Acme-1-1"])
	assert next_free_name("Acme-1", index) == "Acme-1-2"


def test_spaces_around_the_base_are_ignored():
	assert next_free_name("  Acme ", homonym_index(["Acme"])) == "Acme-1"


def test_names_given_in_one_batch_never_collide():
	"""A bulk import names its rows against the index, taking each name as it goes."""
	index = homonym_index(["Acme"])
	names = [take_name(next_free_name("Acme", index), index) for _ in range(3)]
	assert names == ["Acme-1", "Acme-2", "Acme-3"]
	assert take_name(next_free_name("Other", index), index) == "Other"
	assert next_free_name("Other", index) == "Other-1"
