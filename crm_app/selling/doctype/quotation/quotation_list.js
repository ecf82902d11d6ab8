// Copyright (c) 2026, crm_app contributors and contributors
// For license information, please see license.txt

frappe.listview_settings["Quotation"] = {
	add_fields: ["status", "valid_till", "grand_total", "currency"],
	has_indicator_for_draft: true,
	get_indicator(doc) {
		// past its valid till date an open quotation is Expired, before the daily job marks it
		const expired =
			doc.status === "Open" && doc.valid_till && doc.valid_till < frappe.datetime.get_today();
		return crm_app.selling.indicator(expired ? "Expired" : doc.status || "Draft");
	},
};
