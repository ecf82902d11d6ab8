"""What the French desk tests of single screens compare with (the role walks of test_desk_roles read more)."""


def english_with_french_line() -> set[str]:
	"""Every English source string that Frappe's or the app's French translates to something else (read
	through Frappe, whichever form its translations take: fr.csv up to early v15, fr.po later)."""
	from frappe.translate import get_translations_from_apps

	return {
		source
		for source, french in get_translations_from_apps("fr", ["frappe", "crm_app"]).items()
		if french and french != source
	}
