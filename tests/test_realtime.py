"""The realtime (socket.io) server (crm_app/realtime_server) under the tests' web server: what Frappe
publishes reaches the desk, and nobody joins a room the site would not let them read."""

import asyncio
import contextvars
import time
from concurrent.futures import ThreadPoolExecutor

import aiohttp
import frappe
import pytest
import socketio
from frappe.utils.password import update_password

from tests.browser import DESK, quiet
from tests.conftest import ADMIN_PASSWORD, SITE
from tests.users import http_session, make_user, remove_user
from tests.workers import bench_worker

NAMESPACE = f"/{SITE}"
pytestmark = pytest.mark.usefixtures("realtime_url")  # the desk connects to it too


def run(scenario) -> None:
	"""Run an async scenario in a thread of its own (Playwright's sync API keeps an event loop running in
	this one), in a copy of this context: frappe.local, the site connection, is there too."""
	context = contextvars.copy_context()
	with ThreadPoolExecutor(1) as pool:
		pool.submit(context.run, asyncio.run, scenario()).result()


class Listener:
	"""A socket.io client (python-socketio, over a websocket) on the test site's namespace, as a page of
	the web server would open it; what it receives is kept as (event, data) in `received`."""

	def __init__(self, realtime_url: str, origin: str, headers: dict, namespace: str = NAMESPACE):
		self.url, self.headers = realtime_url, {"Origin": origin, **headers}
		self.namespace = namespace
		self.received: list[tuple] = []

	async def keep(self, event, data=None):
		self.received.append((event, data))

	async def __aenter__(self):
		self.http = aiohttp.ClientSession()
		self.client = socketio.AsyncClient(reconnection=False, http_session=self.http)
		self.client.on("*", self.keep, namespace=self.namespace)
		try:
			await self.client.connect(
				self.url,
				namespaces=[self.namespace],
				transports=["websocket"],
				headers=self.headers,
				wait_timeout=30,
			)
		except BaseException:
			await self.http.close()
			raise
		return self

	async def __aexit__(self, *_):
		await self.client.disconnect()
		await self.http.close()

	async def emit(self, event, *args):
		await self.client.emit(event, args, namespace=self.namespace)

	async def events_after(self, seconds: float) -> list[tuple]:
		"""What arrives within `seconds` from now."""
		already = len(self.received)
		await asyncio.sleep(seconds)
		return self.received[already:]

	async def publish_until_received(self, publish, event: str, seconds: float = 30) -> bool:
		"""Publish again and again until it came: the server joins a room once the site answered."""
		deadline = time.monotonic() + seconds
		while time.monotonic() < deadline:
			publish()
			if any(e[0] == event for e in await self.events_after(0.5)):
				await asyncio.sleep(0.5)  # the copies still on their way arrive now, not later
				return True
		return False


def desk_connected(page) -> None:
	page.wait_for_function("() => frappe.realtime.socket && frappe.realtime.socket.connected", timeout=30_000)


def test_publish_progress_moves_in_the_desk(desk_page, server_url):
	desk_page.goto(f"{server_url}{DESK}")
	desk_connected(desk_page)

	frappe.publish_progress(25, title="Rebuilding the test tree", description="25 of 100")
	bar = desk_page.locator(".modal:visible .progress-bar")
	bar.wait_for(timeout=15_000)
	assert desk_page.locator(".modal:visible .modal-title").inner_text() == "Rebuilding the test tree"
	desk_page.wait_for_function(
		"() => document.querySelector('.modal.show .progress-bar').style.width === '25%'", timeout=15_000
	)
	frappe.publish_progress(60, title="Rebuilding the test tree", description="60 of 100")
	desk_page.wait_for_function(
		"() => document.querySelector('.modal.show .progress-bar').style.width === '60%'", timeout=15_000
	)
	assert desk_page.errors == []  # a realtime connection's error included


