// Untick to remove: members chosen in the list are removed by hand from their segment (in a segment that
// adds and removes automatically, the removal sticks).
frappe.listview_settings["Customer Segment Member"] = {
	get_indicator(doc) {
		return doc.status === "Member"
			? [__("Member"), "green", "status,=,Member"]
			: [__("Removed by Hand"), "orange", "status,=,Removed by Hand"];
	},
	onload(listview) {
		listview.page.add_actions_menu_item(__("Remove Customers"), () => {
			const chosen = listview.get_checked_items();
			const by_segment = {};
			for (const row of chosen) (by_segment[row.segment] ||= []).push(row.customer);
			Promise.all(
				Object.entries(by_segment).map(([segment, customers]) =>
					frappe.call({
						method: "crm_app.api.segments.remove_members",
						args: { segment, customers: JSON.stringify(customers) },
					})
				)
			).then(() => listview.refresh());
		});
	},
};
