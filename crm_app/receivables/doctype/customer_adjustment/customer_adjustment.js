// Copyright (c) 2026, crm_app contributors and contributors
// For license information, please see license.txt

frappe.ui.form.on("Customer Adjustment", {
	setup(frm) {
		frm.set_query("customer", () => ({ filters: { disabled: 0 } }));
		frm.set_query("against_invoice", () => ({
			filters: { customer: frm.doc.customer, docstatus: 1, is_return: 0, outstanding_amount: [">", 0] },
		}));
	},
	amount(frm) {
		frm.set_value("total", flt(frm.doc.amount) + flt(frm.doc.tax_amount));
	},
	tax_amount(frm) {
		frm.trigger("amount");
	},
});
