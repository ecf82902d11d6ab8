frappe.treeview_settings["Item Group"] = {
	breadcrumb: "Receivables",
	get_tree_nodes: "crm_app.api.tree.get_children",
	ignore_fields: ["parent_item_group"],
};
