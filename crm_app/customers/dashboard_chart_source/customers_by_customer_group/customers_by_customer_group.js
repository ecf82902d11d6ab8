frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["Customers by Customer Group"] = {
	method: "crm_app.customers.dashboard_chart_source.customers_by_customer_group.customers_by_customer_group.get",
	filters: [],
};
