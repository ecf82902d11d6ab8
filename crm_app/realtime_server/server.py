"""The socket.io server: authentication, the rooms a client asks to join, and the relay of what Frappe
publishes on Redis.

Every decision about a user is the site's: who a `sid` is (`frappe.realtime.get_user_info`), whether they may
read a doctype or a document (`frappe.realtime.can_subscribe_doctype` / `can_subscribe_doc`), asked over
HTTP of the web server with the client's own credentials, as Frappe's Node server does.
"""

import asyncio
import json
import logging
import os
from http.cookies import CookieError, SimpleCookie
from urllib.parse import urlsplit

import aiohttp
import redis.asyncio as aioredis
import socketio
from aiohttp import web

from crm_app.realtime_server import rooms

log = logging.getLogger("crm_app.realtime_server")

EVENTS_CHANNEL = "events"  # where frappe.realtime.emit_via_redis publishes
SITE_REQUEST_TIMEOUT = aiohttp.ClientTimeout(total=30)
METHOD_MISSING = 417  # Frappe's answer to a method it does not have ("Failed to get method")


def hostname(value: str | None) -> str | None:
	"""The host name of a URL or of a Host header, without port."""
	if not value:
		return None
	if "://" in value:
		return urlsplit(value).hostname
	return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def credentials_of(environ: dict) -> dict[str, str]:
	"""The headers that say who the client is to Frappe: its Authorization header, else its sid cookie."""
	if environ.get("HTTP_AUTHORIZATION"):
		return {"Authorization": environ["HTTP_AUTHORIZATION"]}
	cookies = SimpleCookie()
	try:
		cookies.load(environ.get("HTTP_COOKIE") or "")
	except CookieError:
		return {}
	sid = cookies.get("sid")
	return {"Cookie": f"sid={sid.value}"} if sid and sid.value else {}


