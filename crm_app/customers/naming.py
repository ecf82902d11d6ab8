"""Customer names and the defaults a new customer takes from CRM Settings.

Plain functions, so that the desk, REST, scripts and bulk imports share one rule.
"""

import frappe
from frappe import _
from frappe.model.naming import make_autoname

from crm_app.locks import raise_busy
from crm_app.values import escape_like

SETTINGS = "CRM Settings"
# Settings field -> Customer field filled when empty on a new customer
NEW_CUSTOMER_DEFAULTS = {"customer_group": "customer_group", "territory": "territory"}
# Customers are inserted under the customer tree's lock (crm_app.trees.TreeNode), so the free name read
# below is still free at insert; the retry only covers a name taken outside that lock.
MAX_NAME_ATTEMPTS = 5


def by_naming_series() -> bool:
	return frappe.db.get_single_value(SETTINGS, "cust_master_name") == "Naming Series"


def naming_series_name(doc) -> str:
	prefix = frappe.db.get_single_value(SETTINGS, "customer_naming_series") or "CUST-.YYYY.-"
	return make_autoname(prefix if "#" in prefix else f"{prefix}.#####", doc=doc)


def names_like(base: str) -> list[str]:
	"""The customer names `base` and `base-...`. A locking read: it sees the names other sessions
	committed while this one waited for the lock, not the transaction's older snapshot."""
	return frappe.db.sql(
		"select name from `tabCustomer` where name = %s or name like %s lock in share mode",
		(base, escape_like(base) + "-%"),
		pluck=True,
	)


def free_customer_name(base: str, taken_too: str | None = None) -> str:
	"""`base` if free, else `base-n` with n one past the highest suffix in use (or in `taken_too`)."""
	base = base.strip()
	return next_free_name(base, homonym_index([*names_like(base), *filter(None, [taken_too])]))


# The homonym index: base name -> 2 * (highest `-n` suffix in use) + (1 if the base itself is taken).
# One small int per name, not a set: a bulk import keeps one entry per row of its file.


def next_free_name(base: str, index: dict[str, int]) -> str:
	"""The homonym rule: `base` if no name takes it, else `base-n`, n one past the highest suffix in use
	(`X Acme-5` or `Acme Corp` do not count for `Acme`). `index`: see `homonym_index`."""
	base = base.strip()
	state = index.get(base, 0)
	return f"{base}-{(state >> 1) + 1}" if state & 1 else base


def homonym_index(names) -> dict[str, int]:
	"""The index of names in use, for many names at once (a bulk import names its rows against it)."""
	index = {}
	for name in names:
		take_name(name, index)
	return index


def take_name(name: str, index: dict[str, int]) -> str:
	"""Record a name as used in the index; returns it."""
	index[name] = index.get(name, 0) | 1
	base, dash, suffix = name.rpartition("-")
	if dash and suffix.isascii() and suffix.isdigit():
		state = index.get(base, 0)
		index[base] = (max(state >> 1, int(suffix)) << 1) | (state & 1)
	return name


def insert_under_free_name(doc, insert, *args, **kwargs):
	"""Insert, and if the name was taken in the meantime, take the next free one: two people saving
	`Acme` at the same moment get `Acme` and `Acme-1`, never an error. The child rows (credit limits,
	accounts, sales team) follow the new name, so they stay with their own customer."""
	for _attempt in range(MAX_NAME_ATTEMPTS):
		try:
			return insert(*args, **kwargs)
		except frappe.DuplicateEntryError:
			if frappe.local.message_log:
				frappe.local.message_log.pop()  # Frappe's "already exists" message, no longer true
			doc.name = free_customer_name(doc.customer_name, taken_too=doc.name)
			doc.set_parent_in_children()
	raise_busy(_("Customer {0}").format(doc.customer_name))


def apply_new_customer_defaults(doc, defaults: dict | None = None) -> None:
	"""Fill the empty fields of a new customer (document or dict) with `new_customer_defaults()` (a bulk
	caller passes them, read once)."""
	missing = [field for field in NEW_CUSTOMER_DEFAULTS.values() if not doc.get(field)]
	if not missing:
		return
	defaults = defaults or new_customer_defaults(missing)
	doc.update({field: defaults[field] for field in missing if defaults.get(field)})  # a Document or a dict


def new_customer_defaults(fields: list[str] | None = None) -> dict:
	"""The group and territory a new customer takes when none is given: the ones CRM Settings name, else
	the leaf most often chosen for customers (Dokos: "le groupe de client le plus souvent sélectionné"),
	else the leaf seeded at install, so a fresh site works out of the box."""
	from crm_app.install import seeded_default_leaf

	settings = frappe.db.get_singles_dict(SETTINGS, cast=True)
	return {
		customer_field: settings.get(settings_field)
		or most_chosen_leaf(customer_field)
		or seeded_default_leaf(frappe.unscrub(customer_field))
		for settings_field, customer_field in NEW_CUSTOMER_DEFAULTS.items()
		if fields is None or customer_field in fields
	}


def most_chosen_leaf(field: str) -> str | None:
	"""The leaf of the customer_group or territory tree that most customers have (ties: by name)."""
	doctype = frappe.unscrub(field)
	rows = frappe.db.sql(
		f"""select c.`{field}` from `tabCustomer` c join `tab{doctype}` t on t.name = c.`{field}` and t.is_group = 0
		group by c.`{field}` order by count(*) desc, c.`{field}` limit 1"""
	)
	return rows[0][0] if rows else None
