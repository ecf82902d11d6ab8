// The customer's 360 view (seed 004) on its form: invoices, balance, payments, tasks, links.
frappe.provide("crm_app");

crm_app.show_customer_overview = (frm) => {
	frappe.call("crm_app.api.receivables.get_customer_overview", { customer: frm.doc.name }).then(({ message: o }) => {
		// each amount in its own currency, else the overview's (the invoices', else the company's)
		const money = (v, currency) => format_currency(v, currency || o.currency);
		const list_link = (doctype, filters, label) =>
			`<a href="${crm_app.desk_url([frappe.router.slug(doctype)], filters)}">${label}</a>`;
		const invoices = ["authorised", "pending", "overdue"]
			.map((kind) => {
				const filters = { customer: frm.doc.name, is_return: 0, docstatus: kind === "pending" ? 0 : 1 };
				const labels = { authorised: __("Authorised"), pending: __("Pending"), overdue: __("Overdue") };
				if (kind === "overdue") filters.status = "Overdue";
				return `<div class="col-sm-4">${list_link("Sales Invoice", filters, labels[kind])}:
					<b>${o.invoices[kind].count}</b> (${money(o.invoices[kind].amount)})</div>`;
			})
			.join("");
		const outstanding = o.outstanding.map((r) => `${r.company}: <b>${money(r.amount, r.currency)}</b>`).join(", ");
		const last = o.last_payment
			? `${frappe.datetime.str_to_user(o.last_payment.posting_date)}, ${money(o.last_payment.paid_amount, o.last_payment.currency)}`
			: __("None");
		const tasks = ["overdue", "to_do", "upcoming"]
			.map((k) => `${{ overdue: __("Overdue"), to_do: __("To Do"), upcoming: __("Upcoming") }[k]}: <b>${o.tasks[k].length}</b>`)
			.join(" · ");
		const linked = o.linked
			.map((l) => list_link(l.doctype, l.filters, `${__(l.doctype)} <span class="badge">${l.count}</span>`))
			.join(" · ");
		frm.dashboard.add_section(
			`<div class="row">${invoices}</div>
			<div class="row mt-2">
				<div class="col-sm-4">${__("Outstanding")}: ${outstanding || money(0)}</div>
				<div class="col-sm-4">${__("Last Payment")}: ${last}</div>
				<div class="col-sm-4">${__("Average Days to Pay")}: ${o.average_days_to_pay ?? "-"}</div>
			</div>
			<div class="row mt-2">
				<div class="col-sm-4">${__("Open Tasks")}: ${tasks}</div>
				<div class="col-sm-4">${__("Attachments")}: <b>${o.attachments}</b></div>
			</div>
			<div class="mt-2">${linked}</div>`,
			__("Overview")
		);
	});
};
