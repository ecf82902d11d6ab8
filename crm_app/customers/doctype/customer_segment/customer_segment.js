// Copyright (c) 2026, crm_app contributors and contributors
// For license information, please see license.txt

const SEGMENTS_API = "crm_app.api.segments";

frappe.ui.form.on("Customer Segment", {
	setup(frm) {
		// rules are picked and read in words (the summary); the table keeps what is stored
		frm.set_df_property("rules", "hidden", 1);
	},
	onload(frm) {
		load_rule_fields(frm);
	},
	refresh(frm) {
		render_summary(frm);
		show_company_rule(frm);
		frm.add_custom_button(__("Dry Run"), () => dry_run(frm));
		if (frm.is_new()) return;
		frm.add_custom_button(frm.doc.auto_update ? __("Refresh Now") : __("Apply Proposal"), () =>
			frappe
				.call({
					method: `${SEGMENTS_API}.refresh_segment`,
					args: { segment: frm.doc.name },
					freeze: true,
				})
				.then(({ message }) => {
					frappe.show_alert(__("{0} joined, {1} left", [message.joined, message.left]));
					frm.reload_doc();
				})
		);
		frm.add_custom_button(__("Add Customers"), () => add_customers(frm), __("Members"));
		frm.add_custom_button(
			__("Members"),
			() => frappe.set_route("List", "Customer Segment Member", { segment: frm.doc.name }),
			__("Members")
		);
		frm.add_custom_button(
			__("History"),
			() => frappe.set_route("List", "Customer Segment Log", { segment: frm.doc.name }),
			__("Members")
		);
		crm_app.add_mailing_buttons(frm, { customer_segment: frm.doc.name });
	},
	match: render_summary,
	company(frm) {
		show_company_rule(frm);
		load_rule_fields(frm);
	},
});

// What a rule may name, from the server (label in the user's language, kind, operators, widget, tree),
// and the company's currency for the amounts of the summary.
function load_rule_fields(frm) {
	return frappe
		.call({
			method: `${SEGMENTS_API}.rule_fields`,
			args: { company: frm.doc.company || null },
		})
		.then(({ message }) => {
			frm.rule_fields = message;
			frm.rule_field = Object.fromEntries(message.fields.map((f) => [f.fieldname, f]));
			render_summary(frm);
		});
}

// The ledger the balance and overdue rules count, said in words (the form and the dry run).
function company_rule(company) {
	return company
		? __("Balance and overdue rules count the ledger of {0} only", [
				`<b>${frappe.utils.escape_html(company)}</b>`,
		  ])
		: __("Balance and overdue rules count every company's ledger");
}

function show_company_rule(frm) {
	frm.set_df_property("company", "description", company_rule(frm.doc.company));
}

// A rule in words: "Territory in the branch Europe", "Overdue Amount greater than € 500.00".
function rule_in_words(frm, rule) {
	const field = frm.rule_field && frm.rule_field[rule.field];
	if (!field) {
		const raw = [rule.field, __(rule.operator), rule.value, rule.value_to].filter((v) => v);
		return frappe.utils.escape_html(raw.join(" "));
	}
	const operator = field.operators.find((o) => o.value === rule.operator);
	const phrase = operator ? operator.phrase : `{0} ${__(rule.operator)} {1}`;
	const shown = (value) => `<b>${frappe.utils.escape_html(value_in_words(frm, field, rule, value))}</b>`;
	const args = [frappe.utils.escape_html(field.label), shown(rule.value), shown(rule.value_to)];
	return phrase.replace(/\{(\d)\}/g, (_, i) => args[i]);
}

function value_in_words(frm, field, rule, value) {
	if (value === undefined || value === null || value === "") return "";
	if (rule.operator === "in the last days") return value;
	if (["one of", "none of"].includes(rule.operator)) {
		return value
			.split(",")
			.map((v) => v.trim())
			.filter((v) => v)
			.join(", ");
	}
	const currency = frm.rule_fields && frm.rule_fields.currency;
	// a number is stored as the server reads it ("1234.5"), whatever the user's number format
	const number = () => parseFloat(String(value).replace(",", "."));
	switch (widget(field, rule.operator)) {
		case "Link":
			return __(value);
		case "Currency":
			return currency ? format_currency(number(), currency) : format_number(number(), null, 2);
		case "Float":
		case "Int":
			return format_number(number());
		case "Percent":
			return `${format_number(number())} %`;
		case "Date":
			return frappe.datetime.str_to_user(value);
		case "Select":
			return (field.options.find((o) => o.value === value) || { label: value }).label;
		case "Check":
			return cint(value) ? __("Yes") : __("No");
	}
	return value;
}

// The value's widget of a field for an operator: none for "is set", a number of days, a comma list.
function widget(field, operator) {
	if (["is set", "is not set"].includes(operator)) return null;
	if (operator === "in the last days") return "Int";
	if (["one of", "none of"].includes(operator)) return "Data";
	return field.fieldtype;
}

