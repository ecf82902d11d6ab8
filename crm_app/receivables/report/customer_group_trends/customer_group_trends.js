// Copyright (c) 2026, crm_app contributors and contributors
// For license information, please see license.txt

frappe.query_reports["Customer Group Trends"] = {
	filters: [
		crm_app.fiscal_year_filter(),
		{
			fieldname: "parent_customer_group",
			label: __("Parent Customer Group"),
			fieldtype: "Link",
			options: "Customer Group",
			get_query: () => ({ filters: { is_group: 1 } }),
		},
		{ fieldname: "company", label: __("Company"), fieldtype: "Link", options: "Company" },
		{ fieldname: "currency", label: __("Currency"), fieldtype: "Link", options: "Currency" },
		crm_app.grouping_filter(),
		{
			fieldname: "value",
			label: __("Based On"),
			fieldtype: "Select",
			options: [
				{ value: "amount", label: __("Amount") },
				{ value: "count", label: __("Count") },
			],
			default: "amount",
		},
	],
	onload: (report) => crm_app.set_default_fiscal_year(report),
};
