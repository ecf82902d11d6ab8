// Shows, on the customer form, the values in force and where each comes from.
frappe.provide("crm_app");

crm_app.source_label = (row) => {
	const labels = {
		customer: () => __("Own value"),
		group: () => __("Group {0}", [row.source_name]),
		ancestor: () => __("Ancestor group {0}", [row.source_name]),
		settings: () => __("CRM Settings"),
		company: () => __("Company {0}", [row.source_name]),
	};
	return labels[row.source] ? labels[row.source]() : __("Not set");
};

// the values in force of the customer (its entry of get_effective_defaults, from the form's one load call)
crm_app.show_values_in_force = (frm, effective) => {
	const values = effective.values;
	const rows = [];
	const add = (label, value, source) =>
		rows.push(
			`<tr><td>${frappe.utils.escape_html(label)}</td><td>${frappe.utils.escape_html(
				value ?? ""
			)}</td><td class="text-muted">${frappe.utils.escape_html(source)}</td></tr>`
		);
	for (const field of ["default_price_list", "payment_terms"]) {
		const row = values[field];
		add(__(frappe.meta.get_label("Customer", field)), row.value, crm_app.source_label(row));
		// next to the field itself, where the customer has no value of its own
		frm.set_df_property(
			field,
			"description",
			row.value && row.source !== "customer"
				? __("In force: {0} ({1})", [row.value, crm_app.source_label(row)])
				: ""
		);
	}
	for (const row of values.receivable_accounts) {
		add(__("Receivable account, {0}", [row.company]), row.account, crm_app.source_label(row));
	}
	for (const row of values.credit_limits) {
		add(
			__("Credit limit, {0}", [row.company]),
			format_currency(row.credit_limit, row.currency),
			crm_app.source_label(row)
		);
	}
	for (const [field, row] of Object.entries(values.optional_fields)) {
		add(__(frappe.meta.get_label("Customer", field)), row.value, crm_app.source_label(row));
	}
	frm.get_field("effective_defaults_html").$wrapper.html(`
		<table class="table table-bordered table-sm">
			<thead><tr><th>${__("Field")}</th><th>${__("Value")}</th><th>${__("Source")}</th></tr></thead>
			<tbody>${rows.join("")}</tbody>
		</table>`);
};

// A credit limit row whose currency is left empty is in its company's currency: show it, so that the
// amount is not drawn in the site's default currency.
frappe.ui.form.on("Customer Credit Limit", {
	company(frm, cdt, cdn) {
		const row = locals[cdt][cdn];
		if (!row.company || row.currency) return;
		frappe.db.get_value("Company", row.company, "default_currency").then(({ message }) => {
			if (message?.default_currency && !row.currency) {
				frappe.model.set_value(cdt, cdn, "currency", message.default_currency);
			}
		});
	},
});
