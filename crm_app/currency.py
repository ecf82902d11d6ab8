"""The currency the app's amounts are drawn in: the document's, else its company's, else the default
company's.

Frappe draws an amount given without a currency in the site's default currency; a site without one
(Frappe's setup wizard does not store it) shows the first currency of its list, the UAE dirham. So every
API that returns amounts returns their currency too, and the site's default is only the last resort.
"""

import frappe

# when neither the site nor its country says which currency (the app's seeds speak of euros)
FALLBACK_CURRENCY = "EUR"


def default_company() -> str | None:
	"""The user's or the site's default company, else the first one made."""
	for key in ("company", "Company"):
		company = frappe.defaults.get_user_default(key)
		if company and frappe.db.exists("Company", company):
			return company
	return frappe.db.get_value("Company", {}, "name", order_by="creation asc")


def company_currency(company: str | None = None) -> str | None:
	"""The company's default currency (the default company's when none is given or it is unknown),
	else the site's default currency."""
	if not (company and frappe.db.exists("Company", company)):
		company = default_company()
	currency = company and frappe.db.get_value("Company", company, "default_currency")
	return currency or frappe.db.get_default("currency") or None


def country_currency(country: str | None) -> str | None:
	"""The currency of a country, from Frappe's country data."""
	if not country:
		return None
	from frappe.geo.country_info import get_country_info

	currency = get_country_info(country).get("currency")
	return currency if currency and frappe.db.exists("Currency", currency) else None


def site_currency(country: str | None = None) -> str:
	"""The currency a new company of this site takes: the site's setting where there is one (System
	Settings' currency on Frappe versions that have it, the global default), else the country's, else
	euros."""
	settings = frappe.get_meta("System Settings")
	from_settings = (
		frappe.db.get_single_value("System Settings", "currency") if settings.has_field("currency") else None
	)
	country = country or frappe.db.get_single_value("System Settings", "country")
	return from_settings or stored_default("currency") or country_currency(country) or FALLBACK_CURRENCY


def ensure_site_defaults() -> None:
	"""The site's default company and currency, where empty (or naming a deleted company): Frappe draws
	amounts given without a currency in the default currency."""
	company = default_company()
	if not company:
		return
	current = stored_default("company")
	if not (current and frappe.db.exists("Company", current)):
		set_site_default("company", company)
	if not stored_default("currency"):
		currency = frappe.db.get_value("Company", company, "default_currency")
		if currency:
			set_site_default("currency", currency)


def stored_default(key: str) -> str | None:
	"""A site default as stored, not as cached (the cache is shared with other processes)."""
	return frappe.db.get_value("DefaultValue", {"parent": "__default", "defkey": key}, "defvalue")


def set_site_default(key: str, value: str) -> None:
	frappe.db.set_default(key, value)
	# the defaults are cached: a rolled-back default must not outlive the transaction
	frappe.db.after_rollback.add(lambda: frappe.cache.hdel("defaults", "__default"))
