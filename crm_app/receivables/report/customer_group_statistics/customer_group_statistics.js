// Copyright (c) 2026, crm_app contributors and contributors
// For license information, please see license.txt

frappe.query_reports["Customer Group Statistics"] = {
	filters: [
		crm_app.fiscal_year_filter(),
		{ fieldname: "customer_group", label: __("Customer Group"), fieldtype: "Link", options: "Customer Group" },
		{ fieldname: "customer", label: __("Customer"), fieldtype: "Link", options: "Customer" },
		{ fieldname: "company", label: __("Company"), fieldtype: "Link", options: "Company" },
		{ fieldname: "currency", label: __("Currency"), fieldtype: "Link", options: "Currency" },
		crm_app.grouping_filter(),
	],
	onload: (report) => crm_app.set_default_fiscal_year(report),
};
