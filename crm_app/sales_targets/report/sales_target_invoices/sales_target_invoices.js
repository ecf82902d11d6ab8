// Copyright (c) 2026, crm_app contributors and contributors
// For license information, please see license.txt

// The report runs once its three filters are filled: Frappe refreshes a report at each filter change and
// once the route's filters are set, and with a required filter still empty (the target's link still being
// checked by the server) that refresh throws "Filter missing".
const run_when_filled = (report) => {
	if (["sales_target", "from_date", "to_date"].every((f) => report.get_filter_value(f))) {
		report.refresh();
	}
};

const target_settled = (report) =>
	new Promise((resolve) => {
		let quiet_since = Date.now();
		const check = () => {
			if (frappe.request.ajax_count) quiet_since = Date.now();
			if (report.get_filter_value("sales_target") || Date.now() - quiet_since > 300) resolve();
			else setTimeout(check, 50);
		};
		check();
	});

frappe.query_reports["Sales Target Invoices"] = {
	// the first run waits for the route's target (its link is checked by the server after the dates are set)
	onload: (report) => target_settled(report),
	filters: [
		{
			fieldname: "sales_target",
			label: __("Sales Target"),
			fieldtype: "Link",
			options: "Sales Target",
			reqd: 1,
			on_change: run_when_filled,
		},
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			reqd: 1,
			default: frappe.datetime.year_start(),
			on_change: run_when_filled,
		},
		{
			fieldname: "to_date",
			label: __("To Date"),
			fieldtype: "Date",
			reqd: 1,
			default: frappe.datetime.get_today(),
			on_change: run_when_filled,
		},
		crm_app.grouping_filter({ on_change: run_when_filled }),
	],
};
