"""gunicorn entry of `desk.py`'s stock side: dev/wsgi.py's application with crm_app's desk hooks taken
out, so that the customer list, form and group tree are served as stock Frappe serves any doctype:

- no permission_query_conditions / has_permission of the app (Frappe's roles and User Permissions alone),
- no before_request checks, boot_session additions or desk bundle (app_include_js),
- no doctype scripts of the app's doctypes (customer.js with its overview, customer_list.js, the tree
  settings of customer_group_tree.js): the form, list and tree are Frappe's own.

Frappe keeps the form scripts in a cache shared by every server of the site (Redis, "doctype_form_meta"):
this side builds its own copy in the process, so the app's server next to it keeps its scripts. Nothing
of it ships in the app.
"""

import frappe
import frappe.desk.form.meta
from frappe.modules.utils import get_module_app

STRIPPED_HOOKS = (
	"permission_query_conditions",
	"has_permission",
	"before_request",
	"boot_session",
	"app_include_js",
	"app_include_css",
)
APP_SCRIPTS = ("__js", "__list_js", "__tree_js", "__calendar_js", "__css")

_stock_get_hooks = frappe.get_hooks


def _without_app(value):
	if isinstance(value, dict):
		return {key: _without_app(entries) for key, entries in value.items()}
	if isinstance(value, list):
		return [entry for entry in value if not (isinstance(entry, str) and entry.startswith("crm_app"))]
	return value


def get_hooks(hook=None, default="_KEEP_DEFAULT_LIST", app_name=None):
	hooks = _stock_get_hooks(hook, default, app_name)
	if hook:
		return _without_app(hooks) if hook in STRIPPED_HOOKS else hooks
	return frappe._dict(
		{key: _without_app(value) if key in STRIPPED_HOOKS else value for key, value in hooks.items()}
	)


_form_metas: dict[tuple[str, str], frappe.desk.form.meta.FormMeta] = {}


def get_meta(doctype, cached=True):
	"""The form meta without the app's scripts, cached in this process only."""
	key = (frappe.local.site, doctype)
	if key not in _form_metas:
		meta = frappe.desk.form.meta.FormMeta(doctype, cached=False)
		if not meta.custom and get_module_app(meta.module) == "crm_app":
			for field in APP_SCRIPTS:
				meta.set(field, None)
		_form_metas[key] = meta
	meta = _form_metas[key]
	if frappe.local.lang != "en":
		meta.set_translations(frappe.local.lang)
	return meta


frappe.get_hooks = get_hooks
frappe.desk.form.meta.get_meta = get_meta

from wsgi import application  # dev/wsgi.py, on gunicorn's --pythonpath

__all__ = ["application"]
