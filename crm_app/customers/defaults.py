"""The values in force for customers, and where each comes from.

For every defaultable field the value in force is the customer's own, else its group's, else the nearest
ancestor group's that has one, else CRM Settings or the company's. ERPNext looks only at the direct
group; this walks the whole chain.

Made for bulk: a call for any number of customers costs a fixed handful of queries (customers, their
table rows, all groups, the groups' table rows, settings, companies); the chain of each group is
resolved once and shared by all its customers.
"""

from collections import defaultdict

import frappe

from crm_app.customers.credit_policy import GROUP_OVERRIDE_FIELD, POLICY_FIELDS, policy_of

# Scalar fields: customer field -> (group field, fallback)
SCALAR_FIELDS = {
	"default_price_list": ("default_price_list", "settings:selling_price_list"),
	"payment_terms": ("payment_terms", "company:payment_terms"),
}
EVERY_MEMBER_TAKES_GROUP_LIMIT = "Every Member Takes the Group Limit"
CHUNK = 5000
LIMIT_FIELDS = ["company", "currency", "credit_limit", "bypass_credit_limit_check"]


def optional_fieldnames() -> list[str]:
	"""Custom fields that exist on both Customer and Customer Group: the group's value is a default
	for its customers (Sage's optional fields)."""
	fields = frappe.get_all(
		"Custom Field",
		filters={"dt": ("in", ("Customer", "Customer Group"))},
		fields=["dt", "fieldname", "fieldtype"],
	)
	by_doctype = defaultdict(set)
	for field in fields:
		if field.fieldtype not in frappe.model.no_value_fields:
			by_doctype[field.dt].add(field.fieldname)
	return sorted(by_doctype["Customer"] & by_doctype["Customer Group"])


def _value(value, source, source_name=None):
	return {"value": value, "source": source, "source_name": source_name}


class GroupChains:
	"""All customer groups, with each group's chain (itself first, then ancestors up to the root)."""

	def __init__(self, optional_fields: list[str], companies: dict, limits_only: bool = False):
		fields = ["name", "parent_customer_group", "credit_limit_policy"]
		if not limits_only:
			fields += [GROUP_OVERRIDE_FIELD, *POLICY_FIELDS]
			fields += [group_field for group_field, _ in SCALAR_FIELDS.values()] + optional_fields
		if limits_only:
			self.groups, limits = _with_limits("Customer Group", fields)
			self.accounts = {}
		else:
			self.groups = {g.name: g for g in frappe.get_all("Customer Group", fields=fields)}
			self.accounts = _rows_by_parent("Party Account", "Customer Group", ["company", "account"])
			limits = _rows_by_parent("Customer Credit Limit", "Customer Group", LIMIT_FIELDS)
		self.limits = {group: limits_in_currency(rows, companies) for group, rows in limits.items()}
		self._chains = {}

	def chain(self, group: str | None) -> list:
		if not group or group not in self.groups:
			return []
		if group not in self._chains:
			parent = self.groups[group].parent_customer_group
			self._chains[group] = [self.groups[group], *self.chain(parent)]
		return self._chains[group]


def limits_in_currency(rows, companies: dict) -> list[dict]:
	"""Credit limit rows with their currency filled: empty means the company's default currency."""
	return [
		{**row, "currency": row.currency or companies[row.company].default_currency}
		for row in rows
		if row.company in companies
	]


def _rows_by_parent(child_doctype: str, parenttype: str, fields: list[str], parents=None) -> dict:
	filters = {"parenttype": parenttype}
	if parents is not None:
		filters["parent"] = ("in", parents)
	rows = frappe.get_all(child_doctype, filters=filters, fields=["parent", *fields], order_by="idx")
	grouped = defaultdict(list)
	for row in rows:
		grouped[row.pop("parent")].append(row)
	return grouped


def _source_of(index: int) -> str:
	return "group" if index == 0 else "ancestor"


def resolve_scalar(own, chain: list, group_field: str, fallback):
	if own:
		return _value(own, "customer")
	for index, group in enumerate(chain):
		if group.get(group_field):
			return _value(group.get(group_field), _source_of(index), group.name)
	if fallback and fallback["value"]:
		return fallback
	return _value(None, None)


def resolve_keyed_rows(own_rows, chain, chains_rows, key, skip_own=False):
	"""Per key (company, or company+currency), the first rows found along customer -> group -> ancestors."""
	resolved = {}
	if not skip_own:
		for row in own_rows:
			resolved.setdefault(key(row), {**row, "source": "customer", "source_name": None})
	for index, group in enumerate(chain):
		for row in chains_rows.get(group.name, ()):
			resolved.setdefault(key(row), {**row, "source": _source_of(index), "source_name": group.name})
	return resolved


