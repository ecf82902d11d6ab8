// Copyright (c) 2026, crm_app contributors and contributors
// For license information, please see license.txt

crm_app.money_form("Quotation", "Quotation Item", (doc) =>
	doc.quotation_to === "Customer" ? doc.party_name : null
);

frappe.ui.form.on("Quotation", {
	refresh(frm) {
		if (frm.doc.docstatus !== 1) return;
		if (frm.doc.status === "Open" && frm.doc.quotation_to === "Customer") {
			frm.add_custom_button(
				__("Sales Order"),
				() => frappe.model.open_mapped_doc({ method: "crm_app.api.selling.make_sales_order", frm }),
				__("Create")
			);
		}
		if (["Open", "Expired"].includes(frm.doc.status)) {
			crm_app.selling.lost_action(frm, "declare_quotation_lost", { quotation: frm.doc.name });
		}
	},
});
