// Copyright (c) 2026, crm_app contributors and contributors
// For license information, please see license.txt

const TIMESHEET_STATUS_COLOURS = { Draft: "red", Submitted: "blue", Cancelled: "grey" };

frappe.listview_settings["Timesheet"] = {
	add_fields: ["status", "total_hours"],
	has_indicator_for_draft: true,
	get_indicator(doc) {
		const status = doc.status || "Draft";
		return [__(status), TIMESHEET_STATUS_COLOURS[status] || "grey", `status,=,${status}`];
	},
};
