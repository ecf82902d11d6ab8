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
		crm_app.add_mailing_buttons(frm, { customer_group: frm.doc.name });
		show_members_and_statistics(frm);
	},
});

// Sage's way: preview who follows the change and who keeps an own value, then apply to the chosen ones.
// What is applied is what the preview shows: changing a value after the preview asks for a new one.
const CHANGEABLE_FIELDS = [
	{ fieldname: "default_price_list", label: __("Default Price List"), options: "Price List" },
	{ fieldname: "payment_terms", label: __("Default Payment Terms Template"), options: "Payment Terms Template" },
];

function change_defaults_dialog(frm) {
	const dialog = new frappe.ui.Dialog({
		title: __("Change Defaults for Customers"),
		fields: [
			...CHANGEABLE_FIELDS.map((field) => ({ ...field, fieldtype: "Link", onchange: () => reset(dialog) })),
			{ fieldtype: "HTML", fieldname: "preview" },
		],
	});
	reset(dialog);
	dialog.show();

	function reset(dialog) {
		dialog.previewed = null;
		dialog.fields_dict.preview.$wrapper.empty();
		dialog.set_primary_action(__("Preview"), () => preview(dialog));
	}

	function preview(dialog) {
		const values = dialog.get_values(true) || {};
		const changes = Object.fromEntries(
			CHANGEABLE_FIELDS.map(({ fieldname }) => [fieldname, values[fieldname]]).filter(([, value]) => value)
		);
		if (!Object.keys(changes).length) {
			frappe.msgprint(__("Choose a new value first"));
			return;
		}
		frappe
			.call("crm_app.api.customer.preview_group_change", { customer_group: frm.doc.name, changes })
			.then(({ message }) => {
				dialog.previewed = changes;
				dialog.fields_dict.preview.$wrapper.html(preview_table(message));
				dialog.set_primary_action(__("Apply"), () => apply(dialog, frm));
			});
	}
}

function preview_table(rows) {
	const labels = Object.fromEntries(CHANGEABLE_FIELDS.map((field) => [field.fieldname, field.label]));
	const escape = (value) => frappe.utils.escape_html(value ?? "");
	// a customer with its own value keeps it unless the user ticks it
	const body = rows
		.map(
			(r) => `<tr>
				<td>${r.has_override ? `<input type="checkbox" class="crm-apply" data-customer="${escape(r.customer)}">` : ""}</td>
				<td>${escape(r.customer)}</td><td>${escape(labels[r.field] || r.field)}</td>
				<td>${escape(r.current_value)}</td><td>${escape(r.new_value)}</td>
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
					: message.customers === 1
					? __("1 customer updated")
					: message.customers === 0
					? __("Group updated; no customer had to change")
					: __("{0} customers updated", [message.customers]),
				indicator: "green",
			});
			frm.reload_doc();
		});
}

// Members, and Sage's group statistics for the current fiscal year (rolled up through the subtree).
async function show_members_and_statistics(frm) {
	const count = await frappe.db.count("Customer", { filters: { customer_group: frm.doc.name } });
	let html = `<p><a href="${crm_app.desk_url(["customer"], { customer_group: frm.doc.name })}">${__(
		"{0} customers in this group",
		[count]
	)}</a></p>`;
	// the statistics come from the ledger: only for the roles that read it
	const { message: fiscal_year } = frappe.model.can_read("Customer Ledger Entry")
		? await frappe.call("crm_app.api.receivables.get_default_fiscal_year")
		: {};
	if (fiscal_year) {
		const { message: stats } = await frappe.call("crm_app.api.receivables.get_statistics", {
			fiscal_year,
			customer_group: frm.doc.name,
		});
		const rows = Object.entries(stats.movements)
			.map(([kind, v]) => `<tr><td>${__(kind)}</td><td class="text-right">${v.count}</td><td class="text-right">${format_currency(v.amount, stats.currency)}</td></tr>`)
			.join("");
		const report = crm_app.desk_url(["query-report", "Customer Group Statistics"], {
			fiscal_year,
			customer_group: frm.doc.name,
		});
		// the figures as posted (as at the time); the report also gives them by the customers' groups today
		const report_today = crm_app.desk_url(["query-report", "Customer Group Statistics"], {
			fiscal_year,
			customer_group: frm.doc.name,
			grouping: "As Grouped Today",
		});
		html += `<p>${__("Statistics for fiscal year {0}", [fiscal_year])} · <a href="${report}">${__("Open the report")}</a>
			· <a href="${report_today}">${__("As Grouped Today")}</a></p>
			<table class="table table-sm table-bordered"><thead><tr><th>${__("Movement")}</th><th>${__("Count")}</th><th>${__(
				"Amount"
			)}</th></tr></thead><tbody>${rows}</tbody></table>
			<p>${__("Average Days to Pay")}: ${stats.average_days_to_pay ?? "-"}</p>`;
	}
	frm.get_field("members_html").$wrapper.html(html);
}
