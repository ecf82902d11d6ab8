"""Check step of the import: a row is held to what a form save holds a document to, by the same functions
(crm_app.trees for the tree rules, crm_app.customers.freeze, crm_app.customers.sensitive_fields,
crm_app.customers.master_checks for names and price lists, the field checks of crm_app.input_checks).
Each check takes the rows and what it compares them with."""

from collections import defaultdict
from collections.abc import Callable, Container

import frappe
from frappe import _
from frappe.model import table_fields
from frappe.utils import strip_html_tags

from crm_app.customers.credit_policy import GROUP_OVERRIDE_FIELD, POLICY_FIELDS, credit_policy_error
from crm_app.customers.freeze import normalise_freeze
from crm_app.customers.master_checks import check_name_free, check_selling_price_list, selling_flags
from crm_app.customers.sensitive_fields import guarded_fields, refusal, unpermitted_change
from crm_app.data_transfer.columns import IMPORT_ORDER, LINK_FIELD, SELLING_ORDER
from crm_app.data_transfer.names import name_field
from crm_app.data_transfer.rows import INSERT_CHUNK, STREAMED, Row, forget_message
from crm_app.input_checks import check_value
from crm_app.receivables import statistics_adjustments
from crm_app.trees import (
	TREES,
	LeafHasChildrenError,
	MembersExistError,
	Node,
	NodesInMemory,
	check_leaf,
	check_place,
	parent_field_of,
)
from crm_app.values import yes_no

FREEZE_FIELDS = {"is_frozen", "freeze_reason"}


class ValueRules:
	"""Per doctype, read once: a new record's static defaults, each field's check with its translated
	label, the required fields (a label translated per row would cost more than the check)."""

	def __init__(self, translations: dict[str, str]):
		self.translations = translations  # French labels of options as well as of columns
		self._rules = {}

	def rules(self, doctype: str) -> dict:
		if doctype not in self._rules:
			meta, type_map = frappe.get_meta(doctype), frappe.db.type_map
			fields = {}
			for df in meta.fields:
				label = _(df.label or df.fieldname)
				if df.fieldtype == "Check":
					fields[df.fieldname] = ("check", df, label, None)
				elif df.fieldtype == "Select" and df.options:
					options = [o for o in df.options.split("\n") if o]
					by_label = {
						**{self.translations.get(o, o).lower(): o for o in options},
						**{_(o).lower(): o for o in options},
						**{o.lower(): o for o in options},
					}
					fields[df.fieldname] = ("select", df, label, (options, by_label))
				elif df.fieldtype in type_map:
					fields[df.fieldname] = ("value", df, label, type_map[df.fieldtype])
			self._rules[doctype] = {
				"defaults": [
					(df.fieldname, df.default)
					for df in meta.fields
					if df.default
					and not str(df.default).startswith((":", "__"))
					and df.default not in ("Today", "now")
				],
				"fields": fields,
				"required": [(df.fieldname, _(df.label)) for df in meta.fields if df.reqd],
			}
		return self._rules[doctype]

	def check_values(self, row: Row) -> None:
		"""A new record's defaults (the naming step takes them back from an existing one), each value
		converted and checked, the required fields."""
		rules = self.rules(row.doctype)
		values, added = row.values, []
		for fieldname, default in rules["defaults"]:
			if fieldname not in values:
				values[fieldname] = default
				added.append(fieldname)
		if added:
			row.defaulted = (*row.defaulted, *added)
		for fieldname, value in list(row.values.items()):
			rule = rules["fields"].get(fieldname)
			if not rule:
				continue
			kind, df, label, extra = rule
			try:
				if kind == "check":
					answer = yes_no(value)
					if answer is None:
						frappe.throw(_("{0} must be 1 or 0 (yes or no), not {1}").format(label, value))
					row.values[fieldname] = int(answer)
				elif kind == "select":
					options, by_label = extra
					option = by_label.get(str(value).lower())
					if option is None:
						frappe.throw(
							_("{0} must be one of {1}, not {2}").format(label, ", ".join(options), value)
						)
					row.values[fieldname] = option
				else:
					check_value(df, value, label, extra)
			except frappe.ValidationError as error:
				forget_message()
				row.fail(fieldname, str(error))
		for fieldname, label in rules["required"]:
			if fieldname not in row.values and not _filled_later(row, fieldname):
				row.fail(fieldname, _("{0} is required").format(label))


