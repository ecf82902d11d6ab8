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


commands = [crm]
