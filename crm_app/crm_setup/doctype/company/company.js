// Copyright (c) 2026, crm_app contributors and contributors
// For license information, please see license.txt

// frappe.ui.form.on("Company", {
// 	refresh(frm) {

// 	},
// });
