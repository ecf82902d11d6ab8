// Copyright (c) 2026, crm_app contributors and contributors
// For license information, please see license.txt

frappe.ui.form.on("Customer", {
	setup(frm) {
		// customers hang on leaf groups and territories; a head office must be a group
		frm.set_query("customer_group", () => ({ filters: { is_group: 0 } }));
		frm.set_query("territory", () => ({ filters: { is_group: 0 } }));
		frm.set_query("parent_customer", () => ({ filters: { is_group: 1, name: ["!=", frm.doc.name] } }));
		frm.set_query("default_bank_account", () => ({ filters: { is_company_account: 1 } }));
		frm.set_query("default_price_list", () => ({ filters: { selling: 1, enabled: 1 } }));
		frm.set_query("account", "accounts", (doc, cdt, cdn) => ({
			filters: { company: locals[cdt][cdn].company, account_type: "Receivable" },
		}));
	},

	onload(frm) {
		if (frm.is_new()) {
			crm_app.set_new_customer_defaults(
				(field) => frm.doc[field],
				(field, value) => frm.set_value(field, value)
			);
		}
	},

	refresh(frm) {
		if (frm.is_new()) return;
		crm_app.load_customer_form(frm);
		if (frm.doc.is_group) {
			frm.add_custom_button(__("National Account"), () => show_national_account(frm));
		}
		const statement = __("Statement of Account");
		// one click: this year's statement emailed now to the customer's primary contact
		frm.add_custom_button(__("Send Statement"), () => crm_app.send_statement(frm), statement);
		frm.add_custom_button(__("Download PDF"), () => crm_app.statement_of_account_dialog(frm.doc.name), statement);
	},
});

function show_national_account(frm) {
	frappe.call("crm_app.api.customer.get_national_account", { customer: frm.doc.name }).then(({ message }) => {
		const branches = message.branches
			.map((b) => `<li>${frappe.utils.get_form_link("Customer", b.name, true, b.customer_name)}</li>`)
			.join("");
		const limits = message.branch_credit_limits
			.map((l) => `<li>${l.company}: ${format_currency(l.credit_limit, l.currency)}</li>`)
			.join("");
		frappe.msgprint({
			title: __("National Account"),
			message: `<p>${__("Branches")}: ${message.branches.length}</p><ul>${branches}</ul>
				<p>${__("Branches' credit limits")}</p><ul>${limits}</ul>`,
		});
	});
}
