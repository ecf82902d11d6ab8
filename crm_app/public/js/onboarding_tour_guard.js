// Frappe 15's onboarding tours start 1 s after the desk loads and read the router's current route; on a
// slow machine the router has not set it yet and the desk throws "Cannot read properties of null". The
// tour is started again by the router's next change, so an early call is skipped instead of failing.
(function () {
	let start_tour;
	Object.defineProperty(frappe.ui, "init_onboarding_tour", {
		configurable: true,
		get: () => start_tour,
		set(fn) {
			start_tour = (...args) => (frappe.router?.current_route ? fn(...args) : undefined);
		},
	});
})();
