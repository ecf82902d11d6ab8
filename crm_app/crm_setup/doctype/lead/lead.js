// Copyright (c) 2026, crm_app contributors and contributors
// For license information, please see license.txt

frappe.ui.form.on("Lead", {
	refresh(frm) {
		if (!frm.is_new() && frm.doc.status !== "Converted") {
			frm.add_custom_button(
				__("Customer"),
				() =>
					frappe.model.open_mapped_doc({
						method: "crm_app.api.customer.make_customer_from_lead",
						frm,
					}),
				__("Create")
			);
		}
	},
});
