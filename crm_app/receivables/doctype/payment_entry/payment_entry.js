// Copyright (c) 2026, crm_app contributors and contributors
// For license information, please see license.txt

frappe.ui.form.on("Payment Entry", {
	setup(frm) {
		frm.set_query("party", () => ({ filters: { disabled: 0 } }));
		frm.set_query("returned_payment", () => ({
			filters: { party: frm.doc.party, docstatus: 1, payment_type: "Receive" },
		}));
		frm.set_query("reference_name", "references", () => ({
			filters: { customer: frm.doc.party, docstatus: 1, is_return: 0, outstanding_amount: [">", 0] },
		}));
	},

	party(frm) {
		crm_app.flag_customer_status(frm, (frm.doc.party_type || "Customer") === "Customer" && frm.doc.party);
	},

	refresh(frm) {
		if (frm.doc.docstatus === 0) frm.trigger("party");
		if (frm.doc.docstatus === 0 && frm.doc.party && frm.doc.payment_type === "Receive") {
			frm.add_custom_button(__("Get Outstanding Invoices"), () => get_outstanding_invoices(frm));
		}
		if (frm.doc.docstatus === 1 && frm.doc.payment_type === "Receive") {
			frm.add_custom_button(
				__("Returned Cheque"),
				() =>
					frappe.new_doc("Payment Entry", {
						payment_type: "Returned Cheque",
						party: frm.doc.party,
						company: frm.doc.company,
						currency: frm.doc.currency,
						returned_payment: frm.doc.name,
						paid_amount: frm.doc.paid_amount,
					}),
				__("Create")
			);
		}
	},
});

// Oldest first: the paid amount (plus discount) goes to the invoices in due-date order.
function get_outstanding_invoices(frm) {
	frappe.db
		.get_list("Sales Invoice", {
			filters: {
				customer: frm.doc.party,
				company: frm.doc.company,
				currency: frm.doc.currency,
				docstatus: 1,
				is_return: 0,
				outstanding_amount: [">", 0],
			},
			fields: ["name", "due_date", "outstanding_amount"],
			order_by: "due_date asc",
			limit: 500,
		})
		.then((invoices) => {
			let available = flt(frm.doc.paid_amount) + flt(frm.doc.discount_amount);
			frm.clear_table("references");
			for (const invoice of invoices) {
				const allocated = Math.min(available, invoice.outstanding_amount);
				if (allocated <= 0) break;
				frm.add_child("references", {
					reference_doctype: "Sales Invoice",
					reference_name: invoice.name,
					due_date: invoice.due_date,
					outstanding_amount: invoice.outstanding_amount,
					allocated_amount: allocated,
				});
				available -= allocated;
			}
			frm.refresh_field("references");
		});
}
