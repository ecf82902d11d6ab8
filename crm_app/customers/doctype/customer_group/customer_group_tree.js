frappe.treeview_settings["Customer Group"] = {
	breadcrumb: "Customers",
	get_tree_nodes: "crm_app.api.tree.get_children",
	ignore_fields: ["parent_customer_group"],
};
