"""Time a segment of billing states ("active customers in California", seed 003) over many customers with
addresses: the app's set-based refresh (the billing address read by a subquery in the one query) against
the stock Frappe way, customer by customer (the customer's primary address or Frappe's
`get_default_address`, then the address's fields read and compared in Python; on a sample, extrapolated),
in the same run; then one address's change, its customer's segments updated.

Run from the repo (after `make test` or dev/setup.sh):
    .bench/frappe-bench/env/bin/python benchmarks/segment_addresses.py [--customers 100000] [--sample 2000]

Works on the test site (FRAPPE_SITE, default test.localhost); removes what it made when it ends.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

import frappe
from frappe.utils.nestedset import get_root_of

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from benchmarks.common import timed
from crm_app.customers import segment_members
from crm_app.tree_rebuild import rebuild_tree
from tests.conftest import connect_site

PREFIX = "_BSAD"
STATES = ("CA", "NY", "TX", "WA", "OR")


def make_data(customers: int) -> None:
	"""Customers with one address each: a third as their Customer Primary Address (type Office), a third
	linked as a Billing address only, a third a Shipping address only (never their billing address)."""
	frappe.db.sql(
		f"""insert into `tabCustomer` (name, customer_name, customer_type, customer_group, territory,
			disabled, is_frozen, customer_primary_address, lft, rgt, creation, modified, owner, modified_by)
		select concat('{PREFIX}C', seq), concat('{PREFIX}C', seq), 'Company', %(group)s, %(territory)s,
			if(mod(seq, 17) = 0, 1, 0), 0, if(mod(seq, 3) = 0, concat('{PREFIX}A', seq), null),
			30000000 + 2 * seq, 30000001 + 2 * seq, now(), now(), 'Administrator', 'Administrator'
		from seq_0_to_{customers - 1}""",
		{"group": get_root_of("Customer Group"), "territory": get_root_of("Territory")},
	)
	states = ", ".join(f"'{state}'" for state in STATES)
	frappe.db.sql(
		f"""insert into `tabAddress` (name, address_title, address_type, address_line1, city, state, pincode,
			country, is_primary_address, is_shipping_address, disabled, creation, modified, owner,
			modified_by)
		select concat('{PREFIX}A', seq), concat('{PREFIX}A', seq),
			elt(seq % 3 + 1, 'Office', 'Billing', 'Shipping'), '1 Main Street', concat('City ', seq % 50),
			elt(seq % 5 + 1, {states}), lpad(seq % 100000, 5, '9'), 'United States', 0,
			if(seq % 3 = 2, 1, 0), 0, now(), now(), 'Administrator', 'Administrator'
		from seq_0_to_{customers - 1}"""
	)
	frappe.db.sql(
		f"""insert into `tabDynamic Link` (name, parent, parenttype, parentfield, idx, link_doctype, link_name,
			creation, modified, owner, modified_by)
		select concat('{PREFIX}L', seq), concat('{PREFIX}A', seq), 'Address', 'links', 1, 'Customer',
			concat('{PREFIX}C', seq), now(), now(), 'Administrator', 'Administrator'
		from seq_0_to_{customers - 1}"""
	)
	frappe.db.commit()


def cleanup() -> None:
	frappe.db.rollback()
	frappe.db.sql("delete from `tabCustomer Segment Member` where segment like %s", PREFIX + "%")
	frappe.db.sql("delete from `tabCustomer Segment Log` where segment like %s", PREFIX + "%")
	frappe.db.sql("delete from `tabCustomer Segment Rule` where parent like %s", PREFIX + "%")
	frappe.db.sql("delete from `tabCustomer Segment` where name like %s", PREFIX + "%")
	frappe.db.sql("delete from `tabDynamic Link` where name like %s", PREFIX + "%")
	frappe.db.sql("delete from `tabAddress` where name like %s", PREFIX + "%")
	frappe.db.sql("delete from `tabCustomer` where name like %s", PREFIX + "%")
	frappe.db.commit()
	rebuild_tree("Customer")
	frappe.db.commit()


def stock_matches(customer: str) -> bool:
	"""The stock way for one customer: its billing address as ERPNext finds it, read and compared here."""
	from frappe.contacts.doctype.address.address import get_default_address

	primary = frappe.db.get_value("Customer", customer, ["customer_primary_address", "disabled", "is_frozen"])
	if primary[1] or primary[2]:
		return False
	address = primary[0] or get_default_address("Customer", customer)
	if not address:
		return False
	state, pincode, address_type, preferred = frappe.db.get_value(
		"Address", address, ["state", "pincode", "address_type", "is_primary_address"]
	)
	if not primary[0] and not (preferred or address_type == "Billing"):
		return False
	return (state or "").lower() == "ca" and (pincode or "").startswith("9")


def main():
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--customers", type=int, default=100000)
	parser.add_argument("--sample", type=int, default=2000, help="customers evaluated one by one")
	parser.add_argument("--repeat", type=int, default=3)
	args = parser.parse_args()

	connect_site()
	frappe.flags.in_test = False
	cleanup()
	try:
		make_data(args.customers)
		segment = frappe.get_doc(
			{
				"doctype": "Customer Segment",
				"segment_name": f"{PREFIX} California",
				"auto_update": 0,
				"rules": [
					{"field": "status", "operator": "equals", "value": "Active"},
					{"field": "billing_state", "operator": "equals", "value": "CA"},
					{"field": "billing_pincode", "operator": "starts with", "value": "9"},
				],
			}
		).insert()
		frappe.db.set_value("Customer Segment", segment.name, "auto_update", 1)
		frappe.db.commit()
		print(f"A 3-rule segment of billing states over {args.customers} customers with an address each")

		def first_fill():
			frappe.db.sql("delete from `tabCustomer Segment Member` where segment = %s", segment.name)
			return segment_members.refresh(segment.name)

		filled, counts = timed("set-based refresh, members from none", first_fill, args.repeat)
		frappe.db.commit()
		steady, _ = timed(
			"set-based refresh, nothing changed", lambda: segment_members.refresh(segment.name), args.repeat
		)
		members = set(frappe.get_all("Customer Segment Member", {"segment": segment.name}, pluck="customer"))

		sample = frappe.db.sql(
			"select name from `tabCustomer` where name like %s order by name limit %s",
			(PREFIX + "%", args.sample),
			pluck=True,
		)
		start = time.perf_counter()
		stock = {customer for customer in sample if stock_matches(customer)}
		per_customer = (time.perf_counter() - start) / len(sample)
		agree = stock == members & set(sample)

		one = []
		for customer in sample[:50]:
			address = frappe.get_doc("Address", f"{PREFIX}A{customer[len(PREFIX) + 1 :]}")
			address.state = "NV" if address.state == "CA" else "CA"
			start = time.perf_counter()
			address.save()
			one.append(time.perf_counter() - start)
		frappe.db.rollback()
	finally:
		cleanup()
		frappe.destroy()

	whole = per_customer * args.customers
	print(f"  members: {len(members)} (first fill joined {counts['joined']})")
	print(f"  the stock way selects the same customers on the sample: {agree}")
	print(
		f"  stock way, customer by customer ({args.sample} sampled): {per_customer * 1000:.2f} ms each,"
		f" {whole:.1f} s for all"
	)
	print(f"  ratio stock / set-based (members from none): {whole / filled:.0f}x")
	print(f"  ratio stock / set-based (nothing changed):  {whole / steady:.0f}x")
	print(
		f"  one address saved, its customer's segments updated: median {statistics.median(one) * 1000:.1f} ms"
	)


if __name__ == "__main__":
	main()
