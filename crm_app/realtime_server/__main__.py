"""`python -m crm_app.realtime_server`, run from the bench's sites folder.

The port, the Redis and the web server's address default to the bench's configuration
(common_site_config.json: `socketio_port`, `redis_queue`, `webserver_port`).
"""

import argparse
import json
import logging
import os

from aiohttp import web

from crm_app.realtime_server.server import RealtimeServer


def bench_config(sites_path: str) -> dict:
	path = os.path.join(sites_path, "common_site_config.json")
	if not os.path.exists(path):
		return {}
	with open(path) as file:
		return json.load(file)


def main(argv=None) -> None:
	parser = argparse.ArgumentParser(prog="python -m crm_app.realtime_server", description=__doc__)
	parser.add_argument("--sites-path", default=".", help="the bench's sites folder (default: here)")
	parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
	parser.add_argument("--port", type=int, help="port to listen on (default: socketio_port, else 9000)")
	parser.add_argument("--web-url", help="the Frappe web server (default: http://127.0.0.1:webserver_port)")
	parser.add_argument("--redis-url", help="the Redis Frappe publishes on (default: redis_queue)")
	args = parser.parse_args(argv)

	config = bench_config(args.sites_path)
	port = args.port or config.get("socketio_port") or 9000
	web_url = args.web_url or f"http://127.0.0.1:{config.get('webserver_port') or 8000}"
	redis_url = args.redis_url or config.get("redis_queue") or "redis://127.0.0.1:6379"
	logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
	server = RealtimeServer(os.path.abspath(args.sites_path), web_url, redis_url)
	web.run_app(server.app(), host=args.host, port=int(port), print=lambda *_: None, access_log=None)


if __name__ == "__main__":
	main()