def _filled_later(row: Row, fieldname: str) -> bool:
	"""Filled by the naming step: a node's name field from its name, a customer's group and territory
	from the defaults; a selling document's fields and items by its own insert (the customer's values in
	force first, then Frappe's check of what is still missing)."""
	if row.doctype in SELLING_ORDER or "parentfield" in row.values:
		return True
	if row.doctype == STREAMED:
		return fieldname in ("customer_group", "territory")
	return fieldname == name_field(row.doctype) and bool(row.values.get("name"))


# What depends on the stored record


def check_stored(doctype: str, rows: list[Row], update: bool) -> None:
	"""The freeze rule (a frozen customer keeps its stored reason, unfreezing clears it), a group's credit
	control policy, a new group's name (not a customer's), a selling default price list and the user's
	rights, each as a form save applies them."""
	rows = [row for row in rows if row.name and not row.errors]
	load_before(doctype, rows, update)
	for row in rows:
		freeze_rule(row)
		credit_policy_rule(row)
	if doctype == "Customer Group":
		new = {row.name for row in rows if not row.exists}
		check_names_free(doctype, rows, existing("Customer", new) if new else set())
	price_list_rule(rows)
	check_permissions(doctype, [row for row in rows if not row.errors], update)


def check_names_free(doctype: str, rows: list[Row], other_names: Container) -> None:
	"""crm_app.customers.master_checks.check_name_free for each new row: a group not named like a customer,
	a customer not named like a group (`other_names`: the other doctype's names, stored or in the file)."""
	for row in rows:
		if row.name and not row.exists and not row.errors:
			_apply(row, name_field(doctype), check_name_free, doctype, row.name, other_names)


def price_list_rule(rows: list[Row]) -> None:
	"""crm_app.customers.master_checks.check_selling_price_list, the price lists read once a chunk."""
	wanted = [row for row in rows if row.values.get("default_price_list") and not row.errors]
	flags = selling_flags({row.values["default_price_list"] for row in wanted})
	for row in wanted:
		price_list = row.values["default_price_list"]
		if price_list in flags:  # an unknown one is the link check's
			_apply(
				row,
				"default_price_list",
				check_selling_price_list,
				row.doctype,
				row.name,
				price_list,
				flags[price_list],
			)


def _apply(row: Row, column: str, check: Callable, *args) -> None:
	"""Run a form's check on a row: what it throws becomes the row's error."""
	try:
		check(*args)
	except frappe.ValidationError as error:
		forget_message()
		row.fail(column, strip_html_tags(str(error)))


def load_before(doctype: str, rows: list[Row], update: bool) -> None:
	"""The stored values of the fields the file gives, for the existing rows it updates: one query a
	chunk."""
	if doctype not in IMPORT_ORDER or not update:
		return
	rows = [row for row in rows if row.exists and len(row.values) > 1]
	extra = {STREAMED: FREEZE_FIELDS, "Customer Group": {GROUP_OVERRIDE_FIELD, *POLICY_FIELDS}}.get(
		doctype, set()
	)
	for start in range(0, len(rows), INSERT_CHUNK):
		chunk = rows[start : start + INSERT_CHUNK]
		columns = sorted({key for row in chunk for key in row.values} - {"name"} | extra)
		stored = {
			record.name: record
			for record in frappe.get_all(
				doctype, filters={"name": ("in", [row.name for row in chunk])}, fields=["name", *columns]
			)
		}
		for row in chunk:
			row.before = stored.get(row.name) or {}


def freeze_rule(row: Row) -> None:
	"""crm_app.customers.freeze.normalise_freeze over the stored customer with the file's values on it."""
	if row.doctype != STREAMED:
		return
	if (
		not row.values.get("is_frozen")
		and "freeze_reason" not in row.values
		and not row.before.get("freeze_reason")
	):
		return  # not frozen, no reason to check or clear
	values = {**row.before, **row.values}
	try:
		normalise_freeze(values, row.name)
	except frappe.ValidationError as error:
		forget_message()
		row.fail("freeze_reason", str(error))
		return
	if "freeze_reason" in row.values or row.before.get("freeze_reason"):
		row.values["freeze_reason"] = values["freeze_reason"]


