// Awesomplete (the dropdown of link fields and of the search bar) keeps a status line for screen readers,
// written in English outside Frappe's __(): "Begin typing for results." read under every link field of a
// French desk. Its status goes through __() here (the French lines are in the app's fr.csv).
const STATUS = [
	[/^Begin typing for results\.$/, () => __("Begin typing for results.")],
	[
		/^Type (\d+) or more characters for results\.$/,
		(count) => __("Type {0} or more characters for results.", [count]),
	],
	[/^No results found$/, () => __("No results found")],
	[/^(\d+) results found$/, (count) => __("{0} results found", [count])],
];

function translate_status(awesomplete) {
	const status = awesomplete?.status;
	if (!status) return;
	const text = status.textContent;
	for (const [pattern, translated] of STATUS) {
		const match = text.match(pattern);
		if (match) {
			// set only when it changes: the watcher below sees each write (English stays English)
			const text_in_language = translated(...match.slice(1));
			if (text_in_language !== text) status.textContent = text_in_language;
			return;
		}
	}
}

// Awesomplete rewrites the line as results come ("12 results found"), from listeners bound to its own
// methods when it is made: watching the line itself also covers the instances made before this file ran
// (the search bar's).
function watch_status(awesomplete) {
	const status = awesomplete?.status;
	if (!status || status.crm_app_watched) return;
	status.crm_app_watched = true;
	translate_status(awesomplete);
	new MutationObserver(() => translate_status(awesomplete)).observe(status, {
		childList: true,
		characterData: true,
		subtree: true,
	});
}

function translate_after(control, method) {
	const proto = frappe.ui.form[control]?.prototype;
	if (!proto?.[method] || proto[method].crm_app_translates) return;
	const original = proto[method];
	proto[method] = function (...args) {
		const result = original.apply(this, args);
		watch_status(this.awesomplete);
		return result;
	};
	proto[method].crm_app_translates = true;
}

translate_after("ControlLink", "setup_awesomeplete");
translate_after("ControlAutocomplete", "setup_awesomplete");

$(document).on("app_ready", () => {
	const search_bar = document.querySelector("#navbar-search")?.awesomplete;
	(search_bar?.constructor?.all || [search_bar]).forEach(watch_status);
});
