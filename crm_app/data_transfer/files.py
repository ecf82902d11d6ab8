"""Spreadsheets in and out: CSV (comma or semicolon, UTF-8 with or without BOM) and XLSX, one sheet per
doctype (an XLSX's sheets, or one CSV file per doctype)."""

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import frappe
from frappe import _


class UnreadableFileError(frappe.ValidationError):
	pass


@dataclass
class Sheet:
	name: str  # the sheet's or file's name: it says which doctype the rows are
	headers: list[str]
	rows: list[list] = field(default_factory=list)  # row i is line i + 2 of the sheet


def read_sheets(content: bytes | str, filename: str) -> list[Sheet]:
	if isinstance(content, str):  # Frappe's File.get_content() gives text files as str
		content = content.encode("utf-8")
	suffix = Path(filename).suffix.lower()
	if suffix == ".xlsx":
		return _read_xlsx(content, filename)
	if suffix in (".csv", ".txt"):
		return [_read_csv(content, Path(filename).stem)]
	frappe.throw(_("{0}: only CSV and XLSX files can be imported").format(filename), UnreadableFileError)


def _read_csv(content: bytes, name: str) -> Sheet:
	try:
		text = content.decode("utf-8-sig")
	except UnicodeDecodeError:
		text = content.decode("cp1252")  # a spreadsheet saved as CSV on Windows
	try:
		dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
	except csv.Error:
		dialect = csv.excel
	lines = [row for row in csv.reader(io.StringIO(text), dialect) if any(cell.strip() for cell in row)]
	if not lines:
		frappe.throw(_("{0} is empty").format(name), UnreadableFileError)
	return Sheet(name=name, headers=[h.strip() for h in lines[0]], rows=lines[1:])


def _read_xlsx(content: bytes, filename: str) -> list[Sheet]:
	from openpyxl import load_workbook

	try:
		workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
	except Exception:
		frappe.throw(_("{0} is not a readable XLSX file").format(filename), UnreadableFileError)
	sheets = []
	for worksheet in workbook.worksheets:
		rows = [
			list(row)
			for row in worksheet.iter_rows(values_only=True)
			if any(v not in (None, "") for v in row)
		]
		if rows:
			headers = [str(h).strip() if h is not None else "" for h in rows[0]]
			sheets.append(Sheet(name=worksheet.title, headers=headers, rows=rows[1:]))
	workbook.close()
	return sheets


def write_csv(headers: list[str], rows) -> bytes:
	out = io.StringIO()
	writer = csv.writer(out)
	writer.writerow(headers)
	writer.writerows(rows)
	return out.getvalue().encode("utf-8-sig")


def write_xlsx(sheets: dict[str, tuple[list[str], list]]) -> bytes:
	from openpyxl import Workbook

	workbook = Workbook(write_only=True)
	for title, (headers, rows) in sheets.items():
		worksheet = workbook.create_sheet(title=title[:31])
		worksheet.append(headers)
		for row in rows:
			worksheet.append(list(row))
	out = io.BytesIO()
	workbook.save(out)
	return out.getvalue()
