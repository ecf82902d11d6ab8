// Quotation and Sales Order forms (their money fields: crm_app.money_form): the status indicators of the
// selling lists and the status buttons.
frappe.provide("crm_app.selling");

crm_app.selling.STATUS_COLOURS = {
	Draft: "red",
	Open: "orange",
	Quotation: "blue",
	Converted: "green",
	Ordered: "green",
	Lost: "grey",
	Expired: "grey",
	Closed: "green",
	"On Hold": "orange",
	"To Deliver and Bill": "orange",
	"To Bill": "orange",
	"To Deliver": "orange",
	Completed: "green",
	Cancelled: "red",
};

crm_app.selling.indicator = function (status) {
	return [__(status), crm_app.selling.STATUS_COLOURS[status] || "grey", `status,=,${status}`];
};

// a button of the form's status group calling an action of crm_app.api.selling, then reloading the form
crm_app.selling.action = function (frm, label, method, args, group) {
	frm.add_custom_button(
		label,
		() => frappe.call({ method: `crm_app.api.selling.${method}`, args, freeze: true }).then(() => frm.reload_doc()),
		group === undefined ? __("Status") : group
	);
};

// asks for the reason, then calls the action with it
crm_app.selling.lost_action = function (frm, method, args) {
	frm.add_custom_button(
		__("Declare Lost"),
		() =>
			frappe.prompt(
				{ fieldname: "reason", fieldtype: "Small Text", label: __("Detailed Reason"), reqd: 1 },
				({ reason }) =>
					frappe
						.call({ method: `crm_app.api.selling.${method}`, args: { ...args, reason }, freeze: true })
						.then(() => frm.reload_doc()),
				__("Declare Lost"),
				__("Declare Lost")
			),
		__("Status")
	);
};
