import frappe
from frappe.utils import now


def execute():
	"""Issue 22: ledger rows get the territory they were posted in (the invoice's, else the customer's
	current one), rows, invoices and orders without a group or territory the customer's current ones,
	and every customer without a membership history a first row of its current group, territory and
	sales team, from its creation. Empty fields only: nothing posted is restated."""
	for source, on in (
		("Sales Invoice", "l.voucher_type = 'Sales Invoice' and si.name = l.voucher_no"),
		("Sales Invoice", "l.against_voucher_type = 'Sales Invoice' and si.name = l.against_voucher"),
	):
		frappe.db.sql(
			f"""update `tabCustomer Ledger Entry` l join `tab{source}` si on {on}
			set l.territory = si.territory
			where ifnull(l.territory, '') = '' and ifnull(si.territory, '') != ''"""
		)
	for doctype in ("Customer Ledger Entry", "Sales Invoice", "Sales Order", "Quotation"):
		customer = "party_name" if doctype == "Quotation" else "customer"
		condition = " and d.quotation_to = 'Customer'" if doctype == "Quotation" else ""
		for field in ("customer_group", "territory"):
			frappe.db.sql(
				f"""update `tab{doctype}` d join `tabCustomer` c on c.name = d.{customer}
				set d.{field} = c.{field}
				where ifnull(d.{field}, '') = '' and ifnull(c.{field}, '') != ''{condition}"""
			)
	stamp = now()
	for field, column, value in (
		("Customer Group", "c.customer_group", "c.customer_group"),
		("Territory", "c.territory", "c.territory"),
		(
			"Sales Team",
			"(select count(*) from `tabSales Team` t where t.parent = c.name and t.parenttype = 'Customer')",
			"""(select group_concat(concat(t.sales_person, ' (', trim(trailing '.' from
				trim(trailing '0' from cast(t.allocated_percentage as char))), '%%)')
				order by t.sales_person separator ', ')
			from `tabSales Team` t where t.parent = c.name and t.parenttype = 'Customer')""",
		),
	):
		frappe.db.sql(
			f"""insert into `tabCustomer Membership History` (name, customer, field, value, valid_from,
				changed_by, reason, creation, modified, owner, modified_by)
			select nextval(`customer_membership_history_id_seq`), c.name, %(field)s, {value}, c.creation,
				c.owner, %(reason)s, %(now)s, %(now)s, 'Administrator', 'Administrator'
			from `tabCustomer` c
			where ifnull({column}, '') not in ('', '0') and not exists (
				select 1 from `tabCustomer Membership History` h where h.customer = c.name and h.field = %(field)s
			)""",
			{"field": field, "reason": "Value when the history began", "now": stamp},
		)
