// Copyright (c) 2026, crm_app contributors and contributors
// For license information, please see license.txt

// Hours are logged on open projects, on the tasks of the row's project; the hours follow the times.
frappe.ui.form.on("Timesheet", {
	setup(frm) {
		frm.set_query("project", "time_logs", () => ({ filters: { status: "Open" } }));
		frm.set_query("task", "time_logs", (doc, cdt, cdn) => {
			const row = locals[cdt][cdn];
			return {
				filters: {
					status: ["not in", ["Completed", "Cancelled"]],
					...(row.project ? { project: row.project } : {}),
				},
			};
		});
	},
});

frappe.ui.form.on("Timesheet Detail", {
	from_time: set_hours,
	to_time: set_hours,
});

function set_hours(frm, cdt, cdn) {
	const row = locals[cdt][cdn];
	if (row.from_time && row.to_time) {
		const hours = moment(row.to_time).diff(moment(row.from_time), "seconds") / 3600;
		if (hours > 0) frappe.model.set_value(cdt, cdn, "hours", hours);
	}
}
