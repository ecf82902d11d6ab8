"""Frappe's own Contact and Address documents for a customer's quick entry (seed 2.2).

They follow the customer's permission: whoever may create the customer gets its contact and address,
though Frappe gives some of these roles no right on Contact or Address (README, "Roles and permissions")."""

import frappe

ADDRESS_FIELDS = ("address_line1", "address_line2", "city", "state", "pincode", "country")


def create_primary_contact(customer) -> str:
	contact = frappe.new_doc("Contact")
	contact.first_name = customer.get("contact_first_name") or customer.customer_name
	contact.last_name = customer.get("contact_last_name")
	if customer.email_id:
		contact.append("email_ids", {"email_id": customer.email_id, "is_primary": 1})
	if customer.mobile_no:
		contact.append("phone_nos", {"phone": customer.mobile_no, "is_primary_mobile_no": 1})
	contact.append("links", {"link_doctype": "Customer", "link_name": customer.name})
	contact.insert(ignore_permissions=True)  # the customer's insert checked the caller's right
	return contact.name


def create_primary_address(customer) -> str:
	address = frappe.new_doc("Address")
	address.address_title = customer.customer_name
	address.address_type = "Billing"
	address.is_primary_address = 1
	for field in ADDRESS_FIELDS:
		address.set(field, customer.get(field))
	address.country = address.country or frappe.db.get_single_value("System Settings", "country")
	address.territory = customer.territory
	address.append("links", {"link_doctype": "Customer", "link_name": customer.name})
	address.insert(ignore_permissions=True)  # the customer's insert checked the caller's right
	return address.name


def link_quick_entry_records(customer) -> None:
	"""After insert: make the contact and the address the quick entry asked for, and link them."""
	if not customer.customer_primary_contact and (customer.email_id or customer.mobile_no):
		customer.db_set("customer_primary_contact", create_primary_contact(customer))
	if not customer.customer_primary_address and customer.get("address_line1"):
		name = create_primary_address(customer)
		customer.db_set(
			{
				"customer_primary_address": name,
				"primary_address": frappe.get_doc("Address", name).get_display(),
			}
		)
