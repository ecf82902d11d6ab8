"""pytest against a real Frappe test site, and a unit layer without one.

The site comes from FRAPPE_SITE (default test.localhost) in the bench found from FRAPPE_SITES_PATH, the
development bench of dev/setup.sh, or the bench this app sits in (apps/crm_app). Every test runs as
Administrator and is rolled back afterwards; tests that go through the HTTP server clean up after
themselves, since the server commits.

The tests under tests/unit/ need no site: their conftest overrides `frappe_site` and `rollback`, and they
run first, before this process connects to the site. The desk tests share one Chromium per session, with
a fresh browser context for each test (tests/browser.py).
"""

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import frappe
import pytest
import requests

REPO = Path(__file__).resolve().parents[1]

pytest_plugins = ["tests.browser"]  # the desk tests' browser fixtures


def find_sites_path() -> Path:
	if os.environ.get("FRAPPE_SITES_PATH"):
		return Path(os.environ["FRAPPE_SITES_PATH"]).resolve()
	for candidate in (REPO / ".bench" / "frappe-bench" / "sites", Path.cwd() / "sites", Path.cwd()):
		if (candidate / "apps.txt").exists():
			return candidate.resolve()
	raise RuntimeError("No bench found: set FRAPPE_SITES_PATH to the bench's sites folder")


SITE = os.environ.get("FRAPPE_SITE", "test.localhost")
ADMIN_PASSWORD = os.environ.get("CRM_ADMIN_PASSWORD", "admin")
UNIT_DIR = Path(__file__).resolve().parent / "unit"


def __getattr__(name: str):
	# SITES_PATH looked up when a site test asks for it: the unit tests run where no bench is found
	if name == "SITES_PATH":
		return find_sites_path()
	raise AttributeError(name)


def pytest_collection_modifyitems(items):
	"""The unit tests first: they must run before this process connects to the site."""
	items.sort(key=lambda item: UNIT_DIR not in Path(str(item.fspath)).parents)


def connect_site() -> None:
	"""Connect this process to the test site (tests and benchmarks)."""
	sites_path = find_sites_path()
	os.chdir(sites_path)  # Frappe resolves logs and assets from the sites folder
	frappe.init(site=SITE, sites_path=str(sites_path))
	frappe.connect()


@pytest.fixture(scope="session", autouse=True)
def frappe_site():
	cwd = os.getcwd()
	connect_site()
	frappe.flags.in_test = True
	frappe.set_user("Administrator")
	yield SITE
	frappe.db.rollback()
	frappe.destroy()
	os.chdir(cwd)


@pytest.fixture(autouse=True)
def rollback():
	frappe.set_user("Administrator")
	yield
	frappe.db.rollback()
	if hasattr(frappe.db, "value_cache"):
		frappe.db.value_cache.clear()  # single values read in the test would outlive its rollback
	frappe.local.lang = "en"
	frappe.set_user("Administrator")


def _free_port() -> int:
	with socket.socket() as s:
		s.bind(("127.0.0.1", 0))
		return s.getsockname()[1]


def _wait_until_up(process, url: str, answered, what: str) -> None:
	"""Until `url` answers as `answered` says (90 s at most); a process that died or never answers fails."""
	deadline = time.monotonic() + 90
	while True:
		try:
			if answered(requests.get(url, timeout=2)):
				return
		except (requests.RequestException, ValueError):
			pass
		if process.poll() is not None or time.monotonic() > deadline:
			process.kill()
			raise RuntimeError(f"{what} did not come up")
		time.sleep(0.3)


def set_site_config(values: dict, site: str = SITE) -> None:
	"""Set (None: remove) keys of a site's config (Frappe reads it on each request), and drop the users'
	cached boot, which carries some of them (socketio_port)."""
	config_path = find_sites_path() / site / "site_config.json"
	config = json.loads(config_path.read_text())
	for key, value in values.items():
		if value is None:
			config.pop(key, None)
		else:
			config[key] = value
	config_path.write_text(json.dumps(config, indent=1, sort_keys=True))
	frappe.cache.delete_value("bootinfo")


