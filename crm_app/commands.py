"""`bench --site SITE crm ...`: the app's batch jobs from the command line."""

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


@crm.command("rebuild-target-actuals")
@pass_context
def rebuild_target_actuals(context):
	"""Recount every sales target's actuals from the submitted invoice lines."""
	from crm_app.sales_targets.actuals import rebuild_actuals

	run_on_site(context, "Recounting sales target actuals", rebuild_actuals, "{0} targets recounted.")


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


def check_tree_doctype(doctype: str) -> None:
	from crm_app.api.tree import TREE_DOCTYPES

	if doctype not in TREE_DOCTYPES:
		raise click.BadParameter(f"{doctype} is not one of: {', '.join(TREE_DOCTYPES)}", param_hint="DOCTYPE")


commands = [crm]