def test_a_save_in_another_session_appears_in_the_list(desk_page, server_url, admin_session):
	admin_session.headers["Connection"] = "close"  # no kept-alive connection the server closes meanwhile
	desk_page.goto(f"{server_url}{DESK}/todo?status=Open")
	desk_connected(desk_page)
	desk_page.wait_for_function("() => window.cur_list && cur_list.doctype === 'ToDo'")
	quiet(desk_page)  # the list has loaded its rows (none, maybe)
	description = f"Realtime {frappe.generate_hash(length=8)}"
	# the list joins its doctype's room once the site said Administrator may read ToDo: save until it shows
	created = []
	try:
		deadline = time.monotonic() + 20
		while time.monotonic() < deadline:
			response = admin_session.post(
				f"{server_url}/api/resource/ToDo", json={"description": f"{description} {len(created)}"}
			)
			assert response.status_code == 200, response.text
			created.append(response.json()["data"]["name"])
			try:
				desk_page.get_by_text(description).first.wait_for(timeout=3_000)
				break
			except Exception:
				continue
		assert desk_page.get_by_text(description).count() >= 1  # without a reload of the page
	finally:
		for name in created:
			admin_session.delete(f"{server_url}/api/resource/ToDo/{name}")
	assert desk_page.errors == []  # a realtime connection's error included


def test_another_sessions_save_reloads_the_open_form(desk_page, server_url, admin_session):
	admin_session.headers["Connection"] = "close"  # no kept-alive connection the server closes meanwhile
	response = admin_session.post(f"{server_url}/api/resource/ToDo", json={"description": "Before"})
	name = response.json()["data"]["name"]
	try:
		desk_page.goto(f"{server_url}{DESK}/todo/{name}")
		desk_connected(desk_page)
		desk_page.wait_for_function(f"() => window.cur_frm && cur_frm.docname === '{name}'")
		# the form subscribes to its document (doc_update) once the site allowed it: save until it reloads
		deadline = time.monotonic() + 20
		attempt = 0
		while time.monotonic() < deadline:
			attempt += 1
			admin_session.put(
				f"{server_url}/api/resource/ToDo/{name}", json={"description": f"After {attempt}"}
			)
			try:
				desk_page.wait_for_function(
					"() => (cur_frm.doc.description || '').includes('After')", timeout=3_000
				)
				break
			except Exception:
				continue
		assert "After" in desk_page.evaluate("() => cur_frm.doc.description")
	finally:
		admin_session.delete(f"{server_url}/api/resource/ToDo/{name}")
	assert desk_page.errors == []  # a realtime connection's error included


@pytest.fixture
def reader_and_hidden_todo(server_url):
	"""A Sales User, a ToDo of theirs and one of Administrator's, which Frappe lets them not read (a ToDo
	is read by whom it is allocated to or assigned by)."""
	user = make_user("Sales User")
	update_password(user, ADMIN_PASSWORD)
	own = frappe.get_doc({"doctype": "ToDo", "description": "Mine", "allocated_to": user}).insert()
	hidden = frappe.get_doc({"doctype": "ToDo", "description": "Not theirs"}).insert()
	frappe.db.commit()
	assert frappe.has_permission("ToDo", doc=own.name, user=user)
	assert not frappe.has_permission("ToDo", doc=hidden.name, user=user)
	yield user, own.name, hidden.name
	frappe.db.delete("ToDo", {"name": ("in", [own.name, hidden.name])})
	remove_user(user)
	frappe.db.commit()


def test_a_user_does_not_join_the_room_of_a_document_they_may_not_read(
	server_url, realtime_url, reader_and_hidden_todo
):
	user, own, hidden = reader_and_hidden_todo
	sid = http_session(server_url, user, ADMIN_PASSWORD).cookies["sid"]

	def publish(name):
		return lambda: frappe.publish_realtime(
			"doc_update", {"doctype": "ToDo", "name": name}, doctype="ToDo", docname=name
		)

	async def scenario():
		async with Listener(realtime_url, server_url, {"Cookie": f"sid={sid}"}) as listener:
			await listener.emit("doc_subscribe", "ToDo", hidden)
			await listener.emit("doc_subscribe", "ToDo", own)
			# their own ToDo's room: joined
			assert await listener.publish_until_received(publish(own), "doc_update")
			# the other one's: asked for first, refused by the site, nothing comes
			for _ in range(5):
				publish(hidden)()
			assert [e for e in await listener.events_after(1.5) if e[1].get("name") == hidden] == []

	run(scenario)


