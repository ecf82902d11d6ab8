import re
import threading

import frappe
import pytest
from frappe.utils.nestedset import get_root_of

from crm_app.trees import GroupNodeNotAllowedError
from tests.conftest import SITE, SITES_PATH
from tests.trees import make_node, unique


def new_customer(customer_name, **fields):
	return frappe.get_doc({"doctype": "Customer", "customer_name": customer_name, **fields}).insert()


def test_homonyms_get_a_numbered_suffix():
	base = unique("Acme")
	assert [new_customer(base).name for _ in range(3)] == [base, f"{base}-1", f"{base}-2"]


def test_only_exact_base_names_count():
	base = unique("Acme")
	for other in (f"X {base}-5", f"{base} Corp", f"{base}-7x", f"{base} Corp-9"):
		new_customer(other)
	assert new_customer(base).name == base
	assert new_customer(base).name == f"{base}-1"


def test_percent_and_underscore_are_not_wildcards():
	token = frappe.generate_hash(length=8)
	base = f"50%_{token}"
	new_customer(f"50%X{token}-4")  # would match `50%_token-%` if % and _ were wildcards
	new_customer(f"50X_{token}")
	assert new_customer(base).name == base
	assert new_customer(base).name == f"{base}-1"


def test_two_sessions_saving_the_same_name_at_once_get_two_names():
	base = unique("Acme")
	first = new_customer(base)  # holds the row lock on `base` until this session commits
	result = {}

	def second_session():
		frappe.init(site=SITE, sites_path=str(SITES_PATH))
		frappe.connect()
		frappe.set_user("Administrator")
		try:
			result["name"] = new_customer(base).name
			frappe.db.commit()
		except Exception as error:
			result["error"] = repr(error)
		finally:
			frappe.destroy()

	thread = threading.Thread(target=second_session)
	try:
		thread.start()
		thread.join(timeout=2)  # it is now waiting on our uncommitted `base`
		assert thread.is_alive()
		frappe.db.commit()
		thread.join(timeout=60)
		assert result == {"name": f"{base}-1"}
		assert first.name == base
	finally:
		for name in (base, f"{base}-1"):
			frappe.delete_doc("Customer", name, force=True, ignore_missing=True)
		frappe.db.commit()


def test_naming_series_with_the_users_prefix():
	frappe.db.set_single_value(
		"CRM Settings", {"cust_master_name": "Naming Series", "customer_naming_series": "TST-.YYYY.-"}
	)
	first, second = new_customer(unique("Acme")), new_customer(unique("Acme"))
	year = frappe.utils.nowdate()[:4]
	assert re.fullmatch(rf"TST-{year}-\d{{5}}", first.name)
	assert int(second.name[-5:]) == int(first.name[-5:]) + 1


@pytest.fixture
def leaf_defaults():
	group = make_node("Customer Group", unique("Retail"), get_root_of("Customer Group")).name
	territory = make_node("Territory", unique("France"), get_root_of("Territory")).name
	settings = frappe.get_single("CRM Settings")
	settings.customer_group, settings.territory = group, territory
	settings.save()
	return group, territory


def test_a_new_customer_takes_the_settings_defaults_when_empty(leaf_defaults):
	group, territory = leaf_defaults
	plain = new_customer(unique("Acme"))
	assert (plain.customer_group, plain.territory) == (group, territory)
	own = new_customer(unique("Acme"), customer_group="Government")
	assert (own.customer_group, own.territory) == ("Government", territory)


def test_settings_refuse_a_group_as_default():
	settings = frappe.get_single("CRM Settings")
	settings.customer_group = get_root_of("Customer Group")
	with pytest.raises(GroupNodeNotAllowedError):
		settings.save()


def test_defaults_apply_over_rest_too(leaf_defaults, admin_session, server_url):
	group, territory = leaf_defaults
	frappe.db.commit()  # the server sees only committed settings
	name = None
	try:
		response = admin_session.post(
			f"{server_url}/api/resource/Customer", json={"customer_name": unique("Acme")}
		)
		assert response.status_code == 200, response.text
		data = response.json()["data"]
		name = data["name"]
		assert (data["customer_group"], data["territory"]) == (group, territory)
	finally:
		if name:
			admin_session.delete(f"{server_url}/api/resource/Customer/{name}")
		frappe.db.set_single_value("CRM Settings", {"customer_group": None, "territory": None})
		frappe.delete_doc("Customer Group", group)
		frappe.delete_doc("Territory", territory)
		frappe.db.commit()


def test_yes_no_and_like_escaping_have_one_home():
	from crm_app.values import escape_like, yes_no

	assert [yes_no(v) for v in ("Oui", " yes ", 1, "x", "Non", "0", "", None, "maybe")] == [
		True,
		True,
		True,
		True,
		False,
		False,
		False,
		False,
		None,
	]
	assert escape_like("50%_a\\b") == "50\\%\\_a\\\\b"
