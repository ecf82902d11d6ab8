// Copyright (c) 2026, crm_app contributors and contributors
// For license information, please see license.txt

// the drill-down counts the lines the same way as the figure clicked
const report_grouping = () => frappe.query_report?.get_filter_value("grouping") || "As at the Time";

frappe.query_reports["Sales Target Variance"] = {
	filters: [
		crm_app.fiscal_year_filter(),
		{
			fieldname: "period",
			label: __("Period"),
			fieldtype: "Select",
			options: [
				{ value: "Monthly", label: __("Monthly") },
				{ value: "Quarterly", label: __("Quarterly") },
				{ value: "Half-Yearly", label: __("Half-Yearly") },
				{ value: "Yearly", label: __("Yearly") },
			],
			default: "Quarterly",
		},
		{
			fieldname: "based_on",
			label: __("Based On"),
			fieldtype: "Select",
			options: [
				{ value: "Amount", label: __("Amount") },
				{ value: "Quantity", label: __("Quantity") },
			],
			default: "Amount",
		},
		{ fieldname: "sales_target", label: __("Sales Target"), fieldtype: "Link", options: "Sales Target" },
		crm_app.grouping_filter(),
	],
	tree: true,
	name_field: "sales_target",
	parent_field: "parent_sales_target",
	initial_depth: 2,
	onload: (report) => crm_app.set_default_fiscal_year(report),
	formatter(value, row, column, data, default_formatter) {
		const text = default_formatter(value, row, column, data);
		// an actual figure opens the invoice lines behind it
		if (column.fieldname.startsWith("actual_") && data && value) {
			const link = crm_app.desk_url(["query-report", "Sales Target Invoices"], {
				sales_target: data.sales_target,
				from_date: column.period_start,
				to_date: column.period_end,
				grouping: report_grouping(),
			});
			return `<a href="${link}">${text}</a>`;
		}
		return text;
	},
};
