"""The desk in Chromium with 100,000 customers and 1,000,000 ledger rows: how long until the customer list,
a customer's form with its overview, the customer group tree and the three reports are usable, against
the same list, form and tree served as stock Frappe serves them (the app's hooks off), in the same run.

Run from the repo (after dev/setup.sh --with-browser), with your env file sourced:
    .bench/frappe-bench/env/bin/python benchmarks/desk.py [--customers 100000] [--rows 1000000]
        [--repeat 7] [--cold 3] [--users manager,scoped] [--site SITE]

It works on a site of its own (default: "deskbench-" + $CRM_SITE), made on the first run with
dev/config.sh's ensure_site, never the test or development site. The data is made once, in bulk
(MariaDB's sequence engine), and kept: the next run reuses it. What the app derives from it (the
customers' and groups' tree bounds, the ledger's monthly summary, the sales targets' actuals) is
rebuilt by the app's own rebuild functions, so every figure on screen is consistent.

Two gunicorn servers serve that site side by side: the app as it ships (dev/wsgi.py), and
benchmarks/desk_stock_wsgi.py, the same app with its desk hooks taken out (permission query conditions,
has_permission, before_request, the desk bundle, the doctype scripts with the customer overview), i.e.
Frappe's own list, form and tree. The runs of the two sides alternate.

"Usable": from the navigation until the page is drawn (its rows, its form, its tree nodes, its report
rows) and the desk has no request to the server pending (frappe.request.ajax_count back to 0, then
quiet for 300 ms; the time is taken when the last request ended). "click": frappe.set_route from
another page of a loaded desk, as a user clicks (each form run opens another customer); "cold": a full
load of the page's address. The reports have no stock counterpart in the desk: their server time is
compared with the same figures computed the stock way (a plain GROUP BY over the ledger, one query per
target), in this process.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import frappe
from frappe.utils.nestedset import get_root_of
from frappe.utils.password import update_password

from benchmarks import common
from benchmarks.common import insert_rows
from crm_app.compat import desk_prefix
from crm_app.currency import default_company
from crm_app.tree_rebuild import rebuild_tree
from tests.conftest import find_sites_path

P = "DB"  # prefix of what is made here
PASSWORD = "Desk-bench-1234!"
FAMILIES, SEGMENTS, CLASSES = 5, 5, 5  # 5 + 25 + 125 customer groups under the root
COUNTRIES, REGIONS = 10, 10  # 10 + 100 territories
FIRST_DAY, DAYS = "2025-01-01", 700  # the ledger covers ~2 years, up to the end of November 2026
FISCAL_YEARS = (("2025", "2025-01-01", "2025-12-31"), ("2026", "2026-01-01", "2026-12-31"))
LEDGER_NAME_BASE = 1_000_000_000_000
QUIET_MS = 300
USERS = {
	"manager": (f"desk-bench-manager@{P.lower()}.test", ["Sales Manager"], None),
	# a Sales User limited to one country (a territory group): the reports it may open are its own
	"scoped": (f"desk-bench-scoped@{P.lower()}.test", ["Sales User"], f"{P} Country 1"),
}


def default_site() -> str:
	return os.environ.get("CRM_BENCH_SITE") or "deskbench-" + os.environ.get("CRM_SITE", "crm.localhost")


# ------------------------------------------------------------------------------------------ the data


def ensure_site(site: str) -> None:
	"""Make the site with dev/config.sh (as a test-kind site: no developer mode, whose uncached form
	scripts would slow the app's side) if it is not there, migrate it if the app changed."""
	subprocess.run(
		["bash", "-c", f'source "{REPO}/dev/config.sh" && ensure_site "$TEST_SITE"'],
		env={**os.environ, "CRM_TEST_SITE": site},
		check=True,
	)


def connect(site: str) -> None:
	sites_path = find_sites_path()
	os.chdir(sites_path)
	frappe.init(site=site, sites_path=str(sites_path))
	frappe.connect()
	frappe.set_user("Administrator")


def company() -> str:
	name = default_company()
	if not name:
		name = (
			frappe.get_doc(
				{"doctype": "Company", "company_name": f"{P} Company", "abbr": P, "default_currency": "EUR"}
			)
			.insert()
			.name
		)
	return name


def made(customers: int, rows: int, company_name: str) -> bool:
	return (
		frappe.db.count("Customer", {"name": ("like", f"{P}-C%")}) == customers
		and frappe.db.sql(
			"select count(*) from `tabCustomer Ledger Entry` where name >= %s", LEDGER_NAME_BASE
		)[0][0]
		== rows
		and frappe.db.count("Customer Ledger Summary") > 0
	)


def cleanup() -> None:
	frappe.db.rollback()
	frappe.db.sql("delete from `tabCustomer Ledger Entry` where name >= %s", LEDGER_NAME_BASE)
	frappe.db.sql("delete from `tabSales Target Actual` where sales_target like %s", f"{P}-%")
	for doctype in ("Sales Invoice Item", "Sales Invoice", "Customer", "Sales Target"):
		frappe.db.sql(f"delete from `tab{doctype}` where name like %s", f"{P}-%")
	for doctype in ("Customer Group", "Territory", "Item Group", "Sales Target"):
		frappe.db.sql(f"delete from `tab{doctype}` where name like %s", f"{P} %")
	frappe.db.commit()


def tree(doctype: str, name_field: str, levels: list[tuple[str, int]]) -> list[str]:
	"""A tree under the doctype's root, `levels` deep: (label, children of each node); its leaves."""
	parents, rows = [get_root_of(doctype)], []
	for depth, (label, children) in enumerate(levels):
		level = []
		for p, parent in enumerate(parents):
			for c in range(children):
				suffix = f"{p * children + c + 1}" if depth else f"{c + 1}"
				name = f"{P} {label} {suffix}"
				rows.append((name, name, parent, int(depth < len(levels) - 1)))
				level.append(name)
		parents = level
	insert_rows(doctype, ["name", name_field, f"parent_{frappe.scrub(doctype)}", "is_group"], rows)
	rebuild_tree(doctype)
	return parents


def make_data(customers: int, rows: int, company_name: str) -> None:
	currency = frappe.db.get_value("Company", company_name, "default_currency") or "EUR"
	for year, start, end in FISCAL_YEARS:
		if not frappe.db.exists("Fiscal Year", {"year_start_date": start}):
			frappe.get_doc(
				{"doctype": "Fiscal Year", "year": year, "year_start_date": start, "year_end_date": end}
			).insert()
	groups = tree(
		"Customer Group",
		"customer_group_name",
		[("Family", FAMILIES), ("Segment", SEGMENTS), ("Class", CLASSES)],
	)
	regions = tree("Territory", "territory_name", [("Country", COUNTRIES), ("Region", REGIONS)])
	item_groups = tree("Item Group", "item_group_name", [("Range", 5), ("Line", 4)])

	def pick(names, expr):
		return f"elt(1 + ({expr}) % {len(names)}, {', '.join(map(frappe.db.escape, names))})"

	# customers, each on a leaf group and region (stand-alone: no head office)
	frappe.db.sql(
		f"""insert into `tabCustomer` (name, customer_name, customer_type, customer_group, territory,
			is_group, lft, rgt, creation, modified, owner, modified_by)
		select concat('{P}-C', lpad(seq, 6, '0')), concat('Client ', seq),
			if(seq % 7, 'Company', 'Individual'), {pick(groups, "seq")}, {pick(regions, "seq div 3")},
			0, 0, 0, now() - interval seq minute, now() - interval seq minute, 'Administrator', 'Administrator'
		from seq_1_to_{customers}"""
	)
	rebuild_tree("Customer")
	# the ledger: 10 movement kinds in turn, each customer's rows spread over the two years
	kinds = "'Invoice', 'Receipt', 'Invoice', 'Credit Note', 'Receipt', 'Debit Note', 'Discount', 'Adjustment', 'Write-Off', 'Interest Charge'"
	lowering = "('Credit Note', 'Receipt', 'Discount', 'Write-Off')"
	frappe.db.sql(
		f"""insert into `tabCustomer Ledger Entry` (name, customer, company, customer_group, movement_type,
			posting_date, due_date, currency, amount, tax_amount, voucher_type, voucher_no, is_reversal,
			creation, modified, owner, modified_by, docstatus, idx)
		select {LEDGER_NAME_BASE} + t.seq, t.customer, {frappe.db.escape(company_name)}, c.customer_group, t.kind,
			t.posting_date, t.posting_date + interval 30 day, {frappe.db.escape(currency)},
			if(t.kind in {lowering}, -1, 1) * t.net * 1.2, if(t.kind in {lowering}, -1, 1) * t.net * 0.2,
			if(t.kind in ('Invoice', 'Credit Note'), 'Sales Invoice',
				if(t.kind = 'Receipt', 'Payment Entry', 'Customer Adjustment')),
			concat('{P}-V', t.seq), 0, now(), now(), 'Administrator', 'Administrator', 0, 0
		from (
			select seq, concat('{P}-C', lpad(1 + seq % {customers}, 6, '0')) as customer,
				elt(1 + seq % 10, {kinds}) as kind, cast(10 + seq % 990 as signed) as net,
				'{FIRST_DAY}' + interval ((seq * 7919) % {DAYS}) day as posting_date
			from seq_0_to_{rows - 1}
		) t
		join `tabCustomer` c on c.name = t.customer"""
	)
	# the invoices behind the ledger's invoice rows, one line each, for the sales targets' actuals
	frappe.db.sql(
		f"""insert into `tabSales Invoice` (name, naming_series, customer, customer_name, company,
			posting_date, due_date, currency, territory, customer_group, docstatus, status, is_return,
			net_total, grand_total, outstanding_amount, creation, modified, owner, modified_by)
		select l.voucher_no, 'SINV-.YYYY.-', l.customer, c.customer_name, l.company, l.posting_date,
			l.due_date, l.currency, c.territory, c.customer_group, 1,
			if(l.name % 3, 'Paid', if(l.due_date < curdate(), 'Overdue', 'Unpaid')), 0,
			l.amount - l.tax_amount, l.amount, if(l.name % 3, 0, l.amount),
			now(), now(), 'Administrator', 'Administrator'
		from `tabCustomer Ledger Entry` l join `tabCustomer` c on c.name = l.customer
		where l.name >= {LEDGER_NAME_BASE} and l.movement_type = 'Invoice'"""
	)
	frappe.db.sql(
		f"""insert into `tabSales Invoice Item` (name, parent, parenttype, parentfield, idx, item_code,
			item_group, qty, rate, amount, creation, modified, owner, modified_by)
		select concat(si.name, '-1'), si.name, 'Sales Invoice', 'items', 1,
			concat('{P}-ITEM', crc32(si.name) % 500), {pick(item_groups, "crc32(si.name)")},
			1, si.net_total, si.net_total, now(), now(), 'Administrator', 'Administrator'
		from `tabSales Invoice` si where si.name like '{P}-V%%'"""
	)
	# targets for 2026: a country (adding up its regions) > one target per region
	root, targets, year = get_root_of("Sales Target"), [], fiscal_year_2026()
	for c in range(1, COUNTRIES + 1):
		country = f"{P}-T{c}"
		targets.append((country, country, root, 1, 1, year, f"{P} Country {c}", 0))
		for r in range(1, REGIONS + 1):
			region = f"{P} Region {(c - 1) * REGIONS + r}"
			targets.append((f"{country}-{r}", f"{country}-{r}", country, 0, 0, year, region, 250_000))
	insert_rows(
		"Sales Target",
		[
			"name",
			"sales_target_name",
			"parent_sales_target",
			"is_group",
			"use_children_total",
			"fiscal_year",
			"territory",
			"target_amount",
		],
		targets,
	)
	rebuild_tree("Sales Target")
	frappe.db.commit()


def derive() -> None:
	"""What the app derives from the data, by its own rebuild functions."""
	from crm_app.receivables.ledger import rebuild_summary
	from crm_app.sales_targets.actuals import rebuild_actuals

	rebuild_summary()
	rebuild_actuals()
	frappe.db.commit()


def fiscal_year_2026() -> str:
	return frappe.db.get_value("Fiscal Year", {"year_start_date": "2026-01-01"}, "name")


def ensure_users() -> dict[str, str]:
	tours = frappe.get_all("Form Tour", {"ui_tour": 1}, pluck="name")
	for email, roles, territory in USERS.values():
		if not frappe.db.exists("User", email):
			frappe.get_doc(
				{
					"doctype": "User",
					"email": email,
					"first_name": "Desk bench",
					"username": email.split("@")[0],
					"send_welcome_email": 0,
					"roles": [{"role": role} for role in roles],
				}
			).insert(ignore_permissions=True)
			frappe.db.delete("Has Role", {"parent": email, "role": "System Manager"})
		frappe.db.set_value(
			"User", email, "onboarding_status", json.dumps({t: {"is_complete": True} for t in tours})
		)
		update_password(email, PASSWORD)
		if territory and not frappe.db.exists(
			"User Permission", {"user": email, "allow": "Territory", "for_value": territory}
		):
			frappe.get_doc(
				{"doctype": "User Permission", "user": email, "allow": "Territory", "for_value": territory}
			).insert(ignore_permissions=True)
	frappe.db.commit()
	frappe.clear_cache()
	return {key: email for key, (email, _roles, _t) in USERS.items()}


# ------------------------------------------------------------------------------------------ servers


def start_server(site: str, stock: bool):
	log = open(REPO / ".bench" / f"desk-bench-{'stock' if stock else 'app'}.log", "w")
	return common.start_server(site, "desk_stock_wsgi" if stock else "wsgi", output=log)


# ------------------------------------------------------------------------------------------ the desk

# Counts the time from the navigation (t0) until the page is drawn and no request is pending; the time
# is that of the later of the two, the last request's end observed at a 10 ms poll
USABLE = """([t0, ready, quietMs]) => new Promise((resolve, reject) => {
	const isReady = new Function(ready);
	const started = performance.now();
	let readyAt = null, lastBusy = started;
	const busy = () => (window.frappe && frappe.request ? frappe.request.ajax_count : 1) > 0
		|| document.readyState !== "complete";
	const poll = setInterval(() => {
		const now = performance.now();
		if (busy()) lastBusy = now;
		try {
			if (readyAt === null && !busy() && isReady()) readyAt = now;
		} catch (e) {}
		if (readyAt !== null && !busy() && now - lastBusy >= quietMs) {
			clearInterval(poll);
			resolve(Math.max(readyAt, lastBusy) - t0);
		} else if (now - started > 60000) {
			clearInterval(poll);
			reject(new Error("not usable after 60 s: " + ready));
		}
	}, 10);
})"""

CLICK = """([route, ready, quietMs, usable]) => {
	const t0 = performance.now();
	frappe.set_route(...route);
	return eval(usable)([t0, ready, quietMs]);
}"""

SHOWN = "const page = frappe.container && frappe.container.page; return !!page && page.offsetParent !== null"
PAGES = {
	"customer list": {
		"route": lambda c: ["List", "Customer", "List"],
		"ready": SHOWN
		+ """ && window.cur_list && cur_list.doctype === "Customer"
			&& page.querySelectorAll(".list-row-container").length >= 20
			&& /\\d/.test(page.querySelector(".list-count")?.textContent || "")""",
		"stock": True,
	},
	"customer form + overview": {
		"route": lambda c: ["Form", "Customer", c],
		"ready": SHOWN
		+ """ && window.cur_frm && cur_frm.doctype === "Customer"
			&& cur_frm.docname === frappe.get_route()[2] && !cur_frm.is_new()""",
		"stock": True,
	},
	"customer group tree": {
		"route": lambda c: ["Tree", "Customer Group"],
		"ready": SHOWN + ' && page.querySelectorAll(".tree-link").length > 1',
		"stock": True,
	},
	"Customer Group Statistics": {"route": lambda c: ["query-report", "Customer Group Statistics"]},
	"Customer Group Trends": {"route": lambda c: ["query-report", "Customer Group Trends"]},
	"Sales Target Variance": {"route": lambda c: ["query-report", "Sales Target Variance"]},
}
REPORT_READY = (
	SHOWN
	+ """ && frappe.query_report && frappe.query_report.report_name === frappe.get_route()[1]
	&& (frappe.query_report.data || []).length > 0
	&& page.querySelectorAll(".dt-scrollable .dt-row").length > 0"""
)
REPORTS_OF = {
	"manager": ["Customer Group Statistics", "Customer Group Trends", "Sales Target Variance"],
	"scoped": ["Sales Target Variance"],
}
ELSEWHERE = ["List", "ToDo", "List"]


def ready_of(page_name: str) -> str:
	return PAGES[page_name].get("ready") or REPORT_READY


def settle(page) -> None:
	page.evaluate(USABLE, [0, "return true", QUIET_MS])


def click_time(page, page_name: str, customer: str) -> float:
	page.evaluate("route => frappe.set_route(...route)", ELSEWHERE)
	page.wait_for_function("() => window.cur_list && cur_list.doctype === 'ToDo'", timeout=60_000)
	settle(page)
	return (
		page.evaluate(CLICK, [PAGES[page_name]["route"](customer), ready_of(page_name), QUIET_MS, USABLE])
		/ 1000
	)


def cold_time(page, url: str, page_name: str, customer: str) -> float:
	page.goto(f"{url}{cold_address(PAGES[page_name]['route'](customer))}", wait_until="commit")
	page.wait_for_function("() => window.frappe && frappe.request", timeout=60_000, polling=10)
	# performance.now() counts from the navigation's start
	return page.evaluate(USABLE, [0, ready_of(page_name), QUIET_MS]) / 1000


def cold_address(route: list[str]) -> str:
	kind, rest = route[0], route[1:]

	def slug(name):
		return name.lower().replace(" ", "-")

	if kind == "List":
		return f"{desk_prefix()}/{slug(rest[0])}"
	if kind == "Form":
		return f"{desk_prefix()}/{slug(rest[0])}/{rest[1]}"
	if kind == "Tree":
		return f"{desk_prefix()}/{slug(rest[0])}/view/tree"
	return f"{desk_prefix()}/query-report/{rest[0]}"


def figures(times: list[float]) -> tuple[float, float]:
	median = statistics.median(times)
	p90 = statistics.quantiles(times, n=10, method="inclusive")[8] if len(times) > 1 else times[0]
	return median, p90


# ------------------------------------------------------------------------------------------ reports, server side


def report_server_times(company_name: str, repeat: int) -> None:
	"""Each report's figures computed by the app, and by the stock way in this process."""
	from benchmarks.common import timed
	from crm_app.receivables.statistics import group_trends, roll_up, tree_statistics
	from crm_app.sales_targets.actuals import dimension_filter
	from crm_app.sales_targets.variance import target_vs_actual

	year = fiscal_year_2026()
	sign = (
		"case when l.movement_type in ('Credit Note', 'Receipt', 'Discount', 'Write-Off') then -1 else 1 end"
	)

	def stock_statistics():
		return roll_up(
			frappe.db.sql(
				f"""select c.customer_group, l.movement_type, sum(if(l.is_reversal, -1, 1)) as entries,
					sum({sign} * l.amount) as amount, sum({sign} * l.tax_amount) as tax_amount
				from `tabCustomer Ledger Entry` l join `tabCustomer` c on c.name = l.customer
				where l.posting_date between '2026-01-01' and '2026-12-31' and l.company = %s
				group by c.customer_group, l.movement_type""",
				company_name,
				as_dict=True,
			)
		)

	def stock_trends():
		return frappe.db.sql(
			"""select top.name, date_format(l.posting_date, '%%Y-%%m') as month,
				sum(if(l.movement_type = 'Credit Note', 1, -1) * -l.amount) as net
			from `tabCustomer Ledger Entry` l
			join `tabCustomer` c on c.name = l.customer
			join `tabCustomer Group` g on g.name = c.customer_group
			join `tabCustomer Group` top on top.lft <= g.lft and top.rgt >= g.rgt
				and top.parent_customer_group = %s
			where l.movement_type in ('Invoice', 'Credit Note') and l.company = %s
				and l.posting_date between '2026-01-01' and '2026-12-31'
			group by top.name, month""",
			(get_root_of("Customer Group"), company_name),
		)

	def stock_variance():
		result = {}
		for target in frappe.get_all(
			"Sales Target",
			filters={"fiscal_year": year, "use_children_total": 0},
			fields=["name", "territory", "customer_group", "sales_person", "item_group"],
		):
			where, values = dimension_filter(target, "2026-01-01", "2026-12-31")
			result[target.name] = frappe.db.sql(
				f"""select ifnull(sum(item.amount), 0) from `tabSales Invoice Item` item
				join `tabSales Invoice` si on si.name = item.parent and item.parenttype = 'Sales Invoice'
				where si.docstatus = 1 {where}""",
				values,
			)[0][0]
		return result

	print("reports, server side (fiscal year 2026, whole tree), app against the stock way, this process:")
	for label, ours, stock in (
		("Customer Group Statistics", lambda: tree_statistics(year, company_name), stock_statistics),
		("Customer Group Trends", lambda: group_trends(year, company=company_name), stock_trends),
		("Sales Target Variance", lambda: target_vs_actual(year, "Monthly"), stock_variance),
	):
		app_time, _ = timed(f"{label}: crm_app", ours, repeat)
		stock_time, _ = timed(f"{label}: stock way", stock, max(1, repeat // 2))
		print(f"  {label}: ratio stock / crm_app {stock_time / app_time:.1f}x")


# ------------------------------------------------------------------------------------------ main


def main():
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--site", default=default_site())
	parser.add_argument("--customers", type=int, default=100_000)
	parser.add_argument("--rows", type=int, default=1_000_000)
	parser.add_argument("--repeat", type=int, default=7, help="clicks per page and side")
	parser.add_argument("--cold", type=int, default=3, help="full page loads per page and side (0: none)")
	parser.add_argument("--users", default="manager,scoped")
	parser.add_argument("--pages", default=",".join(PAGES), help="comma-separated page names")
	parser.add_argument("--no-server-side", action="store_true", help="skip the reports' server times")
	args = parser.parse_args()

	ensure_site(args.site)
	connect(args.site)
	company_name = company()
	if not made(args.customers, args.rows, company_name):
		cleanup()
		start = time.perf_counter()
		make_data(args.customers, args.rows, company_name)
		print(
			f"made {args.customers} customers, {args.rows} ledger rows in {time.perf_counter() - start:.1f} s"
		)
		start = time.perf_counter()
		derive()
		print(f"rebuilt the ledger summary and the targets' actuals in {time.perf_counter() - start:.1f} s")
	users = ensure_users()
	customers = frappe.get_all(
		"Customer",
		# in the scoped user's country, so that both users open the same customers
		filters={"territory": ("in", [f"{P} Region {r}" for r in range(1, REGIONS + 1)])},
		pluck="name",
		limit=200,
		order_by="name",
	)
	print(
		f"site {args.site}: {frappe.db.count('Customer')} customers, "
		f"{frappe.db.count('Customer Ledger Entry')} ledger rows, {frappe.db.count('Customer Group')} groups, "
		f"{frappe.db.count('Territory')} territories, {frappe.db.count('Sales Invoice')} invoices"
	)
	if not args.no_server_side:
		report_server_times(company_name, 3)
	frappe.db.commit()

	from playwright.sync_api import sync_playwright

	from tests.browser import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, is_realtime_noise, log_in

	servers = {side: start_server(args.site, side == "stock") for side in ("app", "stock")}
	wanted = args.pages.split(",")
	results = {}
	try:
		with sync_playwright() as playwright:
			browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
			for user_key in args.users.split(","):
				user = users[user_key]
				pages = {}
				for side, (_process, url) in servers.items():
					context = browser.new_context(viewport=VIEWPORT)
					page = context.new_page()
					log_in(page, url, user, PASSWORD)
					settle(page)
					pages[side] = (page, url)
				names = [
					n for n in wanted if n in PAGES and (PAGES[n].get("stock") or n in REPORTS_OF[user_key])
				]
				for name in names:
					sides = ("app", "stock") if PAGES[name].get("stock") else ("app",)
					times = {(side, kind): [] for side in sides for kind in ("click", "cold")}
					# once each, not counted: the page's scripts and meta, as a user's first visit of the day
					for side in sides:
						click_time(pages[side][0], name, customers[0])
					for run in range(args.repeat):
						for side in sides if run % 2 == 0 else tuple(reversed(sides)):
							times[(side, "click")].append(
								click_time(pages[side][0], name, customers[1 + run % (len(customers) - 1)])
							)
					for run in range(args.cold):
						for side in sides if run % 2 == 0 else tuple(reversed(sides)):
							page, url = pages[side]
							times[(side, "cold")].append(
								cold_time(page, url, name, customers[-1 - run % (len(customers) - 1)])
							)
					results[(user_key, name)] = times
					report(user_key, name, times)
				for side, (page, _url) in pages.items():
					errors = [e for e in page.errors if not is_realtime_noise(e)]
					if errors:
						print(f"  page errors ({user_key}, {side}): {errors[:5]}")
					page.context.close()
			browser.close()
	finally:
		for process, _url in servers.values():
			process.terminate()
			process.wait(timeout=30)
		frappe.destroy()


def report(user_key: str, name: str, times: dict) -> None:
	line = f"  {user_key:7} {name:26}"
	medians = {}
	for (side, kind), values in times.items():
		if values:
			median, p90 = figures(values)
			medians[(side, kind)] = median
	for kind in ("click", "cold"):
		if (("app", kind)) not in medians:
			continue
		median, p90 = figures(times[("app", kind)])
		line += f" | {kind} app {median:5.2f} s (p90 {p90:5.2f})"
		if ("stock", kind) in medians:
			s_median, s_p90 = figures(times[("stock", kind)])
			line += f" stock {s_median:5.2f} s (p90 {s_p90:5.2f}) app/stock {median / s_median:4.2f}"
	print(line, flush=True)


if __name__ == "__main__":
	main()
