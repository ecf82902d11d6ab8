// Customers form a forest: the head offices of national accounts sit under a virtual root.
frappe.treeview_settings["Customer"] = {
	breadcrumb: "Customers",
	get_tree_root: false,
	root_label: "All Customers",
	get_tree_nodes: "crm_app.api.tree.get_children",
	ignore_fields: ["parent_customer"],
	// without a real root to fetch, the tree is drawn at once
	onload: (treeview) => treeview.make_tree(),
};
