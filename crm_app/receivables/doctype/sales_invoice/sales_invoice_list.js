// Copyright (c) 2026, crm_app contributors and contributors
// For license information, please see license.txt

// The invoice's payment status (kept by the server, overdue ones marked daily) as the list's and the
// form header's indicator, each a filter on the status.
const INVOICE_STATUS_COLOURS = {
	Unpaid: "orange",
	"Partly Paid": "yellow",
	Overdue: "red",
	Paid: "green",
	Return: "grey",
	Cancelled: "red",
	Draft: "red",
};

frappe.listview_settings["Sales Invoice"] = {
	add_fields: ["status", "outstanding_amount", "grand_total", "due_date", "is_return", "currency"],
	has_indicator_for_draft: true,
	get_indicator(doc) {
		const status = doc.status || (doc.docstatus === 0 ? "Draft" : "Unpaid");
		return [__(status), INVOICE_STATUS_COLOURS[status] || "grey", `status,=,${status}`];
	},
};