// "Selected Fields": the rules in words, as they will be applied, each one to change or remove.
function render_summary(frm) {
	const wrapper = frm.get_field("summary_html").$wrapper;
	const rules = (frm.doc.rules || []).filter((rule) => rule.field && rule.operator);
	const can_edit = frm.perm[0] && frm.perm[0].write;
	let html = "";
	if (!rules.length) {
		html = `<p class="text-muted">${__("No rule: add members by hand.")}</p>`;
	} else {
		const heading =
			frm.doc.match === "Any"
				? __("Customers must match any of:")
				: __("Customers must match all of:");
		const items = rules.map((rule) => {
			const actions = can_edit
				? ` <a class="rule-edit small" data-name="${rule.name}">${__("Edit")}</a>
				   · <a class="rule-remove small text-danger" data-name="${rule.name}">${__("Remove")}</a>`
				: "";
			return `<li class="segment-rule">${rule_in_words(frm, rule)}${actions}</li>`;
		});
		html = `<p>${heading}</p><ul>${items.join("")}</ul>`;
		if (rules.some((rule) => frm.rule_field && frm.rule_field[rule.field]?.reads_ledger)) {
			html += `<p class="text-muted company-rule">${company_rule(frm.doc.company)}</p>`;
		}
	}
	if (can_edit) {
		html += `<button class="btn btn-xs btn-default add-rule">${__("Add a Rule")}</button>`;
	}
	wrapper.html(html);
	wrapper.find(".add-rule").on("click", () => edit_rule(frm));
	wrapper.find(".rule-edit").on("click", (e) => edit_rule(frm, $(e.currentTarget).attr("data-name")));
	wrapper.find(".rule-remove").on("click", (e) => {
		frappe.model.clear_doc("Customer Segment Rule", $(e.currentTarget).attr("data-name"));
		(frm.doc.rules || []).forEach((rule, i) => (rule.idx = i + 1));
		frm.refresh_field("rules");
		frm.dirty();
		render_summary(frm);
	});
}

const VALUE_WIDGETS = ["Data", "Link", "Float", "Int", "Percent", "Date", "Select", "Check"];
const RANGE_WIDGETS = ["Float", "Int", "Percent", "Date"];
// an amount is typed in a number field: Frappe's currency field shows the currency's number format but
// reads back with the system's, which differ (500,00 read as 0)
const input_of = (type) => (type === "Currency" ? "Float" : type);

// A rule picked from the fields' labels: the field's kind gives its operators and its value's widget.
function edit_rule(frm, name) {
	if (!frm.rule_fields) return;
	const row = name ? frm.doc.rules.find((rule) => rule.name === name) : null;
	const choices = frm.rule_fields.fields;
	const fields = [
		{
			fieldname: "field",
			fieldtype: "Select",
			label: __("Field"),
			reqd: 1,
			options: [{ value: "", label: "" }].concat(
				choices.map((f) => ({ value: f.fieldname, label: f.label }))
			),
			onchange: () => update(),
		},
		{
			fieldname: "operator",
			fieldtype: "Select",
			label: __("Operator"),
			reqd: 1,
			onchange: () => update(),
		},
		...VALUE_WIDGETS.map((fieldtype) => ({
			fieldname: `value_${fieldtype}`,
			fieldtype,
			label: __("Value"),
			hidden: 1,
			only_select: fieldtype === "Link" ? 0 : undefined,
			onchange: () => show_words(),
		})),
		{
			fieldname: "browse",
			fieldtype: "Button",
			label: __("Browse the Tree"),
			hidden: 1,
			click: () => browse_tree(dialog),
		},
		...RANGE_WIDGETS.map((fieldtype) => ({
			fieldname: `value_to_${fieldtype}`,
			fieldtype,
			label: __("And"),
			hidden: 1,
			onchange: () => show_words(),
		})),
		{ fieldname: "in_words", fieldtype: "HTML" },
	];
	const dialog = new frappe.ui.Dialog({
		title: name ? __("Edit Rule") : __("Add a Rule"),
		fields,
		primary_action_label: name ? __("Update") : __("Add"),
		primary_action: () => {
			const rule = current();
			if (!rule) return;
			const target = row || frm.add_child("rules");
			Object.assign(target, rule);
			frm.refresh_field("rules");
			frm.dirty();
			render_summary(frm);
			dialog.hide();
		},
	});
	const field_of = () => frm.rule_field[dialog.get_value("field")];
	function update() {
		const field = field_of();
		const operators = field ? field.operators : [];
		const operator_field = dialog.get_field("operator");
		const chosen = dialog.get_value("operator");
		operator_field.df.options = operators;
		operator_field.refresh();
		if (!operators.some((o) => o.value === chosen) && operators.length) {
			operator_field.set_input(operators[0].value);
		}
		const type = field ? input_of(widget(field, dialog.get_value("operator"))) : null;
		for (const fieldtype of VALUE_WIDGETS) {
			dialog.set_df_property(`value_${fieldtype}`, "hidden", fieldtype !== type);
		}
		for (const fieldtype of RANGE_WIDGETS) {
			const shown = fieldtype === type && dialog.get_value("operator") === "between";
			dialog.set_df_property(`value_to_${fieldtype}`, "hidden", !shown);
		}
		dialog.set_df_property("browse", "hidden", type !== "Link");
		if (type === "Link") dialog.set_df_property("value_Link", "options", field.tree);
		if (type === "Select") dialog.set_df_property("value_Select", "options", field.options);
		dialog.set_df_property(
			"value_Data",
			"description",
			["one of", "none of"].includes(dialog.get_value("operator"))
				? __("Values separated by commas")
				: ""
		);
		dialog.set_df_property(
			"value_Int",
			"label",
			dialog.get_value("operator") === "in the last days" ? __("Number of Days") : __("Value")
		);
		show_words();
	}
	function current() {
		const field = field_of();
		const operator = dialog.get_value("operator");
		if (!field || !operator) return null;
		const type = input_of(widget(field, operator));
		const text = (value) => (value === undefined || value === null ? "" : String(value));
		return {
			field: field.fieldname,
			operator,
			value: type ? text(dialog.get_value(`value_${type}`)) : "",
			value_to: operator === "between" ? text(dialog.get_value(`value_to_${type}`)) : "",
		};
	}
	function show_words() {
		const rule = current();
		dialog.fields_dict.in_words.$wrapper.html(
			rule ? `<p class="text-muted rule-in-words">${rule_in_words(frm, rule)}</p>` : ""
		);
	}
	dialog.show();
	if (row) {
		dialog.set_value("field", row.field);
		update();
		dialog.set_value("operator", row.operator);
		update();
		const field = field_of();
		const type = field && input_of(widget(field, row.operator));
		if (type) {
			dialog.set_value(`value_${type}`, row.value);
			if (row.operator === "between") dialog.set_value(`value_to_${type}`, row.value_to);
		}
	}
	return dialog;
}

