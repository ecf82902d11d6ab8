"""Room names, as Frappe's `frappe.realtime` publishes to them."""

SITE_ROOM = "all"  # every desk (System) user of the site
WEBSITE_ROOM = "website"  # everyone connected, website visitors included


def user_room(user: str) -> str:
	return f"user:{user}"


def doctype_room(doctype: str) -> str:
	return f"doctype:{doctype}"


def doc_room(doctype: str, name: str) -> str:
	return f"doc:{doctype}/{name}"


def open_doc_room(doctype: str, name: str) -> str:
	"""Who has the form open: the desk shows them to each other."""
	return f"open_doc:{doctype}/{name}"


def task_room(task_id: str) -> str:
	return f"task_progress:{task_id}"
