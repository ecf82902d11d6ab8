"""Where Frappe's API differs between the versions the app runs on (v15 and v16), the one place that knows.

Everything else imports from here instead of testing versions itself.
"""

import contextlib
import functools
import inspect
import os
import threading

import frappe

# hooks.py imports this module: what it needs of Frappe beyond `frappe` is imported where it is used


# What a has_permission hook returns to leave a document to the roles' rules: v15 reads None as "no
# opinion" (True would also skip the other apps' hooks), v16 reads None as a refusal. Hooks run on every
# permission check: decided once.
NO_OBJECTION = True if int(frappe.__version__.split(".")[0]) >= 16 else None


def frappe_rebuild_tree(doctype: str) -> None:
	"""Frappe's own rebuild of a tree's lft/rgt: v15 also takes the parent field, v16 reads it from the meta."""
	from frappe.utils.nestedset import rebuild_tree

	if len(inspect.signature(rebuild_tree).parameters) > 1:
		parent_field = frappe.get_meta(doctype).get("nsm_parent_field") or f"parent_{frappe.scrub(doctype)}"
		rebuild_tree(doctype, parent_field)
	else:
		rebuild_tree(doctype)


def desk_prefix() -> str:
	"""The desk's path: `/app` up to early v16 development, `/desk` in v16, where `/app` only redirects."""
	from frappe import hooks

	for redirect in getattr(hooks, "website_redirects", []):
		if redirect.get("source", "").startswith("/desk") and redirect.get("target", "").startswith("/app"):
			return "/app"
	www = os.path.join(os.path.dirname(frappe.__file__), "www")
	if not os.path.exists(os.path.join(www, "app.py")) and os.path.exists(os.path.join(www, "desk.py")):
		return "/desk"
	return "/app"


def desk_url(route: str) -> str:
	"""A desk path for a route such as `customer-group/view/tree` or `crm`."""
	return f"{desk_prefix()}/{route.lstrip('/')}"


def prepared_report_timers(report_module: str) -> list[threading.Timer]:
	"""Frappe 15.x's pending timers that will mark a report as a background ("prepared") report, the report
	named by its module (a standard report's module is its scrubbed name)."""
	return [
		thread
		for thread in threading.enumerate()
		if isinstance(thread, threading.Timer)
		and getattr(thread.function, "__name__", "") == "enable_prepared_report"
		and frappe.scrub(thread.kwargs.get("report") or "") == report_module
		and not thread.finished.is_set()
	]


def report_refusals_stay_live(execute):
	"""For a script report's execute: Frappe 15.x starts a timer that marks the report as a background
	report 15 s later unless execute returns; a refused filter raises, the timer ran on, and the report
	became a background report for everyone. v16 cancels it itself; here it is cancelled on the way out
	of a refusal."""
	report_module = execute.__module__.rsplit(".", 1)[-1]

	@functools.wraps(execute)
	def checked(filters=None):
		try:
			return execute(filters)
		except Exception:
			for timer in prepared_report_timers(report_module):
				timer.cancel()
			raise

	return checked


def refuse_malformed_json_bodies(refuse) -> None:
	"""Frappe parses a JSON request body (frappe.app.make_form_dict) before any before_request hook runs,
	and answers one it cannot parse with a 500 (frappe/frappe#34167, v15 and v16): `refuse(request)`, which
	raises a 4xx, is called instead. Set once per process, from the app's first before_request (a worker's
	very first request comes before any app code)."""
	import frappe.app

	if getattr(frappe.app.make_form_dict, "refuse", None) is refuse:
		return
	parse = getattr(frappe.app.make_form_dict, "__wrapped__", frappe.app.make_form_dict)

	@functools.wraps(parse)
	def make_form_dict(request):
		try:
			return parse(request)
		except ValueError:  # json's and orjson's JSONDecodeError
			refuse(request)
			raise

	make_form_dict.refuse = refuse
	frappe.app.make_form_dict = make_form_dict


def list_match_conditions(doctype: str, user: str) -> str:
	"""The SQL condition a list view of doctype applies for user (role rights, user permissions, the apps'
	permission query conditions). Frappe has no public function for it: its list query's own builder is
	used, which v15 and v16 both have."""
	from frappe.model.db_query import DatabaseQuery

	return DatabaseQuery(doctype, user=user).build_match_conditions() or ""


def keep_unset_on_insert(doc, *fieldnames: str) -> None:
	"""A new document's fields left as the caller gave them on insert: Frappe fills a field missing at
	insert from the user's or global defaults (a `company` field takes the default company); listed in the
	document's `dont_update_if_missing` (v15 and v16), it is left empty."""
	doc.dont_update_if_missing.extend(f for f in fieldnames if f not in doc.dont_update_if_missing)


@contextlib.contextmanager
def separate_transaction():
	"""A second connection to the site's database for the block, committed at its end whatever becomes of
	the request's own transaction (a record of a refusal outlives the refusal's rollback). `frappe.db` is
	that connection inside the block: write with `db_insert` only, never read what the request has not
	committed. v16's `get_db` also takes the socket and the database name, v15's does not."""
	from frappe.database import get_db

	conf = frappe.conf
	arguments = {
		"host": conf.db_host,
		"port": conf.db_port,
		"user": conf.get("db_user") or conf.db_name,
		"password": conf.db_password,
	}
	accepted = inspect.signature(get_db).parameters
	if "socket" in accepted:
		arguments["socket"] = conf.get("db_socket")
	if "cur_db_name" in accepted:
		arguments["cur_db_name"] = conf.db_name
	own = get_db(**arguments)
	request_db = frappe.local.db
	frappe.local.db = own
	try:
		own.connect()
		yield own
		own.commit()
	except Exception:
		own.rollback()
		raise
	finally:
		frappe.local.db = request_db
		own.close()


def read_only(function):
	"""`function` reads from the site's read replica when the site has one (`read_from_replica`, with
	`replica_host` and `replica_db_port`), as Frappe's reports and list views do: for a call that never
	writes (a write on a read-only replica fails). Frappe's `read_only()` wrapper hides the function's name
	and signature, which the app's argument checks and whitelist read: they stay visible here. A Frappe
	without the wrapper runs the function on the primary."""
	switching = getattr(frappe, "read_only", None)
	if switching is None:
		return function
	on_replica = switching()(function)

	@functools.wraps(function)
	def wrapper(*args, **kwargs):
		return on_replica(*args, **kwargs)

	return wrapper
