// Shared by the app's reports.
frappe.provide("crm_app");

// The fiscal year containing today (else the latest), known since login: as a filter's default the report
// runs once, with it (set after the first run, it made the report draw twice at once).
crm_app.default_fiscal_year = () => frappe.boot.crm_app?.default_fiscal_year;

// The reports' required Fiscal Year filter, defaulting to that year.
crm_app.fiscal_year_filter = () => ({
	fieldname: "fiscal_year",
	label: __("Fiscal Year"),
	fieldtype: "Link",
	options: "Fiscal Year",
	reqd: 1,
	default: crm_app.default_fiscal_year(),
});

// The reports' Grouping filter (crm_app.customers.membership): figures by the group and territory a
// document had when posted (the default), or by the customer's group and territory today.
crm_app.grouping_filter = (extra = {}) => ({
	fieldname: "grouping",
	label: __("Grouping"),
	fieldtype: "Select",
	options: [
		{ value: "As at the Time", label: __("As at the Time") },
		{ value: "As Grouped Today", label: __("As Grouped Today") },
	],
	default: "As at the Time",
	...extra,
});

// Fill an empty "fiscal_year" filter (a fiscal year made since login) with the fiscal year containing today (else the latest).
// Only an empty filter asks the server: Frappe runs the report after this onload, so a call made while the
// filter already holds the year from the boot delayed every opening of the report by a round trip.
crm_app.set_default_fiscal_year = (report) => {
	if (report.get_filter_value("fiscal_year")) return Promise.resolve();
	return frappe.call("crm_app.api.receivables.get_default_fiscal_year").then(({ message }) => {
		if (message && !report.get_filter_value("fiscal_year")) report.set_filter_value("fiscal_year", message);
	});
};

// A report's chart keeps observing its wrapper after the report draws a new chart there (a second run, a
// filter change): the old chart then redraws into a container no longer on the page and throws. Frappe's
// query report never calls the chart's destroy(); do it before each new chart.
$(document).on("app_ready", () => {
	const QueryReport = frappe.views.QueryReport;
	if (!QueryReport || QueryReport.prototype.crm_app_destroys_old_chart) return;
	const render_chart = QueryReport.prototype.render_chart;
	QueryReport.prototype.render_chart = function (options) {
		this.chart?.destroy?.();
		return render_chart.call(this, options);
	};
	QueryReport.prototype.crm_app_destroys_old_chart = true;
});
