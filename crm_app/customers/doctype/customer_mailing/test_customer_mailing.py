# Copyright (c) 2026, crm_app contributors and Contributors
# See license.txt

# import frappe
from crm_app.compat import integration_test_case


class TestCustomerMailing(integration_test_case()):
	pass
