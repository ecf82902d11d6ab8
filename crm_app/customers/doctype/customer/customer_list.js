// Customers as the list shows them (its filters) to a file the import reads back unchanged.
frappe.listview_settings["Customer"] = {
	onload(listview) {
		for (const [label, file_format] of [
			[__("Export for Re-import (XLSX)"), "xlsx"],
			[__("Export for Re-import (CSV)"), "csv"],
		]) {
			listview.page.add_menu_item(label, () => {
				const args = new URLSearchParams({
					doctypes: JSON.stringify(["Customer"]),
					file_format,
					filters: JSON.stringify(listview.get_filters_for_args()),
				});
				window.open(`/api/method/crm_app.api.data_transfer.export_records?${args}`);
			});
		}
	},
};
