"""Time a 5-rule customer segment over 100,000 customers (a balance rule and an overdue rule among them): the
app's refresh when nothing changed and from no members, against the same rules evaluated customer by
customer the stock way (Frappe's get_all for each customer's ledger rows and open invoices, on a sample,
extrapolated), in the same run; then the kept balances rebuilt, and one customer's change.

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
from crm_app.receivables.balances import rebuild_balances
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
	# one submitted invoice per customer, two thirds of them due before today, something left on most
	frappe.db.sql(
		f"""insert into `tabSales Invoice` (name, naming_series, customer, customer_name, company, currency,
			posting_date, due_date, docstatus, is_return, grand_total, outstanding_amount, status, creation,
			modified, owner, modified_by)
		select concat('{PREFIX}SI', seq), 'ACC-SINV-.YYYY.-', concat('{PREFIX}C', seq),
			concat('{PREFIX}C', seq), '{COMPANY}', 'EUR', curdate() - interval 40 day,
			curdate() + interval if(seq % 3, -10, 20) day, 1, 0, 300, (seq * 37) % 300, 'Unpaid', now(), now(),
			'Administrator', 'Administrator'
		from seq_0_to_{customers - 1}"""
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
			{"field": "balance", "operator": "between", "value": "100", "value_to": "1000"},
			{"field": "overdue_amount", "operator": "at least", "value": "50"},
		],
	}


def stock_matches(customer: dict, spec: dict, groups: set[str]) -> bool:
	"""The segment's rules for one customer the stock way: its ledger rows and its open invoices read with
	get_all, the figures added up in Python."""
	if customer.disabled or customer.is_frozen or customer.customer_group not in groups:
		return False
	if customer.territory == f"{PREFIX} T0":
		return False
	ledger = frappe.get_all(
		"Customer Ledger Entry",
		filters={"customer": customer.name, "company": spec["company"]},
		fields=["amount"],
	)
	if not 100 <= sum(row.amount for row in ledger) <= 1000:
		return False
	overdue = frappe.get_all(
		"Sales Invoice",
		filters={
			"customer": customer.name,
			"company": spec["company"],
			"docstatus": 1,
			"is_return": 0,
			"outstanding_amount": (">", 0),
			"due_date": ("<", frappe.utils.today()),
		},
		fields=["outstanding_amount"],
	)
	return sum(row.outstanding_amount for row in overdue) >= 50


def cleanup() -> None:
	frappe.db.rollback()
	frappe.db.sql("delete from `tabCustomer Segment Member` where segment like %s", PREFIX + "%")
	frappe.db.sql("delete from `tabCustomer Segment Log` where segment like %s", PREFIX + "%")
	frappe.db.sql("delete from `tabCustomer Segment Rule` where parent like %s", PREFIX + "%")
	frappe.db.sql("delete from `tabCustomer Segment` where name like %s", PREFIX + "%")
	frappe.db.sql("delete from `tabCustomer Ledger Entry` where voucher_no like %s", PREFIX + "%")
	frappe.db.sql("delete from `tabSales Invoice` where name like %s", PREFIX + "%")
	frappe.db.sql("delete from `tabCustomer Balance` where company = %s", COMPANY)
	frappe.db.sql("delete from `tabCustomer Due Amount` where company = %s", COMPANY)
	frappe.db.sql("delete from `tabCustomer` where name like %s", PREFIX + "%")
	frappe.db.sql("delete from `tabCustomer Group` where name like %s", PREFIX + "%")
	frappe.db.sql("delete from `tabTerritory` where name like %s", PREFIX + "%")
	frappe.db.sql("delete from `tabCompany` where name = %s", COMPANY)
	frappe.db.commit()
	rebuild_tree("Customer Group")
	rebuild_tree("Territory")
	rebuild_tree("Customer")
	frappe.db.commit()


def timed_after(label: str, prepare, function, repeat: int):
	"""`timed`, with `prepare` run before each run, outside the time."""
	times, result = [], None
	for _ in range(repeat):
		prepare()
		start = time.perf_counter()
		result = function()
		times.append(time.perf_counter() - start)
	print(f"  {label}: median {statistics.median(times):.3f} s  runs {[round(t, 3) for t in times]}")
	return statistics.median(times), result


def main():
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--customers", type=int, default=100000)
	parser.add_argument("--sample", type=int, default=2000, help="customers evaluated one by one")
	parser.add_argument("--repeat", type=int, default=5)
	args = parser.parse_args()

	connect_site()
	frappe.flags.in_test = False
	cleanup()
	try:
		spec = make_data(args.customers)
		print(
			f"A 5-rule segment over {args.customers} customers ({3 * args.customers} ledger rows,"
			f" {args.customers} invoices)"
		)
		_rebuilt, rows = timed("kept balances rebuilt from the ledger and the invoices", rebuild_balances, 1)
		segment = frappe.get_doc({"doctype": "Customer Segment", **spec, "auto_update": 0}).insert()
		frappe.db.set_value("Customer Segment", segment.name, "auto_update", 1)
		frappe.db.commit()

		def no_members():
			frappe.db.sql("delete from `tabCustomer Segment Member` where segment = %s", segment.name)
			forget_fingerprint()

		def forget_fingerprint():  # nothing changed, but the rules evaluated again
			frappe.db.set_value("Customer Segment", segment.name, "refresh_fingerprint", None)
			frappe.db.commit()

		def refresh():
			result = segment_members.refresh(segment.name)
			frappe.db.commit()
			return result

		filled, counts = timed_after("refresh, members from none", no_members, refresh, args.repeat)
		checked, _ = timed_after(
			"refresh, nothing changed (rules evaluated again)", forget_fingerprint, refresh, args.repeat
		)
		steady, still = timed("refresh, nothing changed (fingerprint unchanged)", refresh, args.repeat)
		assert still == {"joined": 0, "left": 0}, still
		members = set(
			frappe.get_all(
				"Customer Segment Member", filters={"segment": segment.name, "status": "Member"}, pluck="name"
			)
		)
		member_customers = set(
			frappe.get_all("Customer Segment Member", filters={"segment": segment.name}, pluck="customer")
		)

		groups = set(frappe.get_all("Customer Group", filters={"name": ("like", f"{PREFIX}%")}, pluck="name"))
		sample = frappe.get_all(
			"Customer",
			filters={"name": ("like", f"{PREFIX}%")},
			fields=["name", "disabled", "is_frozen", "customer_group", "territory"],
			order_by="name",
			limit_page_length=args.sample,
		)
		start = time.perf_counter()
		stock = {customer.name for customer in sample if stock_matches(customer, spec, groups)}
		per_customer = (time.perf_counter() - start) / len(sample)
		app = {customer.name for customer in sample} & member_customers
		assert stock == app, f"the stock way and the app disagree on {len(stock ^ app)} customers"

		one = []
		for customer in [customer.name for customer in sample[:50]]:
			start = time.perf_counter()
			segment_members.refresh_customers([customer])
			one.append(time.perf_counter() - start)
		frappe.db.rollback()
	finally:
		cleanup()
		frappe.destroy()

	whole = per_customer * args.customers
	print(f"  members: {len(members)} (first fill joined {counts['joined']}); kept rows rebuilt: {rows}")
	print(
		f"  customer by customer, stock get_all ({args.sample} sampled, same members):"
		f" {per_customer * 1000:.2f} ms each, {whole:.1f} s for all"
	)
	print(f"  goals: nothing changed < 1 s ({steady:.3f} s), from none < 2 s ({filled:.3f} s)")
	print(f"  ratio customer by customer / refresh from none:        {whole / filled:.0f}x")
	print(f"  ratio customer by customer / rules evaluated again:    {whole / checked:.0f}x")
	print(f"  ratio customer by customer / nothing changed:          {whole / steady:.0f}x")
	print(f"  one customer's change, its segments updated: median {statistics.median(one) * 1000:.1f} ms")


if __name__ == "__main__":
	main()
