"""Spreadsheet files the app writes for people (exports, contact lists, import error files), and the error
for a file it cannot read: one way of writing CSV, whoever writes it."""

import csv
import io

import frappe


class UnreadableFileError(frappe.ValidationError):
	pass


def write_csv(headers: list[str], rows) -> bytes:
	"""CSV in UTF-8 with a byte order mark, so that a spreadsheet opened by double-click reads accents."""
	out = io.StringIO()
	writer = csv.writer(out)
	writer.writerow(headers)
	writer.writerows(rows)
	return out.getvalue().encode("utf-8-sig")
