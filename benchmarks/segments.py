"""Time a 5-rule customer segment over many customers: the app's set-based refresh against the same rules
evaluated customer by customer (on a sample, extrapolated), in the same run; then one customer's change.

Run from the repo (after `make test` or dev/setup.sh):
    .bench/frappe-bench/env/bin/python benchmarks/segments.py [--customers 100000] [--sample 2000]

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
from crm_app.customers.segment_rules import compile_rules
from crm_app.tree_rebuild import rebuild_tree
from tests.conftest import connect_site

PREFIX = "_BSEG"
COMPANY = "_BSEG Company"


def make_data(customers: int) -> dict:
	group_root, territory_root = get_root_of("Customer Group"), get_root_of("Territory")
	frappe.db.sql(
		"""insert into `tabCustomer Group` (name, customer_group_name, parent_customer_group, is_group,
			lft, rgt, creation, modified, owner, modified_by)
		values (%(top)s, %(top)s, %(root)s, 1, 0, 0, now(), now(), 'Administrator', 'Administrator')""",
		{"top": f"{PREFIX} top", "root": group_root},
	)
	for i in range(10):
		frappe.db.sql(
			"""insert into `tabCustomer Group` (name, customer_group_name, parent_customer_group, is_group,
				lft, rgt, creation, modified, owner, modified_by)
			values (%(name)s, %(name)s, %(top)s, 0, 0, 0, now(), now(), 'Administrator', 'Administrator')""",
			{"name": f"{PREFIX} leaf {i}", "top": f"{PREFIX} top"},
		)
	for i in range(5):
		frappe.db.sql(
			"""insert into `tabTerritory` (name, territory_name, parent_territory, is_group, lft, rgt,
				creation, modified, owner, modified_by)
			values (%(name)s, %(name)s, %(root)s, 0, 0, 0, now(), now(), 'Administrator', 'Administrator')""",
			{"name": f"{PREFIX} T{i}", "root": territory_root},
		)
	rebuild_tree("Customer Group")
	rebuild_tree("Territory")
	frappe.get_doc(
		{"doctype": "Company", "company_name": COMPANY, "abbr": "BSEG", "default_currency": "EUR"}
	).insert()
	frappe.db.sql(
		f"""insert into `tabCustomer` (name, customer_name, customer_type, customer_group, territory,
			disabled, is_frozen, lft, rgt, creation, modified, owner, modified_by)
		select concat('{PREFIX}C', seq), concat('{PREFIX}C', seq), if(seq % 3, 'Company', 'Individual'),
			concat('{PREFIX} leaf ', seq % 10), concat('{PREFIX} T', seq % 5), if(seq % 17 = 0, 1, 0),
			if(seq % 23 = 0, 1, 0), 20000000 + 2 * seq, 20000001 + 2 * seq, now(), now(), 'Administrator',
			'Administrator'
		from seq_0_to_{customers - 1}"""
	)
	# three ledger rows per customer: balances spread from 0 to about 2,000
	frappe.db.sql(
		f"""insert into `tabCustomer Ledger Entry` (name, customer, company, customer_group, movement_type,
			posting_date, currency, amount, tax_amount, voucher_type, voucher_no, is_reversal, creation,
			modified, owner, modified_by, docstatus, idx)
		select 2000000000000 + seq, concat('{PREFIX}C', seq % {customers}), '{COMPANY}',
			concat('{PREFIX} leaf ', (seq % {customers}) % 10), 'Invoice', '2026-01-10', 'EUR',
			(seq * 7919) % 700, 0, 'Sales Invoice', concat('{PREFIX}V', seq), 0, now(), now(),
			'Administrator', 'Administrator', 0, 0
		from seq_0_to_{3 * customers - 1}"""
	)
	frappe.db.commit()
	return {
		"segment_name": f"{PREFIX} segment",
		"match": "All",
		"company": COMPANY,
		"rules": [
			{"field": "status", "operator": "equals", "value": "Active"},
			{"field": "customer_group", "operator": "in subtree of", "value": f"{PREFIX} top"},
			{"field": "territory", "operator": "not equals", "value": f"{PREFIX} T0"},
			{"field": "customer_type", "operator": "equals", "value": "Company"},
			{"field": "balance", "operator": "between", "value": "100", "value_to": "1000"},
		],
	}


def cleanup() -> None:
	frappe.db.rollback()
	frappe.db.sql("delete from `tabCustomer Segment Member` where segment like %s", PREFIX + "%")
	frappe.db.sql("delete from `tabCustomer Segment Log` where segment like %s", PREFIX + "%")
	frappe.db.sql("delete from `tabCustomer Segment Rule` where parent like %s", PREFIX + "%")
	frappe.db.sql("delete from `tabCustomer Segment` where name like %s", PREFIX + "%")
	frappe.db.sql("delete from `tabCustomer Ledger Entry` where voucher_no like %s", PREFIX + "%")
	frappe.db.sql("delete from `tabCustomer` where name like %s", PREFIX + "%")
	frappe.db.sql("delete from `tabCustomer Group` where name like %s", PREFIX + "%")
	frappe.db.sql("delete from `tabTerritory` where name like %s", PREFIX + "%")
	frappe.db.sql("delete from `tabCompany` where name = %s", COMPANY)
	frappe.db.commit()
	rebuild_tree("Customer Group")
	rebuild_tree("Territory")
	rebuild_tree("Customer")
	frappe.db.commit()


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
		spec = make_data(args.customers)
		segment = frappe.get_doc({"doctype": "Customer Segment", **spec, "auto_update": 0}).insert()
		frappe.db.set_value("Customer Segment", segment.name, "auto_update", 1)
		frappe.db.commit()
		print(f"A 5-rule segment over {args.customers} customers ({3 * args.customers} ledger rows)")

		def first_fill():
			frappe.db.sql("delete from `tabCustomer Segment Member` where segment = %s", segment.name)
			return segment_members.refresh(segment.name)

		filled, counts = timed("set-based refresh, members from none", first_fill, args.repeat)
		frappe.db.commit()
		steady, _ = timed(
			"set-based refresh, nothing changed", lambda: segment_members.refresh(segment.name), args.repeat
		)
		members = frappe.db.count("Customer Segment Member", {"segment": segment.name})

		compiled = compile_rules(segment.rules, segment.match, segment.company)
		sample = frappe.db.sql(
			"select name from `tabCustomer` where name like %s order by name limit %s",
			(PREFIX + "%", args.sample),
			pluck=True,
		)
		start = time.perf_counter()
		matched = 0
		for customer in sample:
			matched += bool(
				frappe.db.sql(
					f"select 1 from `tabCustomer` c where c.name = %(customer)s and ({compiled.where})",
					{**compiled.values, "customer": customer},
				)
			)
		per_customer = (time.perf_counter() - start) / len(sample)

		one = []
		for customer in sample[:50]:
			start = time.perf_counter()
			segment_members.refresh_customers([customer])
			one.append(time.perf_counter() - start)
		frappe.db.rollback()
	finally:
		cleanup()
		frappe.destroy()

	whole = per_customer * args.customers
	print(f"  members: {members} (first fill joined {counts['joined']})")
	print(
		f"  customer by customer (same rules, {args.sample} sampled): {per_customer * 1000:.2f} ms each, {whole:.1f} s for all"
	)
	print(f"  ratio customer by customer / set-based (members from none): {whole / filled:.0f}x")
	print(f"  ratio customer by customer / set-based (nothing changed):  {whole / steady:.0f}x")
	print(f"  one customer's change, its segments updated: median {statistics.median(one) * 1000:.1f} ms")


if __name__ == "__main__":
	main()
