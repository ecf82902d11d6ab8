// Copyright (c) 2026, crm_app contributors and contributors
// For license information, please see license.txt

// The project's tasks one click away.
frappe.ui.form.on("Project", {
	refresh(frm) {
		if (frm.is_new()) return;
		frm.add_custom_button(
			__("Tasks"),
			() => frappe.set_route("List", "Task", { project: frm.doc.name }),
			__("View"),
		);
	},
});
