// Talking to customers from where they are chosen: a segment or a customer group gets "New Mailing" and
// "Export Contacts (CSV)"; a customer gets its statement of account as a PDF.
frappe.provide("crm_app");

const MAILINGS = "crm_app.api.mailings";

crm_app.add_mailing_buttons = (frm, audience) => {
	const group = __("Talk to Customers");
	frm.add_custom_button(
		__("New Mailing"),
		() => frappe.new_doc("Customer Mailing", { ...audience, title: frm.doc.name }),
		group
	);
	frm.add_custom_button(
		__("Export Contacts (CSV)"),
		() => window.open(frappe.urllib.get_full_url(`/api/method/${MAILINGS}.export_contacts?${$.param(audience)}`)),
		group
	);
};

crm_app.statement_of_account_dialog = (customer) => {
	const dialog = new frappe.ui.Dialog({
		title: __("Statement of Account"),
		fields: [
			{
				fieldtype: "Link",
				fieldname: "company",
				label: __("Company"),
				options: "Company",
				reqd: 1,
				default: frappe.defaults.get_user_default("Company"),
			},
			{
				fieldtype: "Date",
				fieldname: "from_date",
				label: __("From Date"),
				reqd: 1,
				default: frappe.datetime.year_start(),
			},
			{
				fieldtype: "Date",
				fieldname: "to_date",
				label: __("To Date"),
				reqd: 1,
				default: frappe.datetime.get_today(),
			},
		],
		primary_action_label: __("Download PDF"),
		primary_action(values) {
			window.open(
				frappe.urllib.get_full_url(
					`/api/method/${MAILINGS}.statement_pdf?${$.param({ customer, ...values })}`
				)
			);
			dialog.hide();
		},
	});
	dialog.show();
};

crm_app.send_statement = (frm) => {
	frappe
		.call({
			method: `${MAILINGS}.send_statement`,
			args: {
				customer: frm.doc.name,
				from_date: frappe.datetime.year_start(),
				to_date: frappe.datetime.get_today(),
			},
			freeze: true,
		})
		.then(({ message }) => {
			frappe.show_alert({ message: __("Statement of account sent to {0}", [message.email_id]), indicator: "green" });
		});
};
