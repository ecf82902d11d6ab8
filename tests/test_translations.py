"""Every string a person sees has its French line in crm_app/translations/fr.csv."""

import csv
import html
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
	strings |= desk_record_strings()
	for path in [*APP.rglob("*.py"), *APP.rglob("*.js"), *APP.rglob("templates/*.html")]:
		strings.update(match.group("text") for match in MESSAGE.finditer(path.read_text()))
	strings.update(line.strip() for line in (APP / "modules.txt").read_text().splitlines() if line.strip())
	return strings


def desk_record_strings() -> set[str]:
	"""What the app's reports, workspace, number cards, charts and seeded records show by name."""
	strings = set()
	for path in APP.glob("*/report/*/*.json"):
		strings.add(json.loads(path.read_text())["report_name"])
	for path in APP.glob("*/workspace/*/*.json"):
		workspace = json.loads(path.read_text())
		strings.add(workspace["label"])
		for row in [*workspace.get("links", []), *workspace.get("shortcuts", [])]:
			strings.add(row["label"])
		for block in json.loads(workspace["content"]):
			if block["type"] == "header":
				strings.add(html.unescape(re.sub(r"<[^>]+>", "", block["data"]["text"])).strip())
	for path in APP.glob("*/number_card/*/*.json"):
		strings.add(json.loads(path.read_text())["label"])
	for path in APP.glob("*/dashboard_chart/*/*.json"):
		strings.add(json.loads(path.read_text())["chart_name"])
	for path in (APP / "fixtures" / "seeds").glob("*.json"):
		seed = json.loads(path.read_text())
		name_field = frappe_scrub(seed["doctype"]) + "_name"
		strings.update(record[name_field] for record in seed["records"] if record.get(name_field))
	return strings


def frappe_scrub(text: str) -> str:
	return text.replace(" ", "_").replace("-", "_").lower()


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
