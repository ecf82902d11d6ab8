frappe.treeview_settings["Sales Person"] = {
	breadcrumb: "CRM Setup",
	get_tree_nodes: "crm_app.api.tree.get_children",
	ignore_fields: ["parent_sales_person"],
};