def credit_policy_rule(row: Row) -> None:
	"""crm_app.customers.credit_policy over the stored group with the file's values on it."""
	if row.doctype != "Customer Group":
		return
	refused = credit_policy_error({**row.before, **row.values}, row.doctype)
	if refused:
		row.fail(refused[0], strip_html_tags(refused[1]))


def check_permissions(doctype: str, rows: list[Row], update: bool) -> None:
	"""The importing user's rights, as a save checks them: create for new rows, write for updated ones,
	and the freeze and credit fields changed (from the stored value, or a new record's default) only by
	the roles allowed to change them."""
	if not rows or frappe.session.user == "Administrator":
		return
	may = {ptype: frappe.has_permission(doctype, ptype) for ptype in ("create", "write")}
	new_record = frappe.new_doc(doctype)
	guarded = [df for df in guarded_fields(new_record) if df.fieldtype not in table_fields]
	for row in rows:
		if not row.exists and not may["create"]:
			row.fail(None, _("No permission to create {0}").format(_(doctype)))
		elif row.exists and update and not may["write"]:
			row.fail(None, _("No permission to change {0}").format(_(doctype)))
		before = row.before if row.exists else new_record
		for df in guarded:
			if df.fieldname in row.values and unpermitted_change([df], row.values, before):
				row.fail(df.fieldname, refusal(df, doctype, row.name))


# Links and trees


def stored_tree(doctype: str) -> dict[str, Node]:
	parent = parent_field_of(doctype)
	return {
		name: Node(node_parent or None, bool(is_group))
		for name, node_parent, is_group in frappe.db.sql(
			f"select name, `{parent}`, is_group from `tab{doctype}`"
		)
	}


def laid_over(doctype: str, stored: dict[str, Node], good: dict[str, Row], update: bool) -> NodesInMemory:
	"""The stored tree with the file's good rows laid over it: what the tree rules look at. An existing
	node keeps what the file does not give (everything without `update`)."""
	nodes, parent_field = dict(stored), parent_field_of(doctype)
	for name, row in good.items():
		node = nodes.get(name)
		if node and not update:
			continue
		values = row.values
		nodes[name] = Node(
			(values.get(parent_field) or None) if parent_field in values or not node else node.parent,
			bool(values.get("is_group")) if "is_group" in values or not node else node.is_group,
		)
	return NodesInMemory(nodes, _members(doctype, stored, nodes))


def _members(doctype: str, stored: dict[str, Node], nodes: dict[str, Node]) -> dict:
	"""A record (doctype, name) held by each stored leaf the file makes a group."""
	names = [
		name for name, node in nodes.items() if node.is_group and name in stored and not stored[name].is_group
	]
	found = {}
	for member, link_field in TREES[doctype].members if names else ():
		for node, record in frappe.db.sql(
			f"select `{link_field}`, min(name) from `tab{member}` where `{link_field}` in %s group by `{link_field}`",
			[names],
		):
			found.setdefault(node, (member, record))
	return found


def check_tree(
	doctype: str, rows: list[Row], nodes: NodesInMemory, stored: dict[str, Node], update: bool
) -> None:
	"""The tree rules of a form save (crm_app.trees.check_place) for each row that is new or changes its
	place."""
	parent_field = parent_field_of(doctype)
	for row in rows:
		if not row.name or row.errors or (row.exists and not update):
			continue
		node = nodes.node(row.name)
		if row.exists and node == stored.get(row.name):
			continue  # keeps its place: nothing to check, as in a form save
		try:
			check_place(doctype, nodes, row.name, node.parent, node.is_group, stored=row.exists)
		except frappe.ValidationError as error:
			forget_message()
			leaf_or_group = isinstance(error, LeafHasChildrenError | MembersExistError)
			row.fail("is_group" if leaf_or_group else parent_field, strip_html_tags(str(error)))


