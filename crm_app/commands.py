"""`bench --site SITE crm ...`: the app's batch jobs from the command line."""

import json

import click
import frappe
from frappe.commands import get_site, pass_context


@click.group("crm")
def crm():
	"""crm_app batch jobs."""


def run_on_site(context, doing: str, job, done: str) -> None:
	site = get_site(context)
	frappe.init(site=site)
	frappe.connect()
	try:
		click.echo(f"{doing} on {site}...")
		result = job()
		frappe.db.commit()
		click.echo(done.format(result))
	finally:
		frappe.destroy()


@crm.command("rebuild-ledger-summary")
@pass_context
def rebuild_ledger_summary(context):
	"""Recompute the customer ledger's monthly summary (group statistics) from the ledger."""
	from crm_app.receivables.ledger import rebuild_summary

	run_on_site(
		context, "Rebuilding the customer ledger summary", rebuild_summary, "{0} summary rows written."
	)


@crm.command("rebuild-balances")
@click.option("--check", is_flag=True, help="Only list where the kept figures differ from the ledger.")
@pass_context
def rebuild_balances(context, check):
	"""Recompute each customer's kept balance and amounts due from the ledger and the invoices (or, with
	--check, list where they differ)."""
	from crm_app.receivables.balances import check_balances, rebuild_balances

	if not check:
		run_on_site(
			context, "Rebuilding the customers' balances", rebuild_balances, "{0} balance rows written."
		)
		return
	site = get_site(context)
	frappe.init(site=site)
	frappe.connect()
	try:
		differences = check_balances()
	finally:
		frappe.destroy()
	for difference in differences[:100]:
		click.echo(
			f"  {difference['figure']} {' / '.join(map(str, difference['key']))}: kept {difference['kept']},"
			f" counted {difference['counted']}"
		)
	if differences:
		raise click.ClickException(
			f"{len(differences)} kept figures differ from the ledger: run bench crm rebuild-balances"
		)
	click.echo("The kept balances and amounts due agree with the ledger and the invoices.")


@crm.command("refresh-segments")
@click.argument("segments", nargs=-1)
@pass_context
def refresh_segments(context, segments):
	"""Bring customer segments that add or remove automatically in line with their rules (all, or those
	named)."""
	from crm_app.customers import segment_members

	site = get_site(context)
	frappe.init(site=site)
	frappe.connect()
	try:
		names = list(segments) or None
		missing = [name for name in names or () if not frappe.db.exists("Customer Segment", name)]
		if missing:
			raise click.ClickException(f"No such customer segment: {', '.join(missing)}")

		def report(done, total, name, counts):
			click.echo(f"  [{done}/{total}] {name}: {counts['joined']} joined, {counts['left']} left")

		segment_members.refresh_all(names, progress=report)
	finally:
		frappe.destroy()


@crm.command("rebuild-target-actuals")
@pass_context
def rebuild_target_actuals(context):
	"""Recount every sales target's actuals from the submitted invoice lines."""
	from crm_app.sales_targets.actuals import rebuild_actuals

	run_on_site(context, "Recounting sales target actuals", rebuild_actuals, "{0} targets recounted.")


@crm.command("expire-quotations")
@pass_context
def expire_quotations(context):
	"""Mark Expired every open quotation past its valid till date (the daily job, run now)."""
	from crm_app.selling.quotations import expire_quotations

	run_on_site(context, "Expiring quotations", expire_quotations, "{0} quotations expired.")


@crm.command("rebuild-tree")
@click.argument("doctype")
@pass_context
def rebuild_tree(context, doctype):
	"""Recompute a tree's nested-set bounds in one pass (Customer Group, Territory, Customer, ...)."""
	from crm_app.tree_rebuild import rebuild_tree as rebuild

	check_tree_doctype(doctype)
	run_on_site(context, f"Rebuilding the {doctype} tree", lambda: rebuild(doctype), "{0} nodes changed.")


@crm.command("check-tree")
@click.argument("doctype")
@pass_context
def check_tree(context, doctype):
	"""Report what is wrong with a stored tree (exit code 1 when something is)."""
	from crm_app.tree_rebuild import check_tree as check

	check_tree_doctype(doctype)
	problems = []
	run_on_site(
		context,
		f"Checking the {doctype} tree",
		lambda: problems.extend(check(doctype)) or len(problems),
		"{0} problems.",
	)
	for problem in problems[:50]:
		click.echo(f"  {problem}")
	if problems:
		raise SystemExit(1)


