// Copyright (c) 2026, crm_app contributors and contributors
// For license information, please see license.txt

crm_app.money_form("Sales Order", "Sales Order Item", (doc) => doc.customer);

frappe.ui.form.on("Sales Order", {
	refresh(frm) {
		if (frm.doc.docstatus !== 1) return;
		const status = frm.doc.status;
		const args = { sales_order: frm.doc.name };
		if (["To Deliver and Bill", "To Bill"].includes(status)) {
			frm.add_custom_button(
				__("Sales Invoice"),
				() => frappe.model.open_mapped_doc({ method: "crm_app.api.selling.make_sales_invoice", frm }),
				__("Create")
			);
		}
		if (!["Closed", "Cancelled"].includes(status) && frappe.model.can_create("Project")) {
			frm.add_custom_button(
				__("Project"),
				() => frappe.model.open_mapped_doc({ method: "crm_app.api.selling.make_project", frm }),
				__("Create")
			);
		}
		if (["To Deliver and Bill", "To Deliver"].includes(status)) {
			crm_app.selling.action(frm, __("Deliver"), "deliver_sales_order", args);
		}
		if (status === "Closed") {
			crm_app.selling.action(frm, __("Re-open"), "reopen_sales_order", args);
		} else if (status !== "Cancelled") {
			crm_app.selling.action(frm, __("Close"), "close_sales_order", args);
		}
		const may_hold = ["Sales Manager", "CRM Manager", "System Manager"].some((role) =>
			frappe.user.has_role(role)
		);
		if (status === "On Hold" && may_hold) {
			crm_app.selling.action(frm, __("Resume"), "resume_sales_order", args);
		} else if (["To Deliver and Bill", "To Bill", "To Deliver"].includes(status) && may_hold) {
			crm_app.selling.action(frm, __("Hold"), "hold_sales_order", args);
		}
	},
});
