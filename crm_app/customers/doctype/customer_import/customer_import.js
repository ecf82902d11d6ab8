// Copyright (c) 2026, crm_app contributors and contributors
// For license information, please see license.txt

// Check the file (a dry run that writes nothing), then import it; both run in the background and the
// form follows them (Frappe's progress bar when the realtime server runs, and a poll of the status).
frappe.ui.form.on("Customer Import", {
	refresh(frm) {
		render_report(frm);
		frm.add_custom_button(__("Export"), export_dialog);
		if (frm.is_new() || frm.doc.status === "Queued") {
			if (frm.doc.status === "Queued") follow(frm);
			return;
		}
		frm.add_custom_button(__("Check File"), () => start(frm, 1));
		if (!(frm.doc.status === "Success" && !frm.doc.checked_only)) {
			frm.add_custom_button(__("Start Import"), () => start(frm, 0)).addClass("btn-primary");
		}
	},
});

function start(frm, dry_run) {
	const run = () =>
		frappe
			.call("crm_app.api.data_transfer.start_import", { customer_import: frm.doc.name, dry_run })
			.then(() => frm.reload_doc());
	frm.is_dirty() ? frm.save().then(run) : run();
}

function follow(frm) {
	frm.dashboard.set_headline(__("Running in the background..."));
	setTimeout(() => frm.reload_doc(), 2000);
}

function render_report(frm) {
	const wrapper = frm.get_field("report_html").$wrapper;
	const report = frm.doc.report ? JSON.parse(frm.doc.report) : null;
	if (!report) {
		wrapper.empty();
		return;
	}
	const escape = (value) => frappe.utils.escape_html(value == null ? "" : String(value));
	const counts = ["created", "updated", "unchanged"]
		.flatMap((key) => Object.entries(report[key] || {}).map(([doctype, n]) => [key, doctype, n]))
		.map(([key, doctype, n]) => `<li>${__(doctype)}: ${n} ${__(frappe.utils.to_title_case(key))}</li>`)
		.join("");
	const errors = (report.errors || [])
		.slice(0, 200)
		.map(
			(e) => `<tr><td>${escape(e.sheet)}</td><td>${escape(e.row)}</td><td>${escape(e.column)}</td>
				<td>${escape(e.message)}</td></tr>`
		)
		.join("");
	const warnings = (report.warnings || []).map((w) => `<li>${escape(w.sheet)}: ${escape(w.message)}</li>`).join("");
	wrapper.html(`
		${report.dry_run ? `<p>${__("Dry run: nothing was written.")}</p>` : ""}
		${counts ? `<ul>${counts}</ul>` : ""}
		${warnings ? `<p>${__("Warnings")}</p><ul>${warnings}</ul>` : ""}
		${
			errors
				? `<p>${__("{0} refused rows", [report.errors.length])}</p>
				<table class="table table-sm table-bordered"><thead><tr><th>${__("Sheet")}</th><th>${__("Row")}</th>
				<th>${__("Column")}</th><th>${__("Error")}</th></tr></thead><tbody>${errors}</tbody></table>`
				: ""
		}`);
}

// Customers, trees and selling documents to a file that re-imports as it is (what the user may read, trees
// parent first, a document's items on the lines after it).
function export_dialog() {
	const doctypes = [
		"Customer",
		"Customer Group",
		"Territory",
		"Sales Person",
		"Item Group",
		"Opportunity",
		"Quotation",
		"Sales Order",
	];
	const dialog = new frappe.ui.Dialog({
		title: __("Export"),
		fields: [
			{
				fieldtype: "MultiCheck",
				fieldname: "doctypes",
				label: __("What to Export"),
				options: doctypes.map((d) => ({ label: __(d), value: d, checked: d === "Customer" })),
			},
			{
				fieldtype: "Select",
				fieldname: "file_format",
				label: __("File Format"),
				options: [
					{ value: "xlsx", label: "XLSX" },
					{ value: "csv", label: "CSV" },
				],
				default: "xlsx",
			},
		],
		primary_action_label: __("Export"),
		primary_action({ doctypes: chosen, file_format }) {
			const args = new URLSearchParams({ doctypes: JSON.stringify(chosen), file_format });
			window.open(`/api/method/crm_app.api.data_transfer.export_records?${args}`);
			dialog.hide();
		},
	});
	dialog.show();
}