def test_a_connection_without_a_session_gets_no_private_room(
	server_url, realtime_url, reader_and_hidden_todo
):
	user, own, _hidden = reader_and_hidden_todo
	website_notice = {"to": "website"}

	async def scenario():
		with pytest.raises(socketio.exceptions.ConnectionError):
			async with Listener(realtime_url, server_url, {}):  # no cookie at all: refused
				pass
		# a cookie that names no session is Frappe's Guest: the public rooms only
		async with Listener(realtime_url, server_url, {"Cookie": "sid=no-such-session"}) as listener:
			await listener.emit("doc_subscribe", "ToDo", own)
			await listener.emit("doctype_subscribe", "ToDo")
			assert await listener.publish_until_received(
				lambda: frappe.publish_realtime("notice", website_notice, room="website"), "notice"
			)
			frappe.publish_realtime("doc_update", {"name": own}, doctype="ToDo", docname=own)
			frappe.publish_realtime("list_update", {"doctype": "ToDo", "name": own})
			frappe.publish_realtime("msgprint", "private", user=user)
			frappe.publish_realtime("msgprint", "private", user="Administrator")
			frappe.publish_realtime("notice", {"to": "desk users"})  # the site room: System Users only
			assert [e for e in await listener.events_after(1.5) if e[1] != website_notice] == []

	run(scenario)


def test_a_page_of_another_host_or_a_namespace_of_no_site_cannot_connect(server_url, realtime_url):
	cookie = {"Cookie": f"sid={http_session(server_url, 'Administrator', ADMIN_PASSWORD).cookies['sid']}"}

	async def scenario():
		with pytest.raises(socketio.exceptions.ConnectionError):
			async with Listener(realtime_url, "http://attacker.test", cookie):
				pass
		with pytest.raises(socketio.exceptions.ConnectionError):
			async with Listener(realtime_url, server_url, cookie, namespace="/no-such-site.localhost"):
				pass
		async with Listener(realtime_url, server_url, cookie) as listener:  # the same, rightly: connected
			assert listener.client.connected

	run(scenario)


def test_a_background_job_shows_its_progress_to_whoever_started_it(server_url, realtime_url, admin_session):
	title = "Rebuilding the customer ledger summary"

	async def scenario():
		cookie = {"Cookie": f"sid={admin_session.cookies['sid']}"}
		async with Listener(realtime_url, server_url, cookie) as listener:
			response = admin_session.post(
				f"{server_url}/api/method/crm_app.api.receivables.rebuild_ledger_summary"
			)
			assert response.status_code == 200, response.text
			worker = await asyncio.to_thread(bench_worker, "long")  # a real worker, as on a site
			assert worker.returncode == 0, worker.stderr
			await asyncio.sleep(2)  # what the worker published is on its way
			progress = [
				data["percent"]
				for event, data in listener.received
				if event == "progress" and data.get("title") == title
			]
			assert progress == [1, 100]  # the bar opens with the job and closes when it ends

	run(scenario)


def test_users_with_the_same_form_open_see_each_other(server_url, realtime_url, reader_and_hidden_todo):
	user, own, _hidden = reader_and_hidden_todo
	cookies = {
		name: {"Cookie": f"sid={http_session(server_url, name, ADMIN_PASSWORD).cookies['sid']}"}
		for name in ("Administrator", user)
	}

	def viewers(listener) -> list[list[str]]:
		return [
			sorted(d["users"]) for e, d in listener.received if e == "doc_viewers" and d["docname"] == own
		]

	async def scenario():
		async with Listener(realtime_url, server_url, cookies["Administrator"]) as admin:
			await admin.emit("doc_open", "ToDo", own)
			async with Listener(realtime_url, server_url, cookies[user]) as reader:
				await reader.emit("doc_open", "ToDo", own)
				deadline = time.monotonic() + 30
				while sorted(["Administrator", user]) not in viewers(admin) and time.monotonic() < deadline:
					await asyncio.sleep(0.2)
				assert sorted(["Administrator", user]) in viewers(admin)
				await reader.emit("doc_close", "ToDo", own)
				await admin.events_after(1)
				assert viewers(admin)[-1] == ["Administrator"]

	run(scenario)
