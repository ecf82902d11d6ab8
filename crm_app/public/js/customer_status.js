// A frozen, disabled or overdue customer flagged on its own form and on each new document that picks it
// (the doctypes of hooks.py `customer_banner_doctypes`): the user learns it when choosing the customer,
// not when submitting.
frappe.provide("crm_app");

crm_app.flag_customer_status = (frm, customer) => {
	if (!customer) {
		frm.set_intro("");
		return;
	}
	frappe
		.call("crm_app.api.receivables.get_customer_banner", { customer })
		.then(({ message: status }) => crm_app.show_customer_banner(frm, customer, status));
};

// the banner drawn from a customer's status (get_customer_banner, or the customer form's one load call)
crm_app.show_customer_banner = (frm, customer, status) => {
	if (!status || (frm.doc.customer && frm.doc.customer !== customer && frm.doctype !== "Customer")) return;
	const name = frappe.utils.escape_html(customer);
	const lines = [];
	let color = "orange";
	if (status.is_frozen) {
		const reason = status.freeze_reason ? ` (${frappe.utils.escape_html(status.freeze_reason)})` : "";
		lines.push(__("Customer {0} is frozen{1}: invoices and payments cannot be submitted for it.", [name, reason]));
		color = "red";
	} else if (status.disabled) {
		lines.push(__("Customer {0} is disabled.", [name]));
	}
	if (status.overdue?.length) {
		const amounts = status.overdue.map((r) => format_currency(r.amount, r.currency)).join(", ");
		const count = status.overdue.reduce((total, r) => total + r.count, 0);
		lines.push(__("Customer {0} has {1} overdue invoices: {2} past due.", [name, count, amounts]));
		color = "red";
	}
	frm.set_intro(lines.length ? `<span class="crm-customer-banner">${lines.join("<br>")}</span>` : "", color);
};

// every doctype listed in the hook: the banner when its customer is picked, and on a draft's refresh
for (const doctype of frappe.boot?.crm_app?.customer_banner_doctypes || []) {
	frappe.ui.form.on(doctype, {
		refresh(frm) {
			if (frm.doc.docstatus === 0) crm_app.flag_customer_status(frm, frm.doc.customer);
		},
		customer(frm) {
			crm_app.flag_customer_status(frm, frm.doc.customer);
		},
	});
}
