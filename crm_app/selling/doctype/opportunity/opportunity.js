// Copyright (c) 2026, crm_app contributors and contributors
// For license information, please see license.txt

frappe.ui.form.on("Opportunity", {
	party_name(frm) {
		const customer = frm.doc.opportunity_from === "Customer" ? frm.doc.party_name : null;
		crm_app.flag_customer_status(frm, customer);
	},

	refresh(frm) {
		if (frm.is_new()) return;
		const args = { opportunity: frm.doc.name };
		if (["Open", "Quotation"].includes(frm.doc.status)) {
			frm.add_custom_button(
				__("Quotation"),
				() => frappe.model.open_mapped_doc({ method: "crm_app.api.selling.make_quotation", frm }),
				__("Create")
			);
			crm_app.selling.lost_action(frm, "set_opportunity_status", { ...args, status: "Lost" });
			crm_app.selling.action(frm, __("Close"), "set_opportunity_status", { ...args, status: "Closed" });
		} else if (["Lost", "Closed"].includes(frm.doc.status)) {
			crm_app.selling.action(frm, __("Re-open"), "set_opportunity_status", { ...args, status: "Open" });
		}
	},
});
