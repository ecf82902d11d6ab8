// Shared by the app's reports.
frappe.provide("crm_app");

// Fill an empty "fiscal_year" filter with the fiscal year containing today (else the latest).
crm_app.set_default_fiscal_year = (report) =>
	frappe.call("crm_app.api.receivables.get_default_fiscal_year").then(({ message }) => {
		if (message && !report.get_filter_value("fiscal_year")) report.set_filter_value("fiscal_year", message);
	});
