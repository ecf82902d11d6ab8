// Copyright (c) 2026, crm_app contributors and contributors
// For license information, please see license.txt

const MAILINGS_API = "crm_app.api.mailings";

frappe.ui.form.on("Customer Mailing", {
	refresh(frm) {
		if (frm.is_new()) return;
		frm.add_custom_button(__("Get Recipients"), () =>
			frappe
				.call({ method: `${MAILINGS_API}.get_recipients`, args: { mailing: frm.doc.name }, freeze: true })
				.then(({ message }) => {
					frappe.show_alert(
						__("{0} recipients ({1} added, {2} removed); {3} customers have no email", [
							message.recipients,
							message.added,
							message.removed,
							message.without_email,
						])
					);
					frm.reload_doc();
				})
		);
		frm.add_custom_button(__("Preview"), () => preview(frm));
		frm.add_custom_button(__("Send Now"), () =>
			frappe.confirm(
				__("Send this {0} to {1} ticked recipients?", [
					__(frm.doc.mailing_type),
					(frm.doc.recipients || []).filter((row) => row.send).length,
				]),
				() =>
					frappe
						.call({ method: `${MAILINGS_API}.send_mailing`, args: { mailing: frm.doc.name } })
						.then(() => {
							frappe.show_alert(__("Sending in the background"));
							frm.reload_doc();
						})
			)
		);
	},

	mailing_type(frm) {
		if (frm.doc.mailing_type === "Statement of Account" && !frm.doc.from_date) {
			frm.set_value("from_date", frappe.datetime.month_start());
			frm.set_value("to_date", frappe.datetime.get_today());
		}
	},
});

// What the first ticked recipient would get.
function preview(frm) {
	frappe.call(`${MAILINGS_API}.preview_mailing`, { mailing: frm.doc.name }).then(({ message }) => {
		if (message.skipped) {
			frappe.msgprint(__("Nothing to send to {0}: it is skipped", [message.customer]));
			return;
		}
		const attachments = message.attachments.length
			? `<p>${__("Attachments")}: ${message.attachments.map(frappe.utils.escape_html).join(", ")}</p>`
			: "";
		frappe.msgprint({
			title: __("Preview"),
			wide: true,
			message: `<p><b>${__("To")}:</b> ${frappe.utils.escape_html(message.email_id)}</p>
				<p><b>${__("Subject")}:</b> ${frappe.utils.escape_html(message.subject)}</p>
				${attachments}<hr>${message.message}`,
		});
	});
}
