"""Group statistics for one fiscal year over the whole customer group tree, on a ledger of 1,000,000
rows for 100,000 customers, side by side with a plain indexed GROUP BY over the same ledger joined to the
customers, in the same run. Both feed the same roll-up and must give the same figures.

It also times the same statistics as grouped today (by each customer's current group, read from the
ledger rather than the summary).

Run from the repo (after `make test` or dev/setup.sh):
    .bench/frappe-bench/env/bin/python benchmarks/group_statistics.py [--rows 1000000] [--customers 100000]
        [--repeat 5] [--keep]

Works on the test site (FRAPPE_SITE, default test.localhost). The data is made with MariaDB's sequence
engine; --keep leaves it for the next run, otherwise it is removed at the end.
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
from benchmarks.common import insert_rows, timed
from crm_app.compat import frappe_rebuild_tree
from crm_app.customers.membership import AS_GROUPED_TODAY
from crm_app.receivables.ledger import rebuild_summary
from crm_app.receivables.statistics import roll_up, tree_statistics
from tests.conftest import connect_site

COMPANY = "_Bench GS Company"
FISCAL_YEAR = "_Bench GS 2026"
BRANCHING, LEVELS = 5, 5  # 1 + 5 + 25 + 125 + 625 groups
NATURAL_SIGN = (
	"case when l.movement_type in ('Credit Note', 'Receipt', 'Discount', 'Write-Off') then -1 else 1 end"
)


def make_groups() -> list[str]:
	now, rows, level = frappe.utils.now(), [], [get_root_of("Customer Group")]
	for depth in range(LEVELS):
		next_level = []
		for parent in level:
			for _ in range(BRANCHING if depth else 1):
				name = f"_BG{depth}-{len(next_level)}"
				rows.append(
					(name, name, parent, int(depth < LEVELS - 1), now, now, "Administrator", "Administrator")
				)
				next_level.append(name)
		level = next_level
	frappe.db.bulk_insert(
		"Customer Group",
		[
			"name",
			"customer_group_name",
			"parent_customer_group",
			"is_group",
			"creation",
			"modified",
			"owner",
			"modified_by",
		],
		rows,
	)
	frappe_rebuild_tree("Customer Group")
	return level


def make_data(rows: int, customers: int) -> None:
	leaves = make_groups()
	frappe.get_doc(
		{"doctype": "Company", "company_name": COMPANY, "abbr": "BGS", "default_currency": "EUR"}
	).insert()
	frappe.get_doc(
		{
			"doctype": "Fiscal Year",
			"year": FISCAL_YEAR,
			"year_start_date": "2026-01-01",
			"year_end_date": "2026-12-31",
		}
	).insert()
	leaf_prefix, leaf_count = f"_BG{LEVELS - 1}-", len(leaves)
	frappe.db.sql(
		f"""insert into `tabCustomer` (name, customer_name, customer_type, customer_group, lft, rgt,
			creation, modified, owner, modified_by)
		select concat('_BC', seq), concat('_BC', seq), 'Company', concat('{leaf_prefix}', seq % {leaf_count}),
			10000000 + 2 * seq, 10000001 + 2 * seq, now(), now(), 'Administrator', 'Administrator'
		from seq_0_to_{customers - 1}"""
	)
	kinds = "'Invoice', 'Receipt', 'Invoice', 'Credit Note', 'Receipt', 'Debit Note', 'Discount', 'Adjustment', 'Write-Off', 'Interest Charge'"
	frappe.db.sql(
		f"""insert into `tabCustomer Ledger Entry` (name, customer, company, customer_group, movement_type,
			posting_date, currency, amount, tax_amount, voucher_type, voucher_no, is_reversal,
			creation, modified, owner, modified_by, docstatus, idx)
		select 1000000000000 + t.seq, t.customer, '{COMPANY}', t.customer_group, t.kind,
			'2026-01-01' + interval (t.seq % 365) day, 'EUR',
			(case when t.kind in ('Credit Note', 'Receipt', 'Discount', 'Write-Off') then -1 else 1 end) * t.net * 1.2,
			(case when t.kind in ('Credit Note', 'Receipt', 'Discount', 'Write-Off') then -1 else 1 end) * t.net * 0.2,
			'Sales Invoice', concat('_BV', t.seq), 0, now(), now(), 'Administrator', 'Administrator', 0, 0
		from (
			select seq, concat('_BC', seq % {customers}) as customer,
				concat('{leaf_prefix}', (seq % {customers}) % {leaf_count}) as customer_group,
				elt(1 + seq % 10, {kinds}) as kind, cast(10 + seq % 990 as signed) as net
			from seq_0_to_{rows - 1}
		) t"""
	)
	frappe.db.commit()


def plain_group_by():
	"""The stock way: group the ledger by the customers' groups with an indexed date range, then roll up."""
	start, end = frappe.db.get_value("Fiscal Year", FISCAL_YEAR, ["year_start_date", "year_end_date"])
	rows = frappe.db.sql(
		f"""select c.customer_group, l.movement_type,
			sum(if(l.is_reversal, -1, 1)) as entries,
			sum({NATURAL_SIGN} * l.amount) as amount, sum({NATURAL_SIGN} * l.tax_amount) as tax_amount
		from `tabCustomer Ledger Entry` l
		join `tabCustomer` c on c.name = l.customer
		where l.posting_date between %s and %s and l.company = %s
		group by c.customer_group, l.movement_type""",
		(start, end, COMPANY),
		as_dict=True,
	)
	return roll_up(rows)