@crm.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check every row and report; write nothing.")
@click.option("--update", is_flag=True, help="Write the changed columns of records that exist already.")
@click.option("--good-rows-only", is_flag=True, help="Write the rows that pass even if others fail.")
@click.option("--submit", is_flag=True, help="Submit the quotations and sales orders imported.")
@pass_context
def import_data(context, files, dry_run, update, good_rows_only, submit):
	"""Import customers, customer groups, territories, sales persons, item groups, opportunities,
	quotations and sales orders (with their items) from CSV or XLSX (a sheet or file per doctype, named
	after it). Exit code 1 when a row is refused."""
	from pathlib import Path

	from crm_app.data_transfer.importer import commit_or_roll_back, import_files

	site = get_site(context)
	frappe.init(site=site)
	frappe.connect()
	try:
		contents = [(Path(path).name, Path(path).read_bytes()) for path in files]
		with click.progressbar(length=100, label="Writing") as bar:

			def progress(done, total, what):
				bar.update(int(done * 100 / total) - bar.pos)

			report = import_files(
				contents,
				dry_run=dry_run,
				update=update,
				good_rows_only=good_rows_only,
				progress=progress,
				submit=submit,
			)
		commit_or_roll_back(report, good_rows_only)
		print_report(report)
		if report["errors"]:
			raise SystemExit(1)
	finally:
		frappe.destroy()


@crm.command("export")
@click.argument("doctypes", nargs=-1, required=True)
@click.option("--format", "file_format", type=click.Choice(["csv", "xlsx"]), default="xlsx")
@click.option(
	"--output", type=click.Path(dir_okay=False), help="File to write (default: in the current folder)."
)
@click.option(
	"--filters",
	help="""Only the records matching these Frappe filters (JSON, one doctype), e.g. '{"territory": "France"}'.""",
)
@pass_context
def export_data(context, doctypes, file_format, output, filters):
	"""Export customers and trees (Customer, Customer Group, Territory, ...) or selling documents
	(Opportunity, Quotation, Sales Order, with their items) so they re-import as they are."""
	from pathlib import Path

	from crm_app.data_transfer.exporter import export_records

	site = get_site(context)
	frappe.init(site=site)
	frappe.connect()
	try:
		try:
			filters = json.loads(filters) if filters else None
		except ValueError:
			raise click.BadParameter("not JSON", param_hint="--filters") from None
		if filters is not None and (len(doctypes) > 1 or not isinstance(filters, dict | list)):
			raise click.BadParameter(
				"an object or a list of filters, for one doctype", param_hint="--filters"
			)
		try:
			filename, content = export_records(list(doctypes), file_format, filters)
		except frappe.ValidationError as error:
			raise click.ClickException(str(error)) from None
		path = Path(output or filename)
		path.write_bytes(content)
		click.echo(f"Written {path}")
	finally:
		frappe.destroy()


# projects
@crm.command("mark-overdue-tasks")
@pass_context
def mark_overdue_tasks(context):
	"""Mark Overdue every task past its expected end date, neither completed nor cancelled (the daily job)."""
	from crm_app.projects.tasks import mark_overdue_tasks

	run_on_site(context, "Marking overdue tasks", mark_overdue_tasks, "{0} tasks marked Overdue.")


def print_report(report: dict) -> None:
	for warning in report["warnings"]:
		click.echo(f"warning: {warning['sheet']}: {warning['message']}")
	for error in report["errors"]:
		where = f"{error['sheet']} line {error['row']}" if error["row"] else error["sheet"]
		click.echo(
			f"error: {where}{' column ' + error['column'] if error['column'] else ''}: {error['message']}"
		)
	for key in ("created", "updated", "unchanged"):
		for doctype, count in report[key].items():
			click.echo(f"{doctype}: {count} {key}")
	if report["dry_run"]:
		click.echo("Dry run: nothing written.")
	elif report["errors"] and not any(report["created"].values()):
		click.echo("Nothing written.")


def check_tree_doctype(doctype: str) -> None:
	from crm_app.api.tree import TREE_DOCTYPES

	if doctype not in TREE_DOCTYPES:
		raise click.BadParameter(f"{doctype} is not one of: {', '.join(TREE_DOCTYPES)}", param_hint="DOCTYPE")


commands = [crm]
