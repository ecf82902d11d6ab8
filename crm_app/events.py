"""What happened to the app's records, announced once, whatever path made it happen.

A save, a REST call, an import or a background job announces what it changed with `announce`; the
features that react to it (segments, sales target actuals, leads...) are listed in `hooks.py` under
`crm_events` and never called by the code that made the change. A batch announces its records at once,
so a reaction can be set-based.

The events (keyword arguments in brackets):

- `customers_changed` (customers: list of names, created: the names among them that are new): customers
  inserted or updated, from a form, REST, an import or a group change, or one of their addresses saved
  or deleted.
- `customers_deleted` (customers): customers about to be deleted, in the deleting transaction.
- `ledger_posted` (customers): ledger rows were appended for these customers.
- `tree_nodes_moved` (doctype, nodes): nodes of a tree got another parent (not new nodes).

Reactions run in the announcing transaction, in the order of the hooks; one that has work to do after
the commit queues it itself (`frappe.db.after_commit`).
"""

import frappe

HOOK = "crm_events"
EVENTS = frozenset({"customers_changed", "customers_deleted", "ledger_posted", "tree_nodes_moved"})


def announce(event: str, **details) -> None:
	"""Run every reaction to `event` registered in the apps' hooks, with `details` as keyword arguments."""
	if event not in EVENTS:
		raise ValueError(f"unknown event {event!r}")  # a typo would otherwise announce to no one
	for path in reactions(event):
		frappe.get_attr(path)(**details)


def reactions(event: str) -> list[str]:
	return (frappe.get_hooks(HOOK) or {}).get(event) or []