def cleanup():
	frappe.db.rollback()
	frappe.db.sql("delete from `tabCustomer Ledger Entry` where company = %s", COMPANY)
	frappe.db.sql("delete from `tabCustomer Ledger Summary` where company = %s", COMPANY)
	frappe.db.sql("delete from `tabCustomer` where name like '\\_BC%%'")
	frappe.db.sql("delete from `tabCustomer Group` where name like '\\_BG%%'")
	frappe.db.sql("delete from `tabFiscal Year` where name = %s", FISCAL_YEAR)
	frappe.db.sql("delete from `tabCompany` where name = %s", COMPANY)
	frappe_rebuild_tree("Customer Group")
	frappe.db.commit()


def main():
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--rows", type=int, default=1_000_000)
	parser.add_argument("--customers", type=int, default=100_000)
	parser.add_argument("--repeat", type=int, default=5)
	parser.add_argument("--keep", action="store_true", help="keep the data for the next run")
	args = parser.parse_args()

	connect_site()
	try:
		if frappe.db.count("Customer Ledger Entry", {"company": COMPANY}) != args.rows:
			cleanup()
			start = time.perf_counter()
			make_data(args.rows, args.customers)
			print(
				f"made {args.rows} ledger rows for {args.customers} customers in {time.perf_counter() - start:.1f} s"
			)
			start = time.perf_counter()
			rebuild_summary()
			frappe.db.commit()
			print(
				f"built the monthly summary from the whole ledger in {time.perf_counter() - start:.1f} s (once)"
			)
		summary_rows = frappe.db.count("Customer Ledger Summary", {"company": COMPANY})
		print(
			f"group statistics for fiscal year 2026 over the whole tree ({frappe.db.count('Customer Group')} groups), "
			f"{args.rows} ledger rows, {summary_rows} summary rows"
		)
		ours, from_summary = timed(
			"crm_app (monthly summary + roll-up)", lambda: tree_statistics(FISCAL_YEAR, COMPANY), args.repeat
		)
		plain, from_ledger = timed("plain indexed GROUP BY joined to customers", plain_group_by, args.repeat)
		assert from_summary == from_ledger, "the two ways disagree"
		# as grouped today (issue 22) reads the ledger by each customer's current group: no customer of
		# this data set has moved, so the figures are the summary's
		today, grouped_today = timed(
			"crm_app as grouped today (ledger joined to customers + roll-up)",
			lambda: tree_statistics(FISCAL_YEAR, COMPANY, grouping=AS_GROUPED_TODAY),
			args.repeat,
		)
		assert grouped_today == from_summary, "as grouped today disagrees with the summary"
		root = get_root_of("Customer Group")
		print(f"  same figures both ways (root: {from_summary[root]['Invoice']['count']} invoices)")
		print(f"  ratio plain / crm_app: {plain / ours:.1f}x")
		print(
			f"  ratio as grouped today / as at the time: {today / ours:.1f}x; plain / as grouped today: {plain / today:.1f}x"
		)
	finally:
		if not args.keep:
			cleanup()
		frappe.destroy()


if __name__ == "__main__":
	main()
