// Copyright (c) 2026, crm_app contributors and contributors
// For license information, please see license.txt

frappe.query_reports["Sales Target Invoices"] = {
	filters: [
		{ fieldname: "sales_target", label: __("Sales Target"), fieldtype: "Link", options: "Sales Target", reqd: 1 },
		// the dates filled in, so that picking the target runs the report (a required filter left empty makes
		// Frappe's report throw at each change)
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			reqd: 1,
			default: frappe.datetime.year_start(),
		},
		{ fieldname: "to_date", label: __("To Date"), fieldtype: "Date", reqd: 1, default: frappe.datetime.get_today() },
	],
};