// The tree of a tree field, to pick its value by browsing instead of typing: a click opens a node and
// selects it, "Choose" takes the selected one.
function browse_tree(dialog) {
	const tree = dialog.get_field("value_Link").df.options;
	let selected = null;
	const picker = new frappe.ui.Dialog({
		title: __("Choose {0}", [__(tree)]),
		fields: [{ fieldname: "tree", fieldtype: "HTML" }],
		primary_action_label: __("Choose"),
		primary_action: () => {
			if (selected) dialog.set_value("value_Link", selected);
			picker.hide();
		},
	});
	new frappe.ui.Tree({
		parent: picker.fields_dict.tree.$wrapper,
		label: __(tree),
		root_value: "",
		expandable: true,
		args: { doctype: tree },
		method: "crm_app.api.tree.get_children",
		on_click: (node) => {
			selected = node.is_root ? null : node.data.value;
		},
	});
	picker.show();
}

// Who the rules as they stand on the form (saved or not) would bring in and take out, and the company
// whose ledger the balance rules counted (the one a save keeps).
function dry_run(frm) {
	frappe
		.call({
			method: `${SEGMENTS_API}.preview_segment`,
			args: {
				segment: frm.is_new() ? null : frm.doc.name,
				rules: JSON.stringify(
					(frm.doc.rules || []).map(({ field, operator, value, value_to }) => ({
						field,
						operator,
						value,
						value_to,
					}))
				),
				match: frm.doc.match,
				company: frm.doc.company || "",
			},
		})
		.then(({ message: preview }) => {
			const list = (names) =>
				names.map((name) => `<li>${frappe.utils.escape_html(name)}</li>`).join("");
			frappe.msgprint({
				title: __("Dry Run"),
				message: `<p>${__(
					"{0} would join, {1} would leave ({2} match the rules, {3} kept out by hand)",
					[preview.join, preview.leave, preview.matching, preview.kept_out]
				)}</p>
				<p class="company-rule">${company_rule(preview.company)}</p>
				<p><b>${__("Joining")}</b></p><ul>${list(preview.joining)}</ul>
				<p><b>${__("Leaving")}</b></p><ul>${list(preview.leaving)}</ul>`,
			});
		});
}

function add_customers(frm) {
	const dialog = new frappe.ui.Dialog({
		title: __("Add Customers"),
		fields: [
			{
				fieldtype: "MultiSelectList",
				fieldname: "customers",
				label: __("Customers"),
				reqd: 1,
				get_data: (txt) => frappe.db.get_link_options("Customer", txt),
			},
		],
		primary_action_label: __("Add Customers"),
		primary_action({ customers }) {
			frappe
				.call({
					method: `${SEGMENTS_API}.add_members`,
					args: { segment: frm.doc.name, customers: JSON.stringify(customers) },
				})
				.then(() => {
					dialog.hide();
					frm.reload_doc();
				});
		},
	});
	dialog.show();
}
