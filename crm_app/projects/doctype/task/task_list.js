// Copyright (c) 2026, crm_app contributors and contributors
// For license information, please see license.txt

// The task's status as the list's indicator (a filter on the status); overdue ones are marked daily.
const TASK_STATUS_COLOURS = {
	Open: "orange",
	Working: "blue",
	"Pending Review": "purple",
	Overdue: "red",
	Completed: "green",
	Cancelled: "grey",
};

frappe.listview_settings["Task"] = {
	add_fields: ["status", "exp_end_date", "progress"],
	get_indicator(doc) {
		const status = doc.status || "Open";
		return [__(status), TASK_STATUS_COLOURS[status] || "grey", `status,=,${status}`];
	},
};
