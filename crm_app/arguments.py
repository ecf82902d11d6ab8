"""Arguments of the app's whitelisted methods: refused with a translated 4xx when missing, unknown or
malformed, instead of a Python TypeError (a 500) or being silently dropped.

Frappe checks the types of annotated arguments itself (FrappeTypeError, 417) and drops the keys a method
does not take; `strict_arguments`, placed under `@frappe.whitelist()`, adds the rest:

	@frappe.whitelist()
	@strict_arguments
	def get_statistics(fiscal_year: str, customer_group: str | None = None): ...
"""

import functools
import inspect
import json

import frappe
from frappe import _

# what Frappe's desk and REST handlers put into form_dict besides the method's own arguments
FRAMEWORK_KEYS = {"cmd", "_", "_lang", "csrf_token", "data", "freeze", "freeze_message", "_type"}


class InvalidArgumentError(frappe.ValidationError):
	pass


class UnknownArgumentError(InvalidArgumentError):
	pass


class MalformedJSONError(InvalidArgumentError):
	pass


class MissingArgumentError(frappe.MandatoryError):
	pass


def strict_arguments(fn):
	signature = inspect.signature(fn)
	params = signature.parameters
	takes_any = any(p.kind == inspect.Parameter.VAR_KEYWORD for p in params.values())
	required = [
		name
		for name, p in params.items()
		if p.default is inspect.Parameter.empty
		and p.kind not in (inspect.Parameter.VAR_KEYWORD, inspect.Parameter.VAR_POSITIONAL)
	]
	path = f"{fn.__module__}.{fn.__qualname__}"

	@functools.wraps(fn)
	def checked(*args, **kwargs):
		if not takes_any and _called_over_http(path):
			unknown = sorted(set(frappe.local.form_dict) - set(params) - FRAMEWORK_KEYS)
			if unknown:
				frappe.throw(
					_("Unknown arguments: {0}. This method takes: {1}").format(
						", ".join(unknown), ", ".join(params) or _("none")
					),
					UnknownArgumentError,
				)
		given = dict(zip(params, args, strict=False)) | kwargs
		missing = [name for name in required if given.get(name) in (None, "")]
		if missing:
			frappe.throw(_("Missing arguments: {0}").format(", ".join(missing)), MissingArgumentError)
		return fn(*args, **kwargs)

	return checked


def _called_over_http(path: str) -> bool:
	"""Whether this request calls the method itself (not a report or another method that uses it)."""
	request = getattr(frappe.local, "request", None)
	if not request:
		return False
	return frappe.local.form_dict.get("cmd") == path or request.path.rstrip("/").endswith(f"/{path}")


def json_value(value, argument: str):
	"""A JSON argument as sent in a query string or form (text) or a JSON body (already parsed)."""
	if not isinstance(value, str):
		return value
	try:
		return json.loads(value)
	except ValueError:
		frappe.throw(_("{0} is not valid JSON").format(argument), MalformedJSONError)


def json_object(value, argument: str) -> dict:
	"""A JSON object argument (field -> value)."""
	value = json_value(value, argument)
	if not isinstance(value, dict):
		frappe.throw(
			_("{0} must be a JSON object (field: value), not {1}").format(argument, _kind(value)),
			InvalidArgumentError,
		)
	return value


def name_list(value, argument: str) -> list[str]:
	"""A name, or a JSON list of names."""
	if isinstance(value, str) and not value.strip().startswith(("[", "{")) and value != "null":
		value = [value]
	value = json_value(value, argument)
	if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
		frappe.throw(
			_("{0} must be a name or a list of names, not {1}").format(argument, _kind(value)),
			InvalidArgumentError,
		)
	return value


def _kind(value) -> str:
	if value is None:
		return "null"
	return {dict: _("an object"), list: _("a list"), str: _("a text")}.get(type(value), type(value).__name__)


def one_of(value, argument: str, allowed) -> None:
	if value not in allowed:
		frappe.throw(
			_("{0} must be one of {1}").format(argument, ", ".join(allowed)),
			InvalidArgumentError,
		)


def readable_customers(customers) -> list[str]:
	"""A name or a JSON list of customer names, every one of them readable by the caller (a 404 naming
	the others); returns the readable names."""
	names = name_list(customers, "customers")
	readable = frappe.get_list("Customer", filters={"name": ("in", names)}, pluck="name") if names else []
	missing = sorted(set(names) - set(readable))
	if missing:
		frappe.throw(
			_("No such customer, or not yours to read: {0}").format(", ".join(missing)),
			frappe.DoesNotExistError,
		)
	return readable
