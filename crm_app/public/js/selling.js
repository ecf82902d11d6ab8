// Quotation and Sales Order forms: the customer's values in force when the customer is picked (the call a
// Sales Invoice makes), the item's price from the price list, totals kept current (the server computes the
// same on save), and the status indicators of the selling lists.
frappe.provide("crm_app.selling");

crm_app.selling.STATUS_COLOURS = {
	Draft: "red",
	Open: "orange",
	Quotation: "blue",
	Converted: "green",
	Ordered: "green",
	Lost: "grey",
	Expired: "grey",
	Closed: "green",
	"On Hold": "orange",
	"To Deliver and Bill": "orange",
	"To Bill": "orange",
	"To Deliver": "orange",
	Completed: "green",
	Cancelled: "red",
};

crm_app.selling.indicator = function (status) {
	return [__(status), crm_app.selling.STATUS_COLOURS[status] || "grey", `status,=,${status}`];
};

crm_app.selling.money_form = function (doctype, item_doctype, customer_of) {
	const calculate_totals = (frm) => {
		let net = 0;
		for (const row of frm.doc.items || []) {
			row.amount = flt(row.qty) * flt(row.rate);
			net += row.amount;
		}
		frm.refresh_field("items");
		frm.set_value("total", net);
		frm.set_value("net_total", net);
		frm.set_value("grand_total", net + flt(frm.doc.total_taxes_and_charges));
	};
	const fill_defaults = (frm) => {
		const customer = customer_of(frm.doc);
		if (frm.doc.docstatus === 0) crm_app.flag_customer_status(frm, customer);
		if (!customer || frm.doc.docstatus !== 0) return;
		frappe
			.call("crm_app.api.receivables.get_invoice_defaults", {
				customer,
				company: frm.doc.company,
			})
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
		party_name: fill_defaults,
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

// a button of the form's status group calling an action of crm_app.api.selling, then reloading the form
crm_app.selling.action = function (frm, label, method, args, group) {
	frm.add_custom_button(
		label,
		() => frappe.call({ method: `crm_app.api.selling.${method}`, args, freeze: true }).then(() => frm.reload_doc()),
		group === undefined ? __("Status") : group
	);
};

// asks for the reason, then calls the action with it
crm_app.selling.lost_action = function (frm, method, args) {
	frm.add_custom_button(
		__("Declare Lost"),
		() =>
			frappe.prompt(
				{ fieldname: "reason", fieldtype: "Small Text", label: __("Detailed Reason"), reqd: 1 },
				({ reason }) =>
					frappe
						.call({ method: `crm_app.api.selling.${method}`, args: { ...args, reason }, freeze: true })
						.then(() => frm.reload_doc()),
				__("Declare Lost"),
				__("Declare Lost")
			),
		__("Status")
	);
};
