"""Shared by the benchmark scripts: timing, bulk inserts with Frappe's standard columns, and a web server
of the bench (the app's WSGI entry or a benchmark's stock one) to measure over HTTP."""

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import frappe
import requests

REPO = Path(__file__).resolve().parents[1]


def timed(label: str, function, repeat: int):
	"""Run `function` `repeat` times; print the median and every run; return (median, last result)."""
	times, result = [], None
	for _ in range(repeat):
		start = time.perf_counter()
		result = function()
		times.append(time.perf_counter() - start)
	print(f"  {label}: median {statistics.median(times):.3f} s  runs {[round(t, 3) for t in times]}")
	return statistics.median(times), result


def insert_rows(doctype: str, fields: list[str], rows) -> None:
	"""Plain multi-row INSERTs (the app's, not Frappe's query builder), adding creation, modified, owner
	and modified_by."""
	from crm_app.data_transfer.writer import insert_rows as insert

	now = frappe.utils.now()
	rows = [(*row, now, now, "Administrator", "Administrator") for row in rows]
	for start in range(0, len(rows), 5000):
		insert(doctype, [*fields, "creation", "modified", "owner", "modified_by"], rows[start : start + 5000])


def start_server(site: str, wsgi_module: str, output=subprocess.DEVNULL):
	"""A gunicorn of the bench serving `site` from `wsgi_module` (dev/wsgi.py, or a stock entry in
	benchmarks/), 2 workers of 4 threads; returns (process, url) once it answers a ping."""
	from tests.conftest import start_gunicorn

	return start_gunicorn(site, wsgi_module, output, pythonpath=(REPO / "benchmarks",))
