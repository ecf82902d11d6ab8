// Quick entry for Customer (seed 2.2): name, type, group (pre-filled from CRM Settings), territory, and
// optionally a primary contact and a primary address, which the server makes as Contact and Address.
frappe.provide("frappe.ui.form");

frappe.ui.form.CustomerQuickEntryForm = class CustomerQuickEntryForm extends frappe.ui.form.QuickEntryForm {
	render_dialog() {
		this.mandatory = this.mandatory.concat(this.contact_and_address_fields());
		super.render_dialog();
		frappe.db.get_doc("CRM Settings").then((settings) => {
			for (const field of ["customer_group", "territory"]) {
				if (!this.dialog.get_value(field) && settings[field]) {
					this.dialog.set_value(field, settings[field]);
				}
			}
		});
	}

	contact_and_address_fields() {
		return [
			{ fieldtype: "Section Break", label: __("Primary Contact Details"), collapsible: 1 },
			{ fieldtype: "Data", fieldname: "email_id", label: __("Email Id"), options: "Email" },
			{ fieldtype: "Column Break" },
			{ fieldtype: "Data", fieldname: "mobile_no", label: __("Mobile No"), options: "Phone" },
			{ fieldtype: "Section Break", label: __("Primary Address Details"), collapsible: 1 },
			{ fieldtype: "Data", fieldname: "address_line1", label: __("Address Line 1") },
			{ fieldtype: "Data", fieldname: "address_line2", label: __("Address Line 2") },
			{ fieldtype: "Data", fieldname: "pincode", label: __("Postal Code") },
			{ fieldtype: "Column Break" },
			{ fieldtype: "Data", fieldname: "city", label: __("City/Town") },
			{ fieldtype: "Data", fieldname: "state", label: __("State/Province") },
			{ fieldtype: "Link", fieldname: "country", label: __("Country"), options: "Country" },
		];
	}
};
