// A workspace's header blocks are stored text that Frappe shows as is: shown (not edited), the app's
// headers ("Your Shortcuts", ...) read in the user's language. Editing keeps the stored English.
$(document).on("app_ready", () => {
	const Header = frappe.workspace_block?.blocks?.header;
	if (!Header || Header.prototype.crm_app_translates) return;
	const render = Header.prototype.render;
	Header.prototype.render = function () {
		const wrapper = render.call(this);
		if (this.readOnly) {
			for (const node of wrapper.querySelectorAll(".ce-header b, .ce-header span")) {
				if (node.children.length === 0 && node.textContent.trim()) {
					node.textContent = __(node.textContent.trim());
				}
			}
		}
		return wrapper;
	};
	Header.prototype.crm_app_translates = true;
});
