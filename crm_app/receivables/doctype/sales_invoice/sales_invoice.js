// Copyright (c) 2026, crm_app contributors and contributors
// For license information, please see license.txt

frappe.ui.form.on("Sales Invoice", {
	setup(frm) {
		frm.set_query("customer", () => ({ filters: { disabled: 0 } }));
		frm.set_query("item_code", "items", () => ({ filters: { disabled: 0 } }));
		frm.set_query("return_against", () => ({
			filters: { customer: frm.doc.customer, docstatus: 1, is_return: 0 },
		}));
	},

	customer(frm) {
		if (!frm.doc.customer) return;
		// the customer's values in force: price list, payment terms, currency, territory, group, language
		frappe
			.call("crm_app.api.receivables.get_invoice_defaults", {
				customer: frm.doc.customer,
				company: frm.doc.company,
			})
			.then(({ message }) => {
				for (const [field, value] of Object.entries(message)) {
					if (value) frm.set_value(field, value);
				}
			});
	},

	company(frm) {
		frm.trigger("customer");
	},

	total_taxes_and_charges(frm) {
		calculate_totals(frm);
	},

	refresh(frm) {
		if (frm.doc.docstatus === 1 && !frm.doc.is_return && frm.doc.outstanding_amount > 0) {
			frm.add_custom_button(
				__("Payment"),
				() =>
					frappe.model.open_mapped_doc({
						method: "crm_app.api.receivables.make_payment_entry",
						frm,
					}),
				__("Create")
			);
		}
	},
});

frappe.ui.form.on("Sales Invoice Item", {
	item_code(frm, cdt, cdn) {
		const row = locals[cdt][cdn];
		if (!row.item_code || !frm.doc.selling_price_list) return;
		frappe
			.call("crm_app.api.receivables.get_item_price", {
				item_code: row.item_code,
				price_list: frm.doc.selling_price_list,
			})
			.then(({ message }) => {
				if (message) frappe.model.set_value(cdt, cdn, "rate", message);
			});
	},
	qty: calculate_totals,
	rate: calculate_totals,
	items_remove: calculate_totals,
});

function calculate_totals(frm) {
	// the server computes the same on save; this only keeps the form current
	let net = 0;
	for (const row of frm.doc.items || []) {
		row.amount = flt(row.qty) * flt(row.rate);
		net += row.amount;
	}
	frm.refresh_field("items");
	frm.set_value("net_total", net);
	frm.set_value("grand_total", net + flt(frm.doc.total_taxes_and_charges));
}
