"""Spreadsheets in and out: CSV (comma or semicolon, UTF-8 with or without BOM) and XLSX, one sheet per
doctype (an XLSX's sheets, or one CSV file per doctype)."""

import codecs
import csv
import io
import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import frappe
from frappe import _

from crm_app.csv_files import UnreadableFileError


@dataclass
class Sheet:
	"""A sheet's name (it says which doctype the rows are), its headers, and its rows, read again at each
	pass (`rows`): an import checks the rows, then writes them, and never holds them all."""

	name: str
	headers: list[str]
	read_rows: Callable[[], Iterator[list]]

	@property
	def rows(self) -> Iterator[list]:
		"""The rows after the headers, blank ones left out: row i is line i + 2 of the sheet."""
		return self.read_rows()


def read_sheets(content: bytes | str, filename: str) -> list[Sheet]:
	if isinstance(content, str):  # Frappe's File.get_content() gives text files as str
		content = content.encode("utf-8")
	suffix = Path(filename).suffix.lower()
	if suffix == ".xlsx":
		return _read_xlsx(content, filename)
	if suffix in (".csv", ".txt"):
		return [_read_csv(content, Path(filename).stem)]
	frappe.throw(_("{0}: only CSV and XLSX files can be imported").format(filename), UnreadableFileError)


def _not_blank(rows: Iterable) -> Iterator[list]:
	return (list(row) for row in rows if any(cell not in (None, "") and str(cell).strip() for cell in row))


def _read_csv(content: bytes, name: str) -> Sheet:
	encoding = _csv_encoding(content)
	sample = content[:4096].decode(encoding, errors="ignore")
	try:
		dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
	except csv.Error:
		dialect = csv.excel

	def lines() -> Iterator[list]:
		return _not_blank(csv.reader(_text_lines(content, encoding), dialect))

	headers = next(lines(), None)
	if headers is None:
		frappe.throw(_("{0} is empty").format(name), UnreadableFileError)
	return Sheet(
		name=name, headers=[h.strip() for h in headers], read_rows=lambda: itertools.islice(lines(), 1, None)
	)


def _csv_encoding(content: bytes) -> str:
	"""UTF-8 (a BOM or not), else the Windows code page a spreadsheet saved as CSV on Windows uses; found
	a piece at a time, without a decoded copy of the file."""
	decoder = codecs.getincrementaldecoder("utf-8")()
	try:
		for start in range(0, len(content), 1 << 16):
			decoder.decode(content[start : start + (1 << 16)])
		decoder.decode(b"", final=True)
	except UnicodeDecodeError:
		return "cp1252"
	return "utf-8-sig"


def _text_lines(content: bytes, encoding: str) -> Iterator[str]:
	"""The file's lines decoded one by one (the csv reader joins a quoted cell's lines itself)."""
	start, size = 0, len(content)
	if encoding == "utf-8-sig" and content.startswith(codecs.BOM_UTF8):
		start = len(codecs.BOM_UTF8)
	encoding = "utf-8" if encoding == "utf-8-sig" else encoding
	while start < size:
		end = content.find(b"\n", start)
		end = size if end == -1 else end + 1
		yield content[start:end].decode(encoding, errors="replace")  # cp1252 leaves 5 bytes undefined
		start = end


def _read_xlsx(content: bytes, filename: str) -> list[Sheet]:
	def open_workbook():
		from openpyxl import load_workbook

		try:
			return load_workbook(io.BytesIO(content), read_only=True, data_only=True)
		except Exception:
			frappe.throw(_("{0} is not a readable XLSX file").format(filename), UnreadableFileError)

	def lines(title: str) -> Iterator[list]:
		workbook = open_workbook()  # read-only mode reads a sheet as it goes
		try:
			yield from _not_blank(workbook[title].iter_rows(values_only=True))
		finally:
			workbook.close()

	def sheet(title: str, headers: list) -> Sheet:
		return Sheet(
			name=title,
			headers=[str(h).strip() if h is not None else "" for h in headers],
			read_rows=lambda: itertools.islice(lines(title), 1, None),
		)

	workbook = open_workbook()  # once for the headers: each pass over the rows opens it again
	try:
		headers = {
			worksheet.title: next(_not_blank(worksheet.iter_rows(values_only=True)), None)
			for worksheet in workbook.worksheets
		}
	finally:
		workbook.close()
	return [sheet(title, first) for title, first in headers.items() if first is not None]


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
