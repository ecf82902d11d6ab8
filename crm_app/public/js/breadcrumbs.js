// The app's screens (trees, reports, lists) lead back to the CRM workspace, whichever module they are in.
if (frappe.breadcrumbs) {
	Object.assign(frappe.breadcrumbs.module_map, {
		Receivables: "Customers",
		"Sales Targets": "Customers",
		"CRM Setup": "Customers",
	});
}
