// Customers as the list shows them (its filters) to a file the import reads back unchanged.
// Each page of the list also shows what each customer owes and the credit left under its limit (one call
// per page: crm_app.api.receivables.get_customer_list_balances).
frappe.listview_settings["Customer"] = {
	refresh(listview) {
		crm_app.show_customer_list_balances(listview);
	},

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

frappe.provide("crm_app");

crm_app.show_customer_list_balances = (listview) => {
	const names = (listview.data || []).map((row) => row.name);
	if (!names.length) return;
	frappe
		.call({
			method: "crm_app.api.receivables.get_customer_list_balances",
			args: { customers: JSON.stringify(names) },
			type: "GET",
		})
		.then(({ message: balances }) => {
			for (const [name, rows] of Object.entries(balances || {})) {
				const $row = listview.$result.find(`.list-row-checkbox[data-name="${CSS.escape(name)}"]`).closest(".list-row");
				$row.find(".crm-list-balance").remove();
				if (!rows.length) continue;
				const text = rows
					.map((r) => {
						const available =
							r.credit_available == null
								? ""
								: ` · ${__("Credit Available")}: ${format_currency(r.credit_available, r.currency)}`;
						return `${__("Outstanding")}: ${format_currency(r.outstanding, r.currency)}${available}`;
					})
					.join("; ");
				$row.find(".list-subject").first().after(
					`<div class="list-row-col hidden-xs crm-list-balance text-muted small ellipsis" title="${frappe.utils.escape_html(text)}">${text}</div>`
				);
			}
		});
};
