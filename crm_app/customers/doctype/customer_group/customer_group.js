// Copyright (c) 2026, crm_app contributors and contributors
// For license information, please see license.txt

frappe.ui.form.on("Customer Group", {
	setup(frm) {
		// only groups can be parents; the server checks it too
		frm.set_query("parent_customer_group", () => ({ filters: { is_group: 1, name: ["!=", frm.doc.name] } }));
	},
});
