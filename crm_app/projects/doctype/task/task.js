// Copyright (c) 2026, crm_app contributors and contributors
// For license information, please see license.txt

// Tasks are added to open projects only (the server refuses the others).
frappe.ui.form.on("Task", {
	setup(frm) {
		frm.set_query("project", () => ({ filters: { status: "Open" } }));
	},
});
