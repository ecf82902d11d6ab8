# Copyright (c) 2026, crm_app contributors and Contributors
# See license.txt

# import frappe
from frappe.tests.utils import FrappeTestCase


class TestCompany(FrappeTestCase):
	pass
