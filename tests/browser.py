"""The desk in headless Chromium (Debian's package; dev/setup.sh --with-browser installs it), through
Playwright.

One browser for the whole session (starting Chromium costs seconds), a fresh browser context for each test
(its own cookies and storage: nothing leaks from one test to the next). Administrator logs in once per
session through the login page; each `desk_page` starts from that session's cookies. Other users log in
in their own context with `new_desk_page`.
"""

import os
from pathlib import Path

import pytest

from crm_app.compat import desk_prefix
from tests.conftest import ADMIN_PASSWORD, REPO

DESK = desk_prefix()
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM_ARGS = [
	"--no-sandbox",
	"--disable-gpu",
	"--disable-quic",
	"--no-first-run",
	"--disable-background-networking",
	"--disable-component-update",
	"--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 800}


def is_realtime_noise(message: str) -> bool:
	# the desk tests run without a realtime (socket.io) server, but test_realtime.py's (`realtime_url` in
	# tests/conftest.py, see there why); the desk works without it
	return "socket.io" in message


def page_errors(page) -> list[str]:
	"""What went wrong on the page since `watch` (or the last `page.errors.clear()`): page errors, console
	errors and 4xx/5xx responses, but the realtime connection's (see `is_realtime_noise`)."""
	return [e for e in page.errors if not is_realtime_noise(e)]


def watch(page) -> None:
	"""Collect every console error, page error and 4xx/5xx of the page in page.errors."""
	page.errors = []
	page.on(
		"console",
		lambda m: (
			m.type == "error" and page.errors.append(f"console: {m.text} ({m.location.get('url', '')})")
		),
	)
	page.on("pageerror", lambda e: page.errors.append(f"pageerror: {e}{where(e)}"))
	page.on("response", lambda r: r.status >= 400 and page.errors.append(f"{r.status} {r.url}"))


def where(error) -> str:
	"""Where a page error was raised (the first frame of its stack), to find an intermittent one."""
	frames = [line.strip() for line in (error.stack or "").splitlines() if line.strip().startswith("at ")]
	return f" ({frames[0]})" if frames else ""


def wait_form(page, doctype):
	"""Until the desk shows a form of `doctype` with nothing requested."""
	page.wait_for_function(
		"dt => window.cur_frm && cur_frm.doctype === dt && cur_frm.doc && !frappe.request.ajax_count",
		arg=doctype,
		timeout=30_000,
	)
	page.wait_for_timeout(500)


def log_in(page, server_url, user, password):
	"""Log in through the login page, collecting errors in page.errors (see `watch`)."""
	watch(page)
	page.goto(f"{server_url}/login")
	page.fill("#login_email", user)
	page.fill("#login_password", password)
	page.click(".btn-login")
	page.wait_for_url(f"**{DESK}**", timeout=60_000)


def quiet(page, ms: int = 400, timeout: int = 30_000) -> None:
	"""Wait until the desk has asked nothing of the server for `ms` milliseconds in a row, counted from
	now (a report runs its query after it is drawn; a chart is drawn once its data came back)."""
	page.evaluate("() => { window.__crmQuietSince = performance.now(); }")
	page.wait_for_function(
		"""ms => {
			const now = performance.now();
			if (frappe.request.ajax_count) window.__crmQuietSince = now;
			return now - window.__crmQuietSince >= ms;
		}""",
		arg=ms,
		polling=50,
		timeout=timeout,
	)


@pytest.fixture(scope="session")
def browser():
	"""One headless Chromium for the session (started by the first test that asks for it)."""
	if not Path(CHROMIUM).exists():
		pytest.fail(f"Chromium not found at {CHROMIUM}: run dev/setup.sh --with-browser")
	from playwright.sync_api import sync_playwright

	with sync_playwright() as playwright:
		chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
		yield chromium
		chromium.close()


@pytest.fixture
def new_desk_page(browser, server_url):
	"""`new_desk_page(user, password, **context_options)`: a page in a new browser context, logged in as
	that user through the login page. The contexts are closed after the test."""
	contexts = []

	def open_page(user, password, **options):
		context = browser.new_context(**{"viewport": VIEWPORT, **options})
		contexts.append(context)
		page = context.new_page()
		log_in(page, server_url, user, password)
		return page

	yield open_page
	for context in contexts:
		context.close()


@pytest.fixture(scope="session")
def administrator_session(browser, server_url):
	"""Cookies and storage of one Administrator login, for every `desk_page` of the session."""
	context = browser.new_context(viewport=VIEWPORT)
	log_in(context.new_page(), server_url, "Administrator", ADMIN_PASSWORD)
	state = context.storage_state()
	context.close()
	return state


@pytest.fixture
def desk_page(browser, administrator_session):
	"""A page logged in as Administrator, in a fresh browser context (not yet on any desk route)."""
	context = browser.new_context(viewport=VIEWPORT, storage_state=administrator_session)
	page = context.new_page()
	watch(page)
	yield page
	context.close()
