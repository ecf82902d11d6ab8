"""What each sales target has reached, per month, kept in Sales Target Actual.

A target counts every submitted invoice line inside all of its subtrees: its territory, customer group,
sales person and item group each stand for the node and everything under it (empty means all), within
its fiscal year. Credit notes count negative, so actuals are net of them.

One matching path serves both ways of filling the table: invoices add their lines when submitted (and
take them back when cancelled), and `rebuild_actuals` recomputes targets from all submitted lines
(after a target is created or changed, or a tree node moves).

The actuals are kept as at the time: by the territory and customer group on each invoice, which stay as
they were posted when the customer moves. `actuals_as_grouped_today` counts the same lines by each
customer's current territory and group instead, when asked, without storing anything.

A recount and the invoices submitted meanwhile must not lose each other's lines: `rebuild_actuals`
reads the lines with a locking read before it replaces anything (see there), and a tree move queues its
recount only once it is committed, so that the recount sees it.
"""

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import flt, get_first_day, getdate
from frappe.utils.background_jobs import create_job_id, get_queue

from crm_app.access import require_permission, require_read
from crm_app.customers.membership import AS_AT_THE_TIME, AS_GROUPED_TODAY, check_grouping
from crm_app.guards import app_writes
from crm_app.input_checks import parse_date
from crm_app.locks import lock_doctype
from crm_app.permissions import permitted_customers_condition
from crm_app.trees import subtree_filters

ACTUAL = "Sales Target Actual"
# target field -> the tree it points into
DIMENSIONS = {
	"territory": "Territory",
	"customer_group": "Customer Group",
	"sales_person": "Sales Person",
	"item_group": "Item Group",
}


class TargetIndex:
	"""The targets that have a target of their own, ready to match rows against."""

	def __init__(self, names: list[str] | None = None, on_date=None, latest: bool = False):
		"""`latest`: read the targets with a locking read, which sees the targets committed since this
		transaction began and waits for one being saved (whose recount may have missed this invoice)."""
		years = frappe.get_all("Fiscal Year", fields=["name", "year_start_date", "year_end_date"])
		self.years = {y.name: (get_first_day(y.year_start_date), getdate(y.year_end_date)) for y in years}
		conditions, values = ["use_children_total = 0", "ifnull(fiscal_year, '') != ''"], {}
		if names is not None:
			conditions.append("name in %(names)s")
			values["names"] = tuple(names) or ("",)
		if on_date:
			# an invoice concerns only the targets of the fiscal years its date falls in
			month = get_first_day(on_date)
			in_force = [year for year, (start, end) in self.years.items() if start <= month <= end]
			conditions.append("fiscal_year in %(years)s")
			values["years"] = tuple(in_force) or ("",)
		self.targets = frappe.db.sql(
			f"""select name, fiscal_year, {", ".join(DIMENSIONS)} from `tabSales Target`
			where {" and ".join(conditions)} order by name{" lock in share mode" if latest else ""}""",
			values,
			as_dict=True,
		)
		self.lft = {}  # dimension -> {node: (lft, rgt)}
		for field, doctype in DIMENSIONS.items():
			self.lft[field] = {
				r.name: (r.lft, r.rgt) for r in frappe.get_all(doctype, fields=["name", "lft", "rgt"])
			}
		self._by_value = {}

	def _targets_for(self, field: str, value: str | None) -> frozenset:
		"""Targets whose `field` is empty or an ancestor-or-self of `value`."""
		key = (field, value)
		if key not in self._by_value:
			position = self.lft[field].get(value) if value else None
			matched = set()
			for target in self.targets:
				node = target[field]
				if not node:
					matched.add(target.name)
				elif position and node in self.lft[field]:
					lft, rgt = self.lft[field][node]
					if lft <= position[0] and position[1] <= rgt:
						matched.add(target.name)
			self._by_value[key] = frozenset(matched)
		return self._by_value[key]

	def _targets_in_year(self, month) -> frozenset:
		key = ("month", month)
		if key not in self._by_value:
			self._by_value[key] = frozenset(
				t.name
				for t in self.targets
				if self.years[t.fiscal_year][0] <= month <= self.years[t.fiscal_year][1]
			)
		return self._by_value[key]

	def match(self, row) -> frozenset:
		matched = self._targets_in_year(row["month"])
		for field in DIMENSIONS:
			if not matched:
				break
			matched = matched & self._targets_for(field, row.get(field))
		return matched


def totals_by_target(rows, index: TargetIndex) -> dict:
	"""(target, month) -> [qty, amount] for rows of month, dimensions, qty and amount."""
	totals = defaultdict(lambda: [0.0, 0.0])
	for row in rows:
		for target in index.match(row):
			bucket = totals[(target, row["month"])]
			bucket[0] += flt(row["qty"])
			bucket[1] += flt(row["amount"])
	return totals


