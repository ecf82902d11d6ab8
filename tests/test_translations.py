"""Every string a person sees has its French line in crm_app/translations/fr.csv."""

import csv
import json
import re
from pathlib import Path

import crm_app

APP = Path(crm_app.__file__).parent
MESSAGE = re.compile(r"""\b_{1,2}\(\s*(?P<q>["'])(?P<text>(?:\\.|(?!(?P=q)).)*)(?P=q)""")


def french() -> dict[str, str]:
	with open(APP / "translations" / "fr.csv", encoding="utf-8") as f:
		return {row[0]: row[1] for row in csv.reader(f) if row}


def visible_strings() -> set[str]:
	strings = set()
	for path in APP.glob("*/doctype/*/*.json"):
		doc = json.loads(path.read_text())
		if doc.get("doctype") != "DocType":
			continue
		strings.add(doc["name"])
		if doc.get("description"):
			strings.add(doc["description"])
		for field in doc.get("fields", []):
			for key in ("label", "description"):
				if field.get(key):
					strings.add(field[key])
			if field.get("fieldtype") == "Select" and field.get("options"):
				strings.update(
					option for option in field["options"].split("\n") if option and "." not in option
				)
		for permission in doc.get("permissions", []):
			strings.add(permission["role"])
	for path in [*APP.rglob("*.py"), *APP.rglob("*.js")]:
		strings.update(match.group("text") for match in MESSAGE.finditer(path.read_text()))
	strings.update(line.strip() for line in (APP / "modules.txt").read_text().splitlines() if line.strip())
	return strings


def test_every_visible_string_has_a_french_line():
	translated = french()
	missing = sorted(s for s in visible_strings() if not translated.get(s))
	assert missing == [], "add to fr.csv:\n" + "\n".join(missing)


def test_fr_csv_lines_have_three_columns_and_no_duplicates():
	with open(APP / "translations" / "fr.csv", encoding="utf-8") as f:
		rows = [row for row in csv.reader(f) if row]
	assert all(len(row) == 3 for row in rows)
	sources = [row[0] for row in rows]
	assert len(sources) == len(set(sources))