def get_effective_defaults(customers: list[str], company: str | None = None) -> dict[str, dict]:
	"""Values in force for each customer, with their sources. `company` picks the company whose
	defaults fill what the chain leaves empty (payment terms); every company's receivable account
	and credit limit are given."""
	optional_fields = optional_fieldnames()
	settings = frappe.db.get_singles_dict("CRM Settings", cast=True)
	companies = _companies()
	chains = GroupChains(optional_fields, companies)
	fallbacks = {
		"settings:selling_price_list": _value(settings.get("selling_price_list"), "settings", "CRM Settings"),
		"company:payment_terms": _value(
			companies[company].payment_terms if company in companies else None, "company", company
		),
		"settings:credit_control": _value(policy_of(settings), "settings", "CRM Settings"),
	}

	result = {}
	for start in range(0, len(customers), CHUNK):
		names = customers[start : start + CHUNK]
		rows = frappe.get_all(
			"Customer",
			filters={"name": ("in", names)},
			fields=["name", "customer_group", *SCALAR_FIELDS, *optional_fields],
		)
		own_accounts = _rows_by_parent("Party Account", "Customer", ["company", "account"], names)
		own_limits = _rows_by_parent("Customer Credit Limit", "Customer", LIMIT_FIELDS, names)
		for row in rows:
			result[row.name] = _resolve_customer(
				row,
				chains,
				fallbacks,
				companies,
				own_accounts.get(row.name, ()),
				own_limits.get(row.name, ()),
				optional_fields,
			)
	return result


def _resolve_customer(row, chains, fallbacks, companies, own_accounts, own_limits, optional_fields) -> dict:
	chain = chains.chain(row.customer_group)
	values = {
		field: resolve_scalar(row.get(field), chain, group_field, fallbacks[fallback])
		for field, (group_field, fallback) in SCALAR_FIELDS.items()
	}
	values["optional_fields"] = {
		field: resolve_scalar(row.get(field), chain, field, None) for field in optional_fields
	}

	accounts = resolve_keyed_rows(own_accounts, chain, chains.accounts, key=lambda r: r.company)
	for company in companies.values():
		if company.name not in accounts and company.default_receivable_account:
			accounts[company.name] = {
				"company": company.name,
				"account": company.default_receivable_account,
				"source": "company",
				"source_name": company.name,
			}
	values["receivable_accounts"] = sorted(accounts.values(), key=lambda r: r["company"])

	values["credit_limits"] = resolve_limits(own_limits, chain, chains, companies)

	# the credit control policy: the nearest group of the chain that overrides CRM Settings' gives all of it
	overriding = resolve_scalar(None, chain, GROUP_OVERRIDE_FIELD, fallbacks["settings:credit_control"])
	if overriding["source"] in ("group", "ancestor"):
		overriding["value"] = policy_of(chains.groups[overriding["source_name"]])
	values["credit_control"] = overriding
	return {"customer": row.name, "customer_group": row.customer_group, "values": values}


def resolve_limits(own_limits, chain: list, chains: GroupChains, companies: dict) -> list[dict]:
	"""The credit limits in force per company and currency: the customer's own (unless its group gives
	every member the group's limit), else the nearest group's of the chain, else the company's."""
	group_policy = chain[0].credit_limit_policy if chain else None
	limits = resolve_keyed_rows(
		limits_in_currency(own_limits, companies),
		chain,
		chains.limits,
		key=lambda r: (r["company"], r["currency"]),
		skip_own=group_policy == EVERY_MEMBER_TAKES_GROUP_LIMIT,
	)
	for company in companies.values():
		key = (company.name, company.default_currency)
		if key not in limits and company.credit_limit:
			limits[key] = {
				"company": company.name,
				"currency": company.default_currency,
				"credit_limit": company.credit_limit,
				"bypass_credit_limit_check": 0,
				"source": "company",
				"source_name": company.name,
			}
	return sorted(limits.values(), key=lambda r: (r["company"], r["currency"]))


def get_credit_limits(customers: list[str]) -> dict[str, list[dict]]:
	"""The credit limits in force of each customer, as get_effective_defaults gives them in
	`values.credit_limits`, in 3 queries instead of 9 (companies, the groups with their limits, the
	customers with theirs): what the 360 view and the customer list show."""
	companies = _companies()
	chains = GroupChains([], companies, limits_only=True)
	result = {}
	for start in range(0, len(customers), CHUNK):
		names = customers[start : start + CHUNK]
		rows, own_limits = _with_limits("Customer", ["name", "customer_group"], names)
		for name, row in rows.items():
			result[name] = resolve_limits(
				own_limits.get(name, ()), chains.chain(row.customer_group), chains, companies
			)
	return result


def _companies() -> dict:
	return {
		c.name: c
		for c in frappe.get_all(
			"Company",
			fields=[
				"name",
				"default_currency",
				"default_receivable_account",
				"payment_terms",
				"credit_limit",
			],
		)
	}


def _with_limits(doctype: str, fields: list[str], names: list[str] | None = None) -> tuple[dict, dict]:
	"""Records of `doctype` (Customer or Customer Group: their `fields`, all of them or those named) and
	their credit limit rows in the table's order, in one query."""
	columns = ", ".join(f"t.`{field}`" for field in fields)
	limit_columns = ", ".join(f"l.`{field}` as `limit_{field}`" for field in LIMIT_FIELDS)
	where = "where t.name in %(names)s" if names is not None else ""
	rows = frappe.db.sql(
		f"""select {columns}, l.name as limit_row, {limit_columns} from `tab{doctype}` t
			left join `tabCustomer Credit Limit` l on l.parent = t.name and l.parenttype = %(doctype)s
		{where} order by t.name, l.idx""",
		{"doctype": doctype, "names": tuple(names or ())},
		as_dict=True,
	)
	records, limits = {}, defaultdict(list)
	for row in rows:
		records.setdefault(row.name, frappe._dict({field: row[field] for field in fields}))
		if row.limit_row:
			limits[row.name].append(frappe._dict({field: row[f"limit_{field}"] for field in LIMIT_FIELDS}))
	return records, limits
