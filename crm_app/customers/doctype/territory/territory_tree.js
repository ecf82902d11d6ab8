frappe.treeview_settings["Territory"] = {
	breadcrumb: "Customers",
	get_tree_nodes: "crm_app.api.tree.get_children",
	ignore_fields: ["parent_territory"],
};
