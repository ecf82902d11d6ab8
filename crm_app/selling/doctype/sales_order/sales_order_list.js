// Copyright (c) 2026, crm_app contributors and contributors
// For license information, please see license.txt

frappe.listview_settings["Sales Order"] = {
	add_fields: ["status", "per_delivered", "per_billed", "grand_total", "currency"],
	has_indicator_for_draft: true,
	get_indicator(doc) {
		return crm_app.selling.indicator(doc.status || "Draft");
	},
};
