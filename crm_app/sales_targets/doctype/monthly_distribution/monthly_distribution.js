// Copyright (c) 2026, crm_app contributors and contributors
// For license information, please see license.txt

frappe.ui.form.on("Monthly Distribution", {
	refresh(frm) {
		frm.add_custom_button(__("Distribute Evenly"), () =>
			frm.call("distribute_evenly").then(() => frm.dirty() || frm.refresh_field("percentages"))
		);
	},
});
