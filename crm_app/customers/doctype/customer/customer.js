// Copyright (c) 2026, crm_app contributors and contributors
// For license information, please see license.txt

frappe.ui.form.on("Customer", {
	setup(frm) {
		// customers hang on leaf groups and territories; a head office must be a group
		frm.set_query("customer_group", () => ({ filters: { is_group: 0 } }));
		frm.set_query("territory", () => ({ filters: { is_group: 0 } }));
		frm.set_query("parent_customer", () => ({ filters: { is_group: 1, name: ["!=", frm.doc.name] } }));
	},
});
