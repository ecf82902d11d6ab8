// Customers form a forest: independent customers and head offices sit under a virtual root.
frappe.treeview_settings["Customer"] = {
	breadcrumb: "Customers",
	get_tree_root: false,
	root_label: "All Customers",
	get_tree_nodes: "crm_app.api.tree.get_children",
	ignore_fields: ["parent_customer"],
};