class RealtimeServer:
	def __init__(self, sites_path: str, web_url: str, redis_url: str):
		self.sites_path = sites_path
		self.web_url = web_url.rstrip("/")
		self.redis_url = redis_url
		self.http: aiohttp.ClientSession | None = None
		self.sio = socketio.AsyncServer(
			async_mode="aiohttp",
			namespaces="*",  # one per site, checked on connection
			cors_allowed_origins=self.same_host,
			cors_credentials=True,
		)
		handlers = {
			"connect": self.connect,
			"disconnect": self.disconnect,
			"doctype_subscribe": self.doctype_subscribe,
			"doctype_unsubscribe": self.doctype_unsubscribe,
			"task_subscribe": self.task_subscribe,
			"progress_subscribe": self.task_subscribe,
			"task_unsubscribe": self.task_unsubscribe,
			"doc_subscribe": self.doc_subscribe,
			"doc_unsubscribe": self.doc_unsubscribe,
			"doc_open": self.doc_open,
			"doc_close": self.doc_close,
		}
		for event, handler in handlers.items():
			self.sio.on(event, handler, namespace="*")

	def app(self) -> web.Application:
		app = web.Application()
		self.sio.attach(app)
		app.on_startup.append(self.start)
		app.on_cleanup.append(self.stop)
		return app

	async def start(self, _app) -> None:
		self.http = aiohttp.ClientSession(timeout=SITE_REQUEST_TIMEOUT)
		self.relay_task = asyncio.create_task(self.relay_events())

	async def stop(self, _app) -> None:
		self.relay_task.cancel()
		await self.http.close()

	@staticmethod
	def same_host(origin: str | None, environ: dict) -> bool:
		# a page of another site must not open a connection with this site's cookies
		return bool(origin) and hostname(origin) == hostname(environ.get("HTTP_HOST"))

	def is_site(self, site: str) -> bool:
		return (
			bool(site)
			and "/" not in site
			and not site.startswith(".")
			and os.path.isfile(os.path.join(self.sites_path, site, "site_config.json"))
		)

	async def ask_site(self, site: str, credentials: dict, method: str, **params) -> tuple[int, object]:
		"""Call a whitelisted method of the site as the client: its HTTP status and `message`."""
		headers = {**credentials, "Host": site, "X-Frappe-Site-Name": site}
		try:
			async with self.http.get(
				f"{self.web_url}/api/method/{method}", params=params, headers=headers
			) as response:
				body = await response.json(content_type=None) if response.status == 200 else {}
				return response.status, (body or {}).get("message")
		except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
			log.warning("%s did not answer %s: %s", site, method, error)
			return 0, None

	# -- connection --------------------------------------------------------------------------------

	async def connect(self, namespace: str, sid: str, environ: dict, auth=None):
		site = namespace.lstrip("/")
		if not self.is_site(site):
			raise socketio.exceptions.ConnectionRefusedError("Invalid namespace")
		if not self.same_host(environ.get("HTTP_ORIGIN"), environ):
			raise socketio.exceptions.ConnectionRefusedError("Invalid origin")
		credentials = credentials_of(environ)
		if not credentials:
			raise socketio.exceptions.ConnectionRefusedError(
				"No authentication method used. Use cookie or authorization header."
			)
		status, info = await self.ask_site(site, credentials, "frappe.realtime.get_user_info")
		if status != 200 or not isinstance(info, dict) or not info.get("user"):
			raise socketio.exceptions.ConnectionRefusedError("Unauthorized")
		await self.sio.save_session(
			sid,
			{
				"site": site,
				"user": info["user"],
				"user_type": info.get("user_type"),
				"credentials": credentials,
				"open_docs": set(),
			},
			namespace=namespace,
		)
		await self.sio.enter_room(sid, rooms.user_room(info["user"]), namespace=namespace)
		await self.sio.enter_room(sid, rooms.WEBSITE_ROOM, namespace=namespace)
		if info.get("user_type") == "System User":
			await self.sio.enter_room(sid, rooms.SITE_ROOM, namespace=namespace)

	async def disconnect(self, namespace: str, sid: str, *_reason):
		session = await self.session(namespace, sid)
		for doctype, name in (session or {}).get("open_docs", ()):
			await self.notify_viewers(namespace, doctype, name, leaving=sid)

	async def session(self, namespace: str, sid: str) -> dict | None:
		try:
			return await self.sio.get_session(sid, namespace=namespace)
		except KeyError:  # disconnected meanwhile
			return None

	async def may_read(self, session: dict, doctype: str, name: str | None = None) -> bool:
		"""Whether the site lets the client read the doctype (or that document of it)."""
		site, credentials = session["site"], session["credentials"]
		if name is None:
			status, _ = await self.ask_site(
				site, credentials, "frappe.realtime.can_subscribe_doctype", doctype=doctype
			)
		else:
			status, _ = await self.ask_site(
				site, credentials, "frappe.realtime.can_subscribe_doc", doctype=doctype, docname=name
			)
		if status == METHOD_MISSING:
			# later Frappe versions ask one method for both (its document argument is `name` in some,
			# `id` in others: Frappe passes a method only the arguments it takes)
			status, _ = await self.ask_site(
				site,
				credentials,
				"frappe.realtime.has_permission",
				doctype=doctype,
				name=name or "",
				id=name or "",
			)
		return status == 200

	async def join_if_readable(self, namespace: str, sid: str, room: str, doctype: str, name=None) -> bool:
		"""Join the room if the site says the client may read what it is about."""
		session = await self.session(namespace, sid)
		if not session or not await self.may_read(session, doctype, name):
			return False
		try:
			await self.sio.enter_room(sid, room, namespace=namespace)
		except (KeyError, ValueError):  # disconnected while the site answered
			return False
		return True

	# -- what the desk asks ------------------------------------------------------------------------

	async def doctype_subscribe(self, namespace: str, sid: str, doctype=None, *_):
		if isinstance(doctype, str) and doctype:
			await self.join_if_readable(namespace, sid, rooms.doctype_room(doctype), doctype)

	async def doctype_unsubscribe(self, namespace: str, sid: str, doctype=None, *_):
		if isinstance(doctype, str):
			await self.sio.leave_room(sid, rooms.doctype_room(doctype), namespace=namespace)

	async def task_subscribe(self, namespace: str, sid: str, task_id=None, *_):
		# a task's id is known only to whoever started it (Frappe's server asks nothing either)
		if isinstance(task_id, str) and task_id:
			await self.sio.enter_room(sid, rooms.task_room(task_id), namespace=namespace)

	async def task_unsubscribe(self, namespace: str, sid: str, task_id=None, *_):
		if isinstance(task_id, str):
			await self.sio.leave_room(sid, rooms.task_room(task_id), namespace=namespace)

	async def doc_subscribe(self, namespace: str, sid: str, doctype=None, name=None, *_):
		if is_doc(doctype, name):
			await self.join_doc(namespace, sid, rooms.doc_room(doctype, str(name)), doctype, name)

	async def doc_unsubscribe(self, namespace: str, sid: str, doctype=None, name=None, *_):
		if is_doc(doctype, name):
			await self.sio.leave_room(sid, rooms.doc_room(doctype, str(name)), namespace=namespace)

	async def doc_open(self, namespace: str, sid: str, doctype=None, name=None, *_):
		if not is_doc(doctype, name):
			return
		name = str(name)
		if await self.join_doc(namespace, sid, rooms.open_doc_room(doctype, name), doctype, name):
			session = await self.session(namespace, sid)
			if session:
				session["open_docs"].add((doctype, name))
				await self.sio.save_session(sid, session, namespace=namespace)
			await self.notify_viewers(namespace, doctype, name)

	async def doc_close(self, namespace: str, sid: str, doctype=None, name=None, *_):
		if not is_doc(doctype, name):
			return
		name = str(name)
		await self.sio.leave_room(sid, rooms.open_doc_room(doctype, name), namespace=namespace)
		session = await self.session(namespace, sid)
		if session:
			session["open_docs"].discard((doctype, name))
			await self.sio.save_session(sid, session, namespace=namespace)
		await self.notify_viewers(namespace, doctype, name)

	async def join_doc(self, namespace: str, sid: str, room: str, doctype: str, name) -> bool:
		return await self.join_if_readable(namespace, sid, room, doctype, str(name))

	async def notify_viewers(self, namespace: str, doctype: str, name: str, leaving: str | None = None):
		"""Tell the users who have the form open who else has it open."""
		room = rooms.open_doc_room(doctype, name)
		users = []
		for participant, _eio_sid in list(self.sio.manager.get_participants(namespace, room)):
			session = participant != leaving and await self.session(namespace, participant)
			if session and session["user"] not in users:
				users.append(session["user"])
		if users:
			await self.sio.emit(
				"doc_viewers",
				{"doctype": doctype, "docname": name, "users": users},
				room=room,
				namespace=namespace,
				skip_sid=leaving,
			)

	# -- what Frappe publishes -----------------------------------------------------------------------

	async def relay_events(self) -> None:
		"""Forward every event Frappe publishes on Redis to its site's room; reconnects if Redis goes."""
		while True:
			client = aioredis.from_url(self.redis_url)
			try:
				pubsub = client.pubsub()
				await pubsub.subscribe(EVENTS_CHANNEL)
				log.info("listening to %s on %s", EVENTS_CHANNEL, self.redis_url)
				async for message in pubsub.listen():
					if message.get("type") == "message":
						await self.relay(message["data"])
			except asyncio.CancelledError:
				raise
			except (aioredis.RedisError, OSError) as error:
				log.warning("Redis connection lost (%s): reconnecting", error)
				await asyncio.sleep(1)
			finally:
				await client.close()

	async def relay(self, data: bytes | str) -> None:
		try:
			event = json.loads(data)
			namespace = "/" + event["namespace"]
			name = event["event"]
		except (ValueError, KeyError, TypeError):
			log.warning("not a Frappe event: %r", data[:200])
			return
		if namespace not in self.sio.manager.rooms:
			return  # nobody of that site is connected (Redis's channels are shared by every database)
		await self.sio.emit(name, event.get("message"), room=event.get("room"), namespace=namespace)


def is_doc(doctype, name) -> bool:
	return isinstance(doctype, str) and bool(doctype) and isinstance(name, str | int) and name != ""
