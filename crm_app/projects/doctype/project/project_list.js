// Copyright (c) 2026, crm_app contributors and contributors
// For license information, please see license.txt

// The project's status as the list's indicator (a filter on the status), with its percent complete.
const PROJECT_STATUS_COLOURS = { Open: "orange", Completed: "green", Cancelled: "grey" };

frappe.listview_settings["Project"] = {
	add_fields: ["status", "percent_complete", "actual_time"],
	get_indicator(doc) {
		const status = doc.status || "Open";
		const label =
			status === "Open" && doc.percent_complete
				? `${__(status)} (${Math.round(doc.percent_complete)}%)`
				: __(status);
		return [label, PROJECT_STATUS_COLOURS[status] || "grey", `status,=,${status}`];
	},
};
