// Copyright (c) 2026, crm_app contributors and contributors
// For license information, please see license.txt

crm_app.money_form("Sales Invoice", "Sales Invoice Item", (doc) => doc.customer);

frappe.ui.form.on("Sales Invoice", {
	setup(frm) {
		frm.set_query("customer", () => ({ filters: { disabled: 0 } }));
		frm.set_query("return_against", () => ({
			filters: { customer: frm.doc.customer, docstatus: 1, is_return: 0 },
		}));
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
