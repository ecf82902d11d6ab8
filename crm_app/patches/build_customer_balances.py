from crm_app.receivables.balances import rebuild_balances


def execute():
	"""The customers' kept balances and amounts due, for the ledger and invoices posted before they were
	kept."""
	rebuild_balances()
