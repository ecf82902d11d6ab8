"""Plain values as users type them: yes/no answers and text searched with LIKE. A foundation module:
it imports nothing of the app."""

YES = frozenset({"1", "yes", "oui", "true", "vrai", "y", "o", "x"})
NO = frozenset({"0", "no", "non", "false", "faux", "n", ""})


def yes_no(value) -> bool | None:
	"""True or False for the ways a spreadsheet or a rule says yes or no (English or French), None
	for anything else (the caller says what it expected)."""
	text = str(value if value is not None else "").strip().lower()
	if text in YES:
		return True
	if text in NO:
		return False
	return None


def escape_like(text: str) -> str:
	"""`text` matched literally by LIKE: its wildcards and the escape character escaped."""
	return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
