// Quick entry for Customer (seed 2.2): name, type, group and territory (leaves only, pre-filled with the
// defaults the server gives), and optionally a primary contact and a primary address, which the server
// makes as Contact and Address.
frappe.provide("frappe.ui.form");
frappe.provide("crm_app");

// The customer's own email_id and mobile_no are read-only copies of its primary contact: the dialog's
// fields take other names, or the dialog would show them read-only (hidden while empty).
const CONTACT_FIELDS = { contact_email: "email_id", contact_mobile: "mobile_no" };

crm_app.set_new_customer_defaults = (get_value, set_value) =>
	frappe.call("crm_app.api.customer.get_new_customer_defaults").then(({ message }) => {
		for (const [field, value] of Object.entries(message || {})) {
			if (value && !get_value(field)) set_value(field, value);
		}
	});

frappe.ui.form.CustomerQuickEntryForm = class CustomerQuickEntryForm extends frappe.ui.form.QuickEntryForm {
	render_dialog() {
		this.mandatory = this.mandatory.concat(this.contact_and_address_fields());
		super.render_dialog();
		for (const field of ["customer_group", "territory"]) {
			const control = this.dialog.fields_dict[field];
			if (control) control.get_query = () => ({ filters: { is_group: 0 } });
		}
		crm_app.set_new_customer_defaults(
			(field) => this.dialog.get_value(field),
			(field, value) => this.dialog.set_value(field, value)
		);
	}

	// On an error the dialog stays open with what was typed (the full form has no contact or address
	// fields: opening it, as Frappe does, would lose them).
	skip_redirect_on_error = true;

	// Saved through the app's method, whose refusal names the missing right (Frappe's "Insufficient
	// Permission for Customer" does not); the rest is what Frappe's insert does for a new document.
	insert() {
		return new Promise((resolve) => {
			const doc = this.update_doc();
			frappe.call({
				method: "crm_app.api.customer.insert_customer",
				args: { doc },
				callback: (r) => {
					this.dialog.hide();
					// v16 keeps what follows a save in one method
					if (this.process_after_insert) return this.process_after_insert(r);
					frappe.model.clear_doc(doc.doctype, doc.name);
					this.dialog.doc = r.message;
					if (frappe._from_link) {
						frappe.ui.form.update_calling_link(r.message);
					} else if (this.after_insert) {
						this.after_insert(r.message);
					} else {
						this.open_form_if_not_list();
					}
				},
				always: (r) => {
					this.dialog.working = false;
					resolve((r && r.message) || doc);
				},
				freeze: true,
			});
		});
	}

	update_doc() {
		const doc = super.update_doc();
		for (const [dialog_field, customer_field] of Object.entries(CONTACT_FIELDS)) {
			doc[customer_field] = doc[dialog_field];
			delete doc[dialog_field];
		}
		return doc;
	}

	contact_and_address_fields() {
		return [
			{ fieldtype: "Section Break", label: __("Primary Contact Details"), collapsible: 1 },
			{ fieldtype: "Data", fieldname: "contact_email", label: __("Email Id"), options: "Email" },
			{ fieldtype: "Column Break" },
			{ fieldtype: "Data", fieldname: "contact_mobile", label: __("Mobile No"), options: "Phone" },
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
