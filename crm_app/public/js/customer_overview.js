// The customer's 360 view (seed 004) on its form, in the seed's tabs: every block the server composes
// (hooks.py `customer_overview_blocks`, whatever domain registered it) drawn the same way, each figure a
// link to the filtered list; the activity history with its kind filter, a page at a time.
frappe.provide("crm_app");

const OVERVIEW_API = "crm_app.api.receivables";
const esc = (value) => frappe.utils.escape_html(value == null ? "" : String(value));

// a figure's route (["List", doctype, filters] or ["Form", doctype, name]) as a desk link
crm_app.overview_route_url = (route) => {
	if (!route) return null;
	const [view, doctype, arg] = route;
	if (view === "Form") return crm_app.desk_url([frappe.router.slug(doctype), arg]);
	const query = {};
	for (const [field, value] of Object.entries(arg || {})) {
		// the list view reads a JSON array as [operator, value]
		query[field] = Array.isArray(value) ? JSON.stringify(value) : value;
	}
	return crm_app.desk_url([frappe.router.slug(doctype)], query);
};

const figure_html = (f) => {
	const parts = [];
	if (f.count != null) parts.push(`<b>${esc(f.count)}</b>`);
	if (f.amount != null) parts.push(format_currency(f.amount, f.currency));
	if (f.hours != null) parts.push(`${esc(f.hours)} ${__("hours")}`);
	const text = `${esc(f.label)}: ${parts.join(" · ")}`;
	const url = crm_app.overview_route_url(f.route);
	const where = [f.company, f.source].filter(Boolean).map(esc).join(", ");
	const source = where ? ` <span class="text-muted small">(${where})</span>` : "";
	return `<div class="crm-overview-figure">${url ? `<a href="${url}">${text}</a>` : text}${source}</div>`;
};

const block_html = (block) => `
	<div class="col-sm-6 col-md-4 mb-3 crm-overview-block" data-block="${esc(block.key)}">
		<div class="text-muted small text-uppercase mb-1">${esc(block.title)}</div>
		${block.figures.length ? block.figures.map(figure_html).join("") : `<div class="text-muted">${__("Nothing yet")}</div>`}
	</div>`;

// the form's one load call: the 360 view, the banner and the values in force together (three calls before)
crm_app.load_customer_form = (frm) => {
	const customer = frm.doc.name;
	frappe.call(`${OVERVIEW_API}.get_customer_form_data`, { customer }).then(({ message }) => {
		if (!message || frm.doc.name !== customer) return;
		crm_app.show_customer_banner(frm, customer, message.banner);
		crm_app.show_values_in_force(frm, message.values_in_force);
		crm_app.show_customer_overview(frm, message.overview);
	});
};

crm_app.show_customer_overview = (frm, o) => {
	if (!o || frm.doc.name !== o.customer) return;
	const nav = o.tabs
		.map(
			(t, i) => `<li class="nav-item"><a class="nav-link ${i ? "" : "active"}" href="#"
				data-overview-tab="${esc(t.key)}">${esc(t.label)}</a></li>`
		)
		.join("");
	const panes = o.tabs
		.map(
			(t, i) => `<div class="crm-overview-pane" data-overview-pane="${esc(t.key)}" ${i ? 'style="display:none"' : ""}>
				<div class="row">${t.blocks.map(block_html).join("")}</div>
				${t.key === "activity" ? '<div class="crm-activity"></div>' : ""}
			</div>`
		)
		.join("");
	const section = frm.dashboard.add_section(
		`<div class="crm-customer-overview">
			<ul class="nav nav-tabs mb-3">${nav}</ul>${panes}
		</div>`,
		__("Overview")
	);
	const $root = $(section).find(".crm-customer-overview").addBack(".crm-customer-overview");
	$root.on("click", "[data-overview-tab]", (event) => {
		event.preventDefault();
		const key = $(event.currentTarget).attr("data-overview-tab");
		$root.find("[data-overview-tab]").removeClass("active");
		$(event.currentTarget).addClass("active");
		$root.find("[data-overview-pane]").hide();
		$root.find(`[data-overview-pane="${key}"]`).show();
		if (key === "activity") crm_app.show_customer_activity(frm, $root.find(".crm-activity"));
	});
};

// the activity history: a kind filter, newest first, "More" for the next page
crm_app.show_customer_activity = (frm, $wrapper) => {
	if ($wrapper.data("loaded")) return;
	$wrapper.data("loaded", true);
	$wrapper.html(`<div class="mb-2"><select class="form-control input-xs crm-activity-kind" style="max-width: 20em">
			<option value="">${__("All Activity")}</option></select></div>
		<ul class="list-unstyled crm-activity-entries"></ul>
		<button class="btn btn-default btn-xs crm-activity-more" style="display:none">${__("More")}</button>`);
	const state = { start: 0 };
	const load = (reset) => {
		if (reset) {
			state.start = 0;
			$wrapper.find(".crm-activity-entries").empty();
		}
		const kind = $wrapper.find(".crm-activity-kind").val();
		frappe
			.call(`${OVERVIEW_API}.get_customer_activity`, {
				customer: frm.doc.name,
				kinds: kind ? JSON.stringify([kind]) : null,
				start: state.start,
				page_length: 20,
			})
			.then(({ message: page }) => {
				const $kind = $wrapper.find(".crm-activity-kind");
				if ($kind.find("option").length === 1) {
					for (const k of page.kinds) $kind.append(`<option value="${esc(k.kind)}">${esc(k.label)}</option>`);
				}
				const labels = Object.fromEntries(page.kinds.map((k) => [k.kind, k.label]));
				const rows = page.entries.map((e) => {
					const url = crm_app.overview_route_url(e.route);
					const amount = e.amount != null ? ` · ${format_currency(e.amount, e.currency)}` : "";
					return `<li class="mb-1 crm-activity-entry" data-kind="${esc(e.kind)}">
						<span class="text-muted small">${esc(frappe.datetime.str_to_user(e.date))}</span>
						<span class="indicator-pill gray small">${esc(labels[e.kind] || e.kind)}</span>
						<a href="${url}">${esc(e.title)}</a>${amount}
						${e.user ? `<span class="text-muted small"> · ${esc(e.user)}</span>` : ""}</li>`;
				});
				const $entries = $wrapper.find(".crm-activity-entries");
				$entries.append(rows.join(""));
				if (!state.start && !rows.length) $entries.html(`<li class="text-muted">${__("Nothing yet")}</li>`);
				state.start += page.entries.length;
				$wrapper.find(".crm-activity-more").toggle(Boolean(page.has_more));
			});
	};
	$wrapper.on("change", ".crm-activity-kind", () => load(true));
	$wrapper.on("click", ".crm-activity-more", () => load(false));
	load(true);
};
