// Copyright (c) 2026, crm_app contributors and contributors
// For license information, please see license.txt

frappe.ui.form.on("Sales Target", {
	setup(frm) {
		// only groups can be parents; the server checks it too
		frm.set_query("parent_sales_target", () => ({ filters: { is_group: 1, name: ["!=", frm.doc.name] } }));
	},

	refresh(frm) {
		if (frm.is_new() || !frm.doc.fiscal_year && !frm.doc.is_group) return;
		const fiscal_year = frm.doc.fiscal_year;
		if (!fiscal_year) return;
		frappe
			.call("crm_app.api.sales_targets.get_target_vs_actual", {
				fiscal_year,
				period: "Quarterly",
				sales_target: frm.doc.name,
			})
			.then(({ message }) => {
				const node = message.nodes[0];
				const quarters = node.periods
					.map(
						(p) => `<tr><td>Q${p.period}</td><td class="text-right">${format_currency(p.target_amount, message.currency)}</td>
							<td class="text-right">${format_currency(p.actual_amount, message.currency)}</td><td class="text-right">${p.achieved_pct ?? "-"} %</td></tr>`
					)
					.join("");
				const unallocated =
					node.unallocated_amount === null
						? ""
						: `<p>${__("Not yet allocated to children")}: <b>${format_currency(node.unallocated_amount, message.currency)}</b>
							(${__("Quantity")}: ${node.unallocated_qty})</p>`;
				frm.get_field("progress_html").$wrapper.html(`${unallocated}
					<table class="table table-sm table-bordered"><thead><tr><th></th><th>${__("Target")}</th><th>${__(
						"Actual"
					)}</th><th>${__("% Achieved")}</th></tr></thead><tbody>${quarters}</tbody></table>`);
			});
	},
});