def add_to_actuals(totals: dict) -> None:
	now, user = frappe.utils.now(), frappe.session.user
	# always in the same order: two invoices adding to the same rows then never wait for each other
	for (target, month), (qty, amount) in sorted(totals.items()):
		frappe.db.sql(
			"""insert into `tabSales Target Actual`
				(name, sales_target, period_start, qty, amount, creation, modified, owner, modified_by)
			values (nextval(`sales_target_actual_id_seq`), %s, %s, %s, %s, %s, %s, %s, %s)
			on duplicate key update qty = qty + values(qty), amount = amount + values(amount),
				modified = values(modified)""",
			(target, month, qty, amount, now, now, user, user),
		)


def invoice_rows(invoice, sign: int = 1) -> list[dict]:
	month = get_first_day(invoice.posting_date)
	return [
		{
			"month": month,
			"territory": invoice.territory,
			"customer_group": invoice.customer_group,
			"sales_person": invoice.sales_person,
			"item_group": item.item_group,
			"qty": sign * flt(item.qty),
			"amount": sign * flt(item.amount),
		}
		for item in invoice.items
	]


def on_invoice_submit(invoice, method=None) -> None:
	index = TargetIndex(on_date=invoice.posting_date, latest=True)
	with app_writes():
		add_to_actuals(totals_by_target(invoice_rows(invoice), index))


def on_invoice_cancel(invoice, method=None) -> None:
	index = TargetIndex(on_date=invoice.posting_date, latest=True)
	with app_writes():
		add_to_actuals(totals_by_target(invoice_rows(invoice, -1), index))


def _submitted_lines(where: str = "", values: dict | None = None, grouping: str = AS_AT_THE_TIME):
	"""Submitted invoice lines, added up per month and dimensions (credit notes are negative); territory
	and customer group the invoice's (as at the time) or its customer's current ones (as grouped today).

	As at the time, a locking read (the recount's): it sees every invoice committed until now, even if
	this transaction read the database before (a plain read would see it as it was then), waits for the
	submits and cancels under way, and keeps the invoices it read from being submitted or cancelled until
	this transaction ends. As grouped today it only reads, for a report."""
	dimensions, customer, lock = _line_source(grouping)
	return frappe.db.sql(
		f"""select date_format(si.posting_date, '%%Y-%%m-01') as month, {dimensions},
			si.sales_person, item.item_group, sum(item.qty) as qty, sum(item.amount) as amount
		from `tabSales Invoice Item` item
		join `tabSales Invoice` si on si.name = item.parent and item.parenttype = 'Sales Invoice' {customer}
		where si.docstatus = 1 {where}
		group by 1, 2, 3, 4, 5
		{lock}""",
		values or {},
		as_dict=True,
	)


def _line_source(grouping: str) -> tuple[str, str, str]:
	"""The territory and group columns of an invoice line, the join they need, and the lock of the read."""
	if grouping == AS_GROUPED_TODAY:
		return "c.territory, c.customer_group", "join `tabCustomer` c on c.name = si.customer", ""
	return "si.territory, si.customer_group", "", "lock in share mode"


def actuals_as_grouped_today(target_names: list[str], from_date, to_date) -> list[dict]:
	"""What the targets reach when every submitted line counts in its customer's current territory and
	group rather than the invoice's: rows as Sales Target Actual's (sales_target, period_start, qty,
	amount), computed when asked and never stored."""
	index = TargetIndex(target_names)
	if not index.targets:
		return []
	rows = _submitted_lines(
		"and si.posting_date between %(from_date)s and %(to_date)s",
		{"from_date": from_date, "to_date": to_date},
		AS_GROUPED_TODAY,
	)
	for row in rows:
		row["month"] = getdate(row["month"])
	return [
		frappe._dict(sales_target=target, period_start=month, qty=qty, amount=amount)
		for (target, month), (qty, amount) in totals_by_target(rows, index).items()
	]


def rebuild_actuals(target_names: list[str] | None = None) -> int:
	"""Recompute the actuals of some targets (all if None) from every submitted invoice line.

	One transaction, in this order: the lines are read first, with a locking read; only then are the
	targets' rows deleted and written again. An invoice submitted before the read has committed its own
	additions, which the delete removes and the recount counts again; one submitted after it waits for
	this transaction to commit, then adds its lines on top. Deleting first, or reading the lines with a
	plain read, would drop the invoices committed in between."""
	with app_writes():
		# one recount at a time: two would each hold rows the other has to delete
		lock_doctype(ACTUAL)
		index = TargetIndex(target_names)
		names = [t.name for t in index.targets]
		rows = []
		if names:
			where, values = "", {}
			if len(names) == 1:
				# one target: let the database keep only its lines
				target = index.targets[0]
				where, values = dimension_filter(target, *index.years[target.fiscal_year])
			rows = _submitted_lines(where, values)
			for row in rows:
				row["month"] = getdate(row["month"])
		if target_names is None:
			frappe.db.sql("delete from `tabSales Target Actual`")
		elif target_names:
			frappe.db.delete(ACTUAL, {"sales_target": ("in", target_names)})
		if names:
			add_to_actuals(totals_by_target(rows, index))
	return len(names)


