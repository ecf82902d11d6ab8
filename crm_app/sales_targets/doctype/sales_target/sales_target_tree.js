frappe.treeview_settings["Sales Target"] = {
	breadcrumb: "Sales Targets",
	get_tree_nodes: "crm_app.api.tree.get_children",
	ignore_fields: ["parent_sales_target"],
};
