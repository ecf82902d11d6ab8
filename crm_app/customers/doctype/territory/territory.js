// Copyright (c) 2026, crm_app contributors and contributors
// For license information, please see license.txt

frappe.ui.form.on("Territory", {
	setup(frm) {
		// only groups can be parents; the server checks it too
		frm.set_query("parent_territory", () => ({ filters: { is_group: 1, name: ["!=", frm.doc.name] } }));
	},

	refresh(frm) {
		if (frm.is_new()) return;
		// the seed's path: targets are set from the territory
		frm.add_custom_button(__("Sales Target"), () => frappe.new_doc("Sales Target", { territory: frm.doc.name }), __("Create"));
		frappe.call("crm_app.api.sales_targets.get_territory_targets", { territory: frm.doc.name }).then(({ message }) => {
			const rows = message
				.map(
					(t) => `<tr>
						<td>${frappe.utils.get_form_link("Sales Target", t.sales_target, true)}</td>
						<td>${frappe.utils.escape_html(t.fiscal_year)}</td>
						<td>${frappe.utils.escape_html(t.item_group || __("All"))}</td>
						<td class="text-right">${format_currency(t.total.target_amount, t.currency)}</td>
						<td class="text-right">${format_currency(t.total.actual_amount, t.currency)}</td>
						<td class="text-right">${t.total.achieved_pct ?? "-"} %</td>
					</tr>`
				)
				.join("");
			frm.get_field("targets_html").$wrapper.html(
				message.length
					? `<table class="table table-sm table-bordered"><thead><tr><th>${__("Sales Target")}</th><th>${__(
							"Fiscal Year"
					  )}</th><th>${__("Item Group")}</th><th>${__("Target")}</th><th>${__("Actual")}</th><th>${__(
							"% Achieved"
					  )}</th></tr></thead><tbody>${rows}</tbody></table>`
					: `<p class="text-muted">${__("No sales targets for this territory yet.")}</p>`
			);
		});
	},
});