def dimension_filter(target, from_date, to_date, grouping: str = AS_AT_THE_TIME) -> tuple[str, dict]:
	"""SQL conditions (on `si` and `item`, and `c` the customer as grouped today) for the lines a target
	counts between two dates."""
	where = "and si.posting_date between %(from_date)s and %(to_date)s"
	values = {"from_date": from_date, "to_date": to_date}
	today = grouping == AS_GROUPED_TODAY
	for field, doctype in DIMENSIONS.items():
		if target[field]:
			column = "item.item_group" if field == "item_group" else f"si.{field}"
			if today and field in ("territory", "customer_group"):
				column = f"c.{field}"
			values[field] = tuple(subtree(doctype, target[field]))
			where += f" and {column} in %({field})s"
	return where, values


def subtree(doctype: str, node: str) -> list[str]:
	return frappe.get_all(doctype, filters=subtree_filters(doctype, node) or {"name": node}, pluck="name")


RECOUNT_JOB = "crm_app:recount_target_actuals"


def on_tree_nodes_moved(doctype: str, nodes: list[str]) -> None:
	"""Nodes moved in a tree (reaction to `tree_nodes_moved`): what counts for which target may have
	changed, if the targets point into that tree.

	The recount is queued once the move is committed: queued before, it could run before the commit
	and not see the move (or run for a move that was rolled back)."""
	if nodes and doctype in DIMENSIONS.values() and frappe.db.count("Sales Target"):
		frappe.db.after_commit.add(queue_recount)


def queue_recount() -> str | None:
	"""Queue a recount of every target, unless one is queued and not started yet: that one will read
	what is committed now. A recount already running may have read before this change, so another
	one is queued. Returns the job id (None when one was waiting already)."""
	prefix = create_job_id(RECOUNT_JOB)
	if any(job_id.startswith(prefix) for job_id in get_queue("long").get_job_ids()):
		return None
	job_id = f"{RECOUNT_JOB}:{frappe.generate_hash(length=10)}"
	frappe.enqueue("crm_app.sales_targets.actuals.recount_job", queue="long", timeout=3600, job_id=job_id)
	return create_job_id(job_id)


def recount_job() -> int:
	"""`rebuild_actuals` of every target as a background job, shown in the desk of whoever moved the nodes
	while it runs (one transaction: no steps in between to show)."""
	title = _("Recounting sales target actuals")
	frappe.publish_progress(1, title=title)
	count = rebuild_actuals()
	frappe.publish_progress(100, title=title)  # the desk closes the bar at 100
	return count


def invoice_lines_for_target(
	sales_target: str, from_date, to_date, grouping: str = AS_AT_THE_TIME
) -> list[dict]:
	"""The submitted invoice lines behind a target's figure (the report's drill-down), with the territory
	and group they count under in that grouping."""
	target = frappe.db.get_value("Sales Target", sales_target, list(DIMENSIONS), as_dict=True)
	where, values = dimension_filter(target, from_date, to_date, grouping)
	permitted = permitted_customers_condition("si.customer")  # a user limited to some customers sees theirs
	if permitted:
		where += f" and {permitted}"
	dimensions, customer, _lock = _line_source(grouping)
	return frappe.db.sql(
		f"""select si.name as sales_invoice, si.posting_date, si.customer, {dimensions},
			si.sales_person, item.item_code, item.item_group, item.qty, item.amount, si.is_return
		from `tabSales Invoice Item` item
		join `tabSales Invoice` si on si.name = item.parent and item.parenttype = 'Sales Invoice' {customer}
		where si.docstatus = 1 {where}
		order by si.posting_date, si.name, item.idx""",
		values,
		as_dict=True,
	)


def permitted_invoice_lines(sales_target: str, from_date, to_date, grouping: str | None = None) -> list[dict]:
	"""`invoice_lines_for_target` for a caller allowed to read the target and the invoices (the API and
	the report alike); the dates as given by a user."""
	require_read("Sales Target", sales_target)
	require_permission("Sales Invoice")
	grouping = check_grouping(grouping)
	start, end = parse_date(from_date, "from_date"), parse_date(to_date, "to_date")
	return invoice_lines_for_target(sales_target, start, end, grouping)
