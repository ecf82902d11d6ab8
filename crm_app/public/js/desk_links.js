// Links into the desk, through Frappe's router: `/app/...` up to early v16 development, `/desk/...` in v16.
frappe.provide("crm_app");

crm_app.desk_url = (segments, query) => {
	const path = frappe.router.make_url(segments);
	const search = query ? new URLSearchParams(query).toString() : "";
	return search ? `${path}?${search}` : path;
};
