"""The realtime (socket.io) server of a bench, in Python: what Frappe's Node server (`apps/frappe/realtime`)
does, for benches installed without it.

It speaks the protocol of the desk's socket.io client (Socket.IO 5 / Engine.IO 4, socket.io-client 4.x):
one namespace per site (`/<site name>`), a connection authenticated by asking the site who its `sid` cookie
(or Authorization header) belongs to, the rooms Frappe's `publish_realtime` names (`user:<user>`, `all`,
`website`, `doctype:<doctype>`, `doc:<doctype>/<name>`, `task_progress:<task id>`), joined only once the
site said the user may read what the room is about. What Frappe publishes on Redis's `events` channel goes
to the room it names.

Run it from the bench's sites folder: `python -m crm_app.realtime_server --web-url http://127.0.0.1:8000`
(the port is the bench's `socketio_port`).
"""
