"""What a document save announces (`crm_app.events`), in one place for every way of saving it.

The doc_events in hooks.py point here, so a form, a REST call and any code saving the document announce
the same thing; an import that writes with SQL announces the same events itself.
"""

import frappe

from crm_app.events import announce


def customer_saved(doc, method=None) -> None:
	created = [doc.name] if doc.flags.in_insert else []
	announce("customers_changed", customers=[doc.name], created=created)


def customer_trashed(doc, method=None) -> None:
	announce("customers_deleted", customers=[doc.name])


def tree_node_saved(doc, method=None) -> None:
	"""A node given another parent (a new node moves nothing: nothing points under it yet)."""
	if doc.is_new() or doc.flags.in_insert:
		return
	if doc.has_value_changed(doc.nsm_parent_field):
		announce("tree_nodes_moved", doctype=doc.doctype, nodes=[doc.name])


def address_saved(doc, method=None) -> None:
	"""An address is part of its customers (their billing address, which segment rules read): its save or
	deletion is announced as a change of the customers it is, or was, linked to."""
	customers = _customers_of(doc)
	before = doc.get_doc_before_save() if method != "after_delete" else None
	if before:
		customers |= _customers_of(before)
	if customers:
		announce("customers_changed", customers=sorted(customers), created=[])


def _customers_of(address) -> set[str]:
	linked = {link.link_name for link in address.get("links") or [] if link.link_doctype == "Customer"}
	primary = frappe.get_all("Customer", filters={"customer_primary_address": address.name}, pluck="name")
	return linked | set(primary)
