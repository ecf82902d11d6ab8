"""`bench --site SITE crm ...`: the app's batch jobs from the command line."""

import click
import frappe
from frappe.commands import get_site, pass_context


@click.group("crm")
def crm():
	"""crm_app batch jobs."""


@crm.command("rebuild-ledger-summary")
@pass_context
def rebuild_ledger_summary(context):
	"""Recompute the customer ledger's monthly summary (group statistics) from the ledger."""
	from crm_app.receivables.ledger import rebuild_summary

	site = get_site(context)
	frappe.init(site=site)
	frappe.connect()
	try:
		click.echo(f"Rebuilding the customer ledger summary of {site}...")
		count = rebuild_summary()
		frappe.db.commit()
		click.echo(f"{count} summary rows written.")
	finally:
		frappe.destroy()


commands = [crm]
