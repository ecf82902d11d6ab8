"""WSGI entry point for gunicorn: Frappe plus the /assets and /files it would serve under `bench serve`.

Run from the bench's sites folder. Requests whose Host names no site go to CRM_DEFAULT_SITE, so that
http://127.0.0.1:8000 opens the development site.
"""

import os

import frappe.app
from frappe.middlewares import StaticDataMiddleware
from werkzeug.middleware.shared_data import SharedDataMiddleware

from crm_app import compat, input_checks

SITES_PATH = os.path.abspath(".")
DEFAULT_SITE = os.environ.get("CRM_DEFAULT_SITE")


def route_to_site(app):
	def wsgi(environ, start_response):
		host = environ.get("HTTP_HOST", "").split(":")[0]
		if DEFAULT_SITE and not os.path.isdir(os.path.join(SITES_PATH, host)):
			environ["HTTP_X_FRAPPE_SITE_NAME"] = DEFAULT_SITE
		return app(environ, start_response)

	return wsgi


# Frappe parses a request's JSON body before the app's first before_request has run in a worker: the
# refusal of a malformed body is put in place here, so that a worker's very first request has it too (on
# another server, the app's first before_request puts it in place)
compat.refuse_malformed_json_bodies(input_checks.refuse_malformed_body)

application = SharedDataMiddleware(frappe.app.application, {"/assets": os.path.join(SITES_PATH, "assets")})
application = StaticDataMiddleware(application, {"/files": SITES_PATH})
application = route_to_site(application)
