// A frozen or disabled customer flagged on its own form and on the documents that pick it: the user
// learns it when choosing the customer, not when submitting.
frappe.provide("crm_app");

crm_app.flag_customer_status = (frm, customer) => {
	if (!customer) {
		frm.set_intro("");
		return;
	}
	frappe.call("crm_app.api.customer.get_customer_status", { customer }).then(({ message: status }) => {
		if (status?.is_frozen) {
			const reason = status.freeze_reason ? ` (${frappe.utils.escape_html(status.freeze_reason)})` : "";
			frm.set_intro(
				__("Customer {0} is frozen{1}: invoices and payments cannot be submitted for it.", [
					frappe.utils.escape_html(customer),
					reason,
				]),
				"red"
			);
		} else if (status?.disabled) {
			frm.set_intro(__("Customer {0} is disabled.", [frappe.utils.escape_html(customer)]), "orange");
		} else {
			frm.set_intro("");
		}
	});
};