@pytest.fixture(scope="module")
def realtime_url(server_url):
	"""A realtime (socket.io) server beside the tests' web server, which the test site's desk connects to
	while the module's tests run (as under `make serve`: its own port, `website_context.dev_server`).

	Only for the modules that ask for it: the other desk tests run without one. Under one, this build of
	Frappe's desk raises on a form whose timeline gets a new communication (its timeline_message_box
	template does not compile), which the statement test of test_desk_customer_overview meets."""
	port = _free_port()
	log = open(REPO / ".bench" / "test-realtime.log" if (REPO / ".bench").is_dir() else os.devnull, "w")
	process = subprocess.Popen(
		[sys.executable, "-m", "crm_app.realtime_server", "--port", str(port), "--web-url", server_url],
		cwd=find_sites_path(),
		stdout=log,
		stderr=subprocess.STDOUT,
	)
	url = f"http://127.0.0.1:{port}"
	_wait_until_up(
		process, f"{url}/socket.io/?EIO=4&transport=polling", lambda r: r.ok, "the realtime server"
	)
	set_site_config({"socketio_port": port, "website_context": {"dev_server": 1}})
	yield url
	set_site_config({"socketio_port": None, "website_context": None})
	process.terminate()
	process.wait(timeout=30)
	log.close()


def start_gunicorn(site: str, wsgi_module: str = "wsgi", output=subprocess.DEVNULL, pythonpath=()):
	"""A real Frappe HTTP server of this bench (gunicorn, loopback only, 2 workers of 4 threads) serving
	`site` from `wsgi_module` (dev/wsgi.py, or a module of `pythonpath`): (process, url) once it answers."""
	port = _free_port()
	process = subprocess.Popen(
		[
			str(Path(sys.executable).parent / "gunicorn"),
			"--bind",
			f"127.0.0.1:{port}",
			"--workers",
			"2",
			"--threads",
			"4",  # several sessions at once, as people work: concurrency tests need it
			"--timeout",
			"120",
			# the sessions of a concurrency test log in one by one, then wait for each other: gunicorn's 2 s
			# default closed their idle connections just as they sent ("Remote end closed connection")
			"--keep-alive",
			"60",
			"--pythonpath",
			",".join(str(path) for path in (REPO / "dev", *pythonpath)),
			f"{wsgi_module}:application",
		],
		cwd=find_sites_path(),
		env={**os.environ, "CRM_DEFAULT_SITE": site},
		stdout=output,
		stderr=subprocess.STDOUT,
	)
	url = f"http://127.0.0.1:{port}"
	_wait_until_up(
		process,
		f"{url}/api/method/ping",
		lambda r: r.json().get("message") == "pong",
		f"the HTTP server of {site}",
	)
	return process, url


@contextlib.contextmanager
def http_server(site: str = SITE, log_name: str = "test-server.log"):
	"""`start_gunicorn` for the block, its output in .bench/`log_name`: the server's URL."""
	with open(REPO / ".bench" / log_name if (REPO / ".bench").is_dir() else os.devnull, "w") as log:
		process, url = start_gunicorn(site, output=log)
		try:
			yield url
		finally:
			process.terminate()
			process.wait(timeout=30)


@pytest.fixture(scope="session")
def server_url():
	"""The test site's HTTP server, for the whole session."""
	with http_server() as url:
		yield url


@pytest.fixture(scope="session")
def web_nodes(server_url):
	"""Two web servers on the test site, separate processes as two machines behind a proxy would run them
	(one database, one Redis): tests of concurrent writers spread their sessions over both."""
	with http_server(SITE, "test-server-2.log") as second:
		yield [server_url, second]


@pytest.fixture
def admin_session(server_url) -> requests.Session:
	from tests.users import http_session

	return http_session(server_url, "Administrator", ADMIN_PASSWORD)
