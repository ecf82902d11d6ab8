"""The desk in headless Chromium (Debian's package; dev/setup.sh --with-browser installs it)."""

import os
from pathlib import Path

import pytest

from tests.conftest import ADMIN_PASSWORD, REPO

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


def is_realtime_noise(message: str) -> bool:
	# no realtime (socket.io) server runs in this set-up; the desk works without it
	return "socket.io" in message


@pytest.fixture
def desk_page(server_url):
	if not Path(CHROMIUM).exists():
		pytest.fail(f"Chromium not found at {CHROMIUM}: run dev/setup.sh --with-browser")
	from playwright.sync_api import sync_playwright

	with sync_playwright() as playwright:
		browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
		page = browser.new_page(viewport={"width": 1280, "height": 800})
		page.errors = []
		page.on(
			"console",
			lambda m: (
				m.type == "error" and page.errors.append(f"console: {m.text} ({m.location.get('url', '')})")
			),
		)
		page.on("pageerror", lambda e: page.errors.append(f"pageerror: {e}"))
		page.on("response", lambda r: r.status >= 400 and page.errors.append(f"{r.status} {r.url}"))
		page.goto(f"{server_url}/login")
		page.fill("#login_email", "Administrator")
		page.fill("#login_password", ADMIN_PASSWORD)
		page.click(".btn-login")
		page.wait_for_url("**/app**", timeout=60_000)
		yield page
		browser.close()


def test_customer_group_tree_view_loads_without_errors(desk_page, server_url):
	desk_page.goto(f"{server_url}/app/customer-group/view/tree")
	desk_page.wait_for_selector(".tree-label:has-text('All Customer Groups')", timeout=60_000)
	for name in ("Individual", "Commercial", "Government"):
		desk_page.wait_for_selector(f".tree-label:has-text('{name}')", timeout=30_000)
	desk_page.wait_for_load_state("networkidle")
	ARTIFACTS.mkdir(exist_ok=True)
	desk_page.screenshot(path=str(ARTIFACTS / "customer-group-tree.png"))
	errors = [e for e in desk_page.errors if not is_realtime_noise(e)]
	assert errors == []
