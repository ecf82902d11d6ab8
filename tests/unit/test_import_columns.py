"""Which doctype a sheet of an import holds (crm_app.data_transfer.columns), by name in English or in
French, and how headers are normalised before they are matched to fields.

`column_map` and `doctype_from_headers` read the doctypes' meta: they are tested on the site
(tests/test_import.py)."""

import pytest

from crm_app.data_transfer.columns import normalise, sheet_doctype

# what get_all_translations("fr") gives for the doctypes' names (Frappe's and ERPNext's fr.csv)
FRENCH = {
	"Customer": "Client",
	"Customer Group": "Groupe de clients",
	"Territory": "Territoire",
	"Sales Person": "Commercial",
	"Item Group": "Groupe d'articles",
	"Contact": "Contact",
	"Address": "Adresse",
}


@pytest.mark.parametrize(
	("header", "expected"),
	[
		("Customer Name", "customer name"),
		("  Customer \t  Name ", "customer name"),  # runs of spaces, tabs, line breaks
		("Customer\nName", "customer name"),
		("Customer Name*", "customer name"),  # a mandatory column's marker
		("Customer Name *", "customer name"),
		("customer_name", "customer_name"),  # ERPNext field names stay as they are
		(None, ""),
		(42, "42"),
	],
)
def test_headers_are_compared_normalised(header, expected):
	assert normalise(header) == expected


@pytest.mark.parametrize(
	("sheet", "doctype"),
	[
		("Customer", "Customer"),
		("customer", "Customer"),
		("Customers", "Customer"),
		("customer_group", "Customer Group"),  # a file named after the doctype
		("Customer Groups", "Customer Group"),
		("Sales Person", "Sales Person"),
		("Item Group", "Item Group"),
		("Contacts", "Contact"),
		("ADDRESS", "Address"),
		("Sheet1", None),
		("", None),
	],
)
def test_a_sheet_named_after_a_doctype_in_english(sheet, doctype):
	assert sheet_doctype(sheet, {}) == doctype


@pytest.mark.parametrize(
	("sheet", "doctype"),
	[
		("Clients", "Customer"),
		("client", "Customer"),
		("Groupe de clients", "Customer Group"),
		("Territoires", "Territory"),
		("Commercial", "Sales Person"),
		("Adresses", "Address"),
		("Groupe d'articles", "Item Group"),
	],
)
def test_a_sheet_named_after_a_doctype_in_french(sheet, doctype):
	assert sheet_doctype(sheet, FRENCH) == doctype


def test_french_names_need_the_french_translations():
	assert sheet_doctype("Clients", {}) is None
