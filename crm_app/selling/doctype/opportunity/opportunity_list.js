// Copyright (c) 2026, crm_app contributors and contributors
// For license information, please see license.txt

frappe.listview_settings["Opportunity"] = {
	add_fields: ["status", "opportunity_amount", "currency"],
	get_indicator(doc) {
		return crm_app.selling.indicator(doc.status || "Open");
	},
};
