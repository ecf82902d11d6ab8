// Copyright (c) 2026, crm_app contributors and contributors
// For license information, please see license.txt

frappe.ui.form.on("Customer Group", {
	setup(frm) {
		// only groups can be parents; the server checks it too
		frm.set_query("parent_customer_group", () => ({ filters: { is_group: 1, name: ["!=", frm.doc.name] } }));
		frm.set_query("default_price_list", () => ({ filters: { selling: 1, enabled: 1 } }));
	},

	refresh(frm) {
		if (frm.is_new()) return;
		frm.add_custom_button(__("Change Defaults for Customers"), () => change_defaults_dialog(frm));
		show_members_and_statistics(frm);
	},
});

// Sage's way: preview who follows the change and who keeps an own value, then apply to the chosen ones.
function change_defaults_dialog(frm) {
	const dialog = new frappe.ui.Dialog({
		title: __("Change Defaults for Customers"),
		fields: [
			{ fieldtype: "Link", fieldname: "default_price_list", label: __("Default Price List"), options: "Price List" },
			{
				fieldtype: "Link",
				fieldname: "payment_terms",
				label: __("Default Payment Terms Template"),
				options: "Payment Terms Template",
			},
			{ fieldtype: "HTML", fieldname: "preview" },
		],
		primary_action_label: __("Preview"),
		primary_action(values) {
			const changes = Object.fromEntries(Object.entries(values).filter(([k, v]) => v && k !== "preview"));
			if (!dialog.previewed) {
				frappe
					.call("crm_app.api.customer.preview_group_change", { customer_group: frm.doc.name, changes })
					.then(({ message }) => {
						dialog.previewed = changes;
						dialog.fields_dict.preview.$wrapper.html(preview_table(message));
						dialog.set_primary_action(__("Apply"), () => apply(dialog, frm));
					});
			}
		},
	});
	dialog.show();
}

function preview_table(rows) {
	const body = rows
		.map(
			(r) => `<tr>
				<td>${r.has_override ? `<input type="checkbox" class="crm-apply" data-customer="${frappe.utils.escape_html(r.customer)}" checked>` : ""}</td>
				<td>${frappe.utils.escape_html(r.customer)}</td><td>${__(frappe.meta.get_label("Customer", r.field))}</td>
				<td>${frappe.utils.escape_html(r.current_value ?? "")}</td><td>${frappe.utils.escape_html(r.new_value ?? "")}</td>
				<td>${r.has_override ? __("Keeps its own value unless ticked") : __("Follows the group")}</td>
			</tr>`
		)
		.join("");
	return `<table class="table table-sm table-bordered"><thead><tr><th></th><th>${__("Customer")}</th><th>${__(
		"Field"
	)}</th><th>${__("Now")}</th><th>${__("After")}</th><th></th></tr></thead><tbody>${body}</tbody></table>`;
}

function apply(dialog, frm) {
	const customers = [
		...new Set(dialog.$wrapper.find("input.crm-apply:checked").map((i, el) => $(el).data("customer")).get()),
	];
	frappe
		.call("crm_app.api.customer.apply_group_change", {
			customer_group: frm.doc.name,
			changes: dialog.previewed,
			customers,
		})
		.then(({ message }) => {
			dialog.hide();
			frappe.show_alert({
				message: message.queued
					? __("Updating {0} customers in the background", [message.customers])
					: __("{0} customers updated", [message.customers]),
				indicator: "green",
			});
			frm.reload_doc();
		});
}

// Members, and Sage's group statistics for the current fiscal year (rolled up through the subtree).
async function show_members_and_statistics(frm) {
	const count = await frappe.db.count("Customer", { filters: { customer_group: frm.doc.name } });
	let html = `<p><a href="/app/customer?customer_group=${encodeURIComponent(frm.doc.name)}">${__(
		"{0} customers in this group",
		[count]
	)}</a></p>`;
	const { message: fiscal_year } = await frappe.call("crm_app.api.receivables.get_default_fiscal_year");
	if (fiscal_year) {
		const { message: stats } = await frappe.call("crm_app.api.receivables.get_statistics", {
			fiscal_year,
			customer_group: frm.doc.name,
		});
		const rows = Object.entries(stats.movements)
			.map(([kind, v]) => `<tr><td>${__(kind)}</td><td class="text-right">${v.count}</td><td class="text-right">${format_currency(v.amount, stats.currency)}</td></tr>`)
			.join("");
		const report = `/app/query-report/Customer Group Statistics?fiscal_year=${encodeURIComponent(
			fiscal_year
		)}&customer_group=${encodeURIComponent(frm.doc.name)}`;
		html += `<p>${__("Statistics for fiscal year {0}", [fiscal_year])} · <a href="${report}">${__("Open the report")}</a></p>
			<table class="table table-sm table-bordered"><thead><tr><th>${__("Movement")}</th><th>${__("Count")}</th><th>${__(
				"Amount"
			)}</th></tr></thead><tbody>${rows}</tbody></table>
			<p>${__("Average Days to Pay")}: ${stats.average_days_to_pay ?? "-"}</p>`;
	}
	frm.get_field("members_html").$wrapper.html(html);
}
