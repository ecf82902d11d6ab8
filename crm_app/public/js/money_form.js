// The money documents' forms (Sales Invoice, Quotation, Sales Order): the customer's values in force when
// the customer or the company is picked, the item's price from the price list, totals kept current (the
// server computes the same on save).
frappe.provide("crm_app");

crm_app.money_form = function (doctype, item_doctype, customer_of) {
	const calculate_totals = (frm) => {
		let net = 0;
		for (const row of frm.doc.items || []) {
			row.amount = flt(row.qty) * flt(row.rate);
			net += row.amount;
		}
		frm.refresh_field("items");
		if (frm.fields_dict.total) frm.set_value("total", net);
		frm.set_value("net_total", net);
		frm.set_value("grand_total", net + flt(frm.doc.total_taxes_and_charges));
	};
	const fill_defaults = (frm) => {
		const customer = customer_of(frm.doc);
		if (!customer || frm.doc.docstatus !== 0) return;
		frappe
			.call("crm_app.api.receivables.get_invoice_defaults", { customer, company: frm.doc.company })
			.then(({ message }) => {
				for (const [field, value] of Object.entries(message)) {
					if (value && frm.fields_dict[field]) frm.set_value(field, value);
				}
			});
	};
	frappe.ui.form.on(doctype, {
		setup(frm) {
			frm.set_query("item_code", "items", () => ({ filters: { disabled: 0 } }));
		},
		customer: fill_defaults,
		// a quotation's party: its banner shown here (customer_status.js follows the `customer` field)
		party_name(frm) {
			if (frm.doc.docstatus === 0) crm_app.flag_customer_status(frm, customer_of(frm.doc));
			fill_defaults(frm);
		},
		company: fill_defaults,
		total_taxes_and_charges: calculate_totals,
	});
	frappe.ui.form.on(item_doctype, {
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
};