def check_links(
	doctype: str,
	rows: list[Row],
	stored: Callable[[str, set], set],
	in_file: Callable[[str], Container],
	tree: Callable[[str], NodesInMemory],
) -> None:
	"""Each link names a record of the database (`stored(doctype, names)` -> those that exist) or a good
	row of the file (`in_file(doctype)`); a customer hangs on leaf groups and territories (`tree`)."""
	links = [df for df in frappe.get_meta(doctype).fields if df.fieldtype == "Link" and df.options]
	wanted = defaultdict(set)
	for row in rows:
		for df in links:
			if row.values.get(df.fieldname):
				wanted[df.options].add(row.values[df.fieldname])
	known = {target: stored(target, values) for target, values in wanted.items()}
	for row in rows:
		if row.errors:
			continue
		for df in links:
			value = row.values.get(df.fieldname)
			if value and value not in known[df.options] and value not in in_file(df.options):
				row.fail(df.fieldname, _("{0} {1} does not exist").format(_(df.options), value))
		if doctype == STREAMED:
			check_customer_places(row, tree)


def check_customer_places(row: Row, tree: Callable[[str], NodesInMemory]) -> None:
	for fieldname, doctype in (("customer_group", "Customer Group"), ("territory", "Territory")):
		try:
			check_leaf(doctype, tree(doctype), row.values.get(fieldname))
		except frappe.ValidationError as error:
			forget_message()
			row.fail(fieldname, strip_html_tags(str(error)))


def existing(doctype: str, names: set) -> set:
	"""The records of `names` that exist, a chunk a query."""
	found, names = set(), list(names)
	for start in range(0, len(names), INSERT_CHUNK):
		found.update(
			frappe.get_all(
				doctype, filters={"name": ("in", names[start : start + INSERT_CHUNK])}, pluck="name"
			)
		)
	return found


# Contacts and addresses


def check_documents(doctype: str, rows: list[Row], value_rules: ValueRules) -> None:
	"""Field checks, an existing record (by its ID) left as it is."""
	given = [row.values["name"] for row in rows if row.values.get("name")]
	stored = existing(doctype, set(given)) if given else set()
	country = frappe.db.get_single_value("System Settings", "country")
	for row in rows:
		if doctype == "Address":  # what a customer's quick entry gives its address
			row.values.setdefault("address_type", "Billing")
			if country:
				row.values.setdefault("country", country)
		value_rules.check_values(row)
		row.name = row.values.get("name") or f"{row.sheet}:{row.line}"  # Frappe names it at insert
		row.exists = row.values.get("name") in stored


def check_customer_link(rows: list[Row], file_customer: Callable[[str], str | None]) -> None:
	"""The customer a contact or address belongs to: one of the database or of the file
	(`file_customer(ID or customer name)` -> its name)."""
	wanted = {row.values.get(LINK_FIELD) for row in rows if row.values.get(LINK_FIELD)}
	stored = existing("Customer", wanted) if wanted else set()
	for row in rows:
		customer = row.values.get(LINK_FIELD)
		if row.errors or row.exists or not customer:
			continue
		resolved = customer if customer in stored else file_customer(customer)
		if not resolved:
			row.fail(LINK_FIELD, _("{0} {1} does not exist").format(_("Customer"), customer))
		else:
			row.values[LINK_FIELD] = resolved


# Opening statistics


def check_statistics(rows: list[Row], value_rules: ValueRules) -> None:
	"""Each row held to the rules of a Customer Statistics Adjustment (opening statistics unless the row
	says otherwise), by the same functions; a row whose opening figures are already recorded is left as
	it is (the same file imported again), and a file may not give the same opening figure twice."""
	try:
		statistics_adjustments.check_allowed("create")
	except frappe.PermissionError as error:
		forget_message()
		for row in rows:
			row.fail(None, strip_html_tags(str(error)))
		return
	seen = {}
	for row in rows:
		row.values.setdefault("is_opening", 1)
		row.values.pop("name", None)  # named by its series, as a form save names it
		value_rules.check_values(row)
		if row.errors:
			continue
		values = frappe._dict(row.values)
		try:
			statistics_adjustments.complete(values)
			row.exists = bool(values.is_opening and statistics_adjustments.same_opening(values))
			if values.is_opening and not row.exists:
				statistics_adjustments.check_single_opening(values)
		except frappe.ValidationError as error:
			forget_message()
			row.fail(None, strip_html_tags(str(error)))
			continue
		row.values, row.name = dict(values), f"{row.sheet}:{row.line}"
		if values.is_opening:
			key = statistics_adjustments.opening_key(values)
			if key in seen:
				row.fail(None, _("The same opening statistics are given on line {0}").format(seen[key]))
			seen.setdefault(key, row.line)
