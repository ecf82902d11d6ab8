"""gunicorn entry of `concurrent_writes.py`'s stock side: dev/wsgi.py's application, with the app's tree
controllers built on Frappe's own NestedSet writes (no tree lock, update_nsm on the values the request
read) instead of crm_app.trees.TreeNode, their own checks unchanged.

The controllers subclass `crm_app.trees.TreeNode` when their module is first imported, which gunicorn's
workers do at their first request: rebinding the name here, before that, is enough, and nothing of it
ships in the app.
"""

import sys

from frappe.utils.nestedset import NestedSet

import crm_app.trees


class StockTreeNode(NestedSet):
	single_root = True

	@property
	def allow_root_deletion(self):
		# Frappe's on_trash reads this; the app's trees refuse to delete the root of a one-root tree
		return not self.single_root

	def before_insert(self):
		pass  # the customer controller calls it: TreeNode takes the tree's lock there, the stock way nothing


if any(".doctype." in name and name.startswith("crm_app.") for name in sys.modules):
	raise RuntimeError("a crm_app controller was imported before its tree class could be replaced")
crm_app.trees.TreeNode = StockTreeNode

from wsgi import application  # dev/wsgi.py, on gunicorn's --pythonpath: after the rebinding

__all__ = ["application"]
