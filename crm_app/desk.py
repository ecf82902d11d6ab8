"""Desk set-up per user."""

import frappe


def ensure_dashboard_settings(login_manager=None) -> None:
	"""Make the user's Dashboard Settings at login: the CRM workspace's chart and the list views' sidebar
	otherwise each ask Frappe to create it on the first visit, at once, and the loser gets a 409."""
	user = frappe.session.user
	if user and user != "Guest" and not frappe.db.exists("Dashboard Settings", user):
		# several logins of one user at once (a browser and scripts) may each find none: one makes it
		frappe.get_doc({"doctype": "Dashboard Settings", "name": user}).insert(
			ignore_permissions=True, ignore_if_duplicate=True
		)


def boot_session(bootinfo) -> None:
	"""What the app's desk screens need from the start (hooks.boot_session)."""
	from crm_app.receivables.statistics import default_fiscal_year

	bootinfo.crm_app = {
		"default_fiscal_year": default_fiscal_year(),
		# the new documents that show their customer's overdue or frozen banner (customer_status.js)
		"customer_banner_doctypes": frappe.get_hooks("customer_banner_doctypes"),
	}
