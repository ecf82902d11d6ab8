// Copyright (c) 2026, crm_app contributors and contributors
// For license information, please see license.txt

const SEGMENTS_API = "crm_app.api.segments";

frappe.ui.form.on("Customer Segment", {
	refresh(frm) {
		render_summary(frm);
		frm.add_custom_button(__("Dry Run"), () => dry_run(frm));
		if (frm.is_new()) return;
		frm.add_custom_button(frm.doc.auto_update ? __("Refresh Now") : __("Apply Proposal"), () =>
			frappe
				.call({
					method: `${SEGMENTS_API}.refresh_segment`,
					args: { segment: frm.doc.name },
					freeze: true,
				})
				.then(({ message }) => {
					frappe.show_alert(__("{0} joined, {1} left", [message.joined, message.left]));
					frm.reload_doc();
				})
		);
		frm.add_custom_button(__("Add Customers"), () => add_customers(frm), __("Members"));
		frm.add_custom_button(
			__("Members"),
			() => frappe.set_route("List", "Customer Segment Member", { segment: frm.doc.name }),
			__("Members")
		);
		frm.add_custom_button(
			__("History"),
			() => frappe.set_route("List", "Customer Segment Log", { segment: frm.doc.name }),
			__("Members")
		);
		crm_app.add_mailing_buttons(frm, { customer_segment: frm.doc.name });
	},
	match: render_summary,
	company: render_summary,
});

frappe.ui.form.on("Customer Segment Rule", {
	field: render_summary,
	operator: render_summary,
	value: render_summary,
	value_to: render_summary,
	rules_remove: render_summary,
});

// "Selected Fields": the rules in words, as they will be applied.
function render_summary(frm) {
	const wrapper = frm.get_field("summary_html").$wrapper;
	const rules = (frm.doc.rules || []).filter((rule) => rule.field && rule.operator);
	if (!rules.length) {
		wrapper.html(`<p class="text-muted">${__("No rule: add members by hand.")}</p>`);
		return;
	}
	const heading =
		frm.doc.match === "Any"
			? __("Customers must match any of:")
			: __("Customers must match all of:");
	const items = rules.map((rule) => {
		const values = [rule.value, rule.operator === "between" ? rule.value_to : null]
			.filter((value) => value)
			.map((value) => `<b>${frappe.utils.escape_html(value)}</b>`)
			.join(` ${__("And").toLowerCase()} `);
		return `<li>${frappe.utils.escape_html(rule.field)} ${__(rule.operator)} ${values}</li>`;
	});
	wrapper.html(`<p>${heading}</p><ul>${items.join("")}</ul>`);
}

// Who the rules as they stand on the form (saved or not) would bring in and take out.
function dry_run(frm) {
	frappe
		.call({
			method: `${SEGMENTS_API}.preview_segment`,
			args: {
				segment: frm.is_new() ? null : frm.doc.name,
				rules: JSON.stringify(
					(frm.doc.rules || []).map(({ field, operator, value, value_to }) => ({
						field,
						operator,
						value,
						value_to,
					}))
				),
				match: frm.doc.match,
				company: frm.doc.company || "",
			},
		})
		.then(({ message: preview }) => {
			const list = (names) =>
				names.map((name) => `<li>${frappe.utils.escape_html(name)}</li>`).join("");
			frappe.msgprint({
				title: __("Dry Run"),
				message: `<p>${__(
					"{0} would join, {1} would leave ({2} match the rules, {3} kept out by hand)",
					[preview.join, preview.leave, preview.matching, preview.kept_out]
				)}</p>
				<p><b>${__("Joining")}</b></p><ul>${list(preview.joining)}</ul>
				<p><b>${__("Leaving")}</b></p><ul>${list(preview.leaving)}</ul>`,
			});
		});
}

function add_customers(frm) {
	const dialog = new frappe.ui.Dialog({
		title: __("Add Customers"),
		fields: [
			{
				fieldtype: "MultiSelectList",
				fieldname: "customers",
				label: __("Customers"),
				reqd: 1,
				get_data: (txt) => frappe.db.get_link_options("Customer", txt),
			},
		],
		primary_action_label: __("Add Customers"),
		primary_action({ customers }) {
			frappe
				.call({
					method: `${SEGMENTS_API}.add_members`,
					args: { segment: frm.doc.name, customers: JSON.stringify(customers) },
				})
				.then(() => {
					dialog.hide();
					frm.reload_doc();
				});
		},
	});
	dialog.show();
}
