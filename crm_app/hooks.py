from crm_app.compat import desk_url
from crm_app.trees import TREE_DOCTYPES

app_name = "crm_app"
app_title = "CRM App"
app_publisher = "crm_app contributors"
app_description = "Customer master data: customers, customer groups, territories and sales targets as trees"
app_email = "crm-app@example.com"
app_license = "MIT"

# Desk code shared by the forms (customer quick entry, values in force)
app_include_js = "crm_app.bundle.js"
required_apps = []

# The apps screen (Frappe v16) opens the CRM workspace; older versions ignore this hook
add_to_apps_screen = [
	{"name": app_name, "logo": "/assets/crm_app/images/crm_app.svg", "title": "CRM", "route": desk_url("crm")}
]

# A user's Dashboard Settings exist before the workspace's chart asks for them
on_session_creation = ["crm_app.desk.ensure_dashboard_settings"]
# the reports' default fiscal year, known when the desk loads
boot_session = "crm_app.desk.boot_session"

# Seed records (root groups and territories) after install and after every migrate
after_install = "crm_app.install.after_install"
after_migrate = "crm_app.install.after_migrate"
# A first company in the wizard's currency when the app is installed before the setup wizard runs
setup_wizard_complete = "crm_app.install.after_setup_wizard"

export_python_type_annotations = True
# v16 refuses an API method with a parameter that has no type (Frappe checks the arguments against them)
require_type_annotated_api_methods = True

# A user limited to some customers (User Permission on Customer, Customer Group or Territory) reads only
# their invoices, payments, adjustments and ledger rows
permission_query_conditions = {
	"Customer": "crm_app.permissions.customer_conditions",
	"Sales Invoice": "crm_app.permissions.sales_invoice_conditions",
	"Payment Entry": "crm_app.permissions.payment_entry_conditions",
	"Customer Adjustment": "crm_app.permissions.customer_adjustment_conditions",
	"Customer Ledger Entry": "crm_app.permissions.ledger_entry_conditions",
	"Customer Balance": "crm_app.permissions.customer_balance_conditions",
	"Customer Due Amount": "crm_app.permissions.customer_due_amount_conditions",
	# projects: a scoped user reads its customers' projects, tasks and timesheets only
	"Project": "crm_app.permissions.project_conditions",
	"Task": "crm_app.permissions.task_conditions",
	"Timesheet": "crm_app.permissions.timesheet_conditions",
	# selling
	"Sales Order": "crm_app.permissions.sales_order_conditions",
	"Quotation": "crm_app.permissions.quotation_conditions",
	"Opportunity": "crm_app.permissions.opportunity_conditions",
	# credit control
	"Credit Control Decision": "crm_app.permissions.credit_decision_conditions",
}
has_permission = {
	"Customer": "crm_app.permissions.has_customer_permission",
	**{
		doctype: "crm_app.permissions.has_customer_document_permission"
		for doctype in (
			"Sales Invoice",
			"Payment Entry",
			"Customer Adjustment",
			"Customer Ledger Entry",
			"Customer Balance",
			"Customer Due Amount",
			"Credit Control Decision",
			# projects
			"Project",
			"Task",
			"Timesheet",
		)
	},
	# selling
	**{
		doctype: "crm_app.permissions.has_customer_document_permission"
		for doctype in ("Sales Order", "Quotation", "Opportunity")
	},
}

# Unpaid invoices past their due date become Overdue
scheduler_events = {
	"daily": [
		"crm_app.receivables.settlement.update_overdue_statuses",
		# overdue amounts grow with the date alone: automatic segments are refreshed each day
		"crm_app.customers.segment_members.enqueue_refresh_all",
		# statements and payment reminders sent on a schedule
		"crm_app.customers.mailings.send_scheduled",
		# projects: tasks past their expected end date become Overdue (one statement)
		"crm_app.projects.tasks.mark_overdue_tasks",
		# selling: open quotations past their valid till date become Expired
		"crm_app.selling.quotations.expire_quotations",
	]
}

# a segment's members and history name customers and segments without holding them back from deletion
ignore_links_on_delete = ["Customer Segment Member", "Customer Segment Log"]

# What Frappe parses or puts into SQL for the app's doctypes and methods (a REST body, a list query's
# fields, filters and order) is checked before it does
before_request = ["crm_app.input_checks.check_request"]

# Sales targets count invoice lines as invoices are submitted and cancelled. A saved customer or tree node
# announces what changed (crm_app.announcements); the reactions are listed in crm_events below
doc_events = {
	"Customer": {
		# receivables: a credit limit is never set below what the customer owes
		"validate": "crm_app.receivables.credit_limits.validate_limits_cover_outstanding",
		"on_update": "crm_app.announcements.customer_saved",
		"on_trash": "crm_app.announcements.customer_trashed",
	},
	# a customer's address changes the customer (segment rules read its billing address)
	"Address": {
		"on_update": "crm_app.announcements.address_saved",
		"after_delete": "crm_app.announcements.address_saved",
	},
	"Sales Invoice": {
		"on_submit": [
			"crm_app.sales_targets.actuals.on_invoice_submit",
			# selling: the orders an invoice bills (locked before it is written, counted after)
			"crm_app.selling.orders.update_billing",
		],
		"on_cancel": [
			"crm_app.sales_targets.actuals.on_invoice_cancel",
			"crm_app.selling.orders.update_billing",
		],
		"before_submit": "crm_app.selling.orders.check_invoice_against_orders",
		"before_cancel": "crm_app.selling.orders.lock_orders",
	},
	**{
		# a customer's move (another head office) is announced as a change of that customer
		doctype: {"on_update": "crm_app.announcements.tree_node_saved"}
		for doctype in TREE_DOCTYPES
		if doctype != "Customer"
	},
	# bad values of this app's doctypes refused with a clear 4xx before naming, before the controller's
	# validate, and again before the write (for what validate computed)
	"*": {
		event: "crm_app.input_checks.on_document_event"
		for event in (
			"before_insert",
			"before_validate",
			"before_save",
			"before_submit",
			"before_update_after_submit",
		)
	},
}

# Credit control (crm_app.receivables.credit_control): what a customer owes besides the ledger (open orders
# not yet billed), f(customers, company, currency, doc) -> amount, not counting doc nor what doc bills
credit_commitments = ["crm_app.selling.commitments.open_orders"]

# Who reacts to what the app announces (crm_app.events: a save, an import, a posting), in this order
crm_events = {
	"customers_changed": [
		"crm_app.customers.segment_members.on_customers_changed",
		"crm_app.customers.leads.mark_leads_converted",
	],
	"customers_deleted": [
		"crm_app.customers.segment_members.on_customers_deleted",
		"crm_app.customers.membership.on_customers_deleted",
	],
	"ledger_posted": ["crm_app.customers.segment_members.on_ledger_posted"],
	"tree_nodes_moved": ["crm_app.sales_targets.actuals.on_tree_nodes_moved"],
}

# The customer's 360 view (issue 21, crm_app.customers.overview composes it): each domain lists its blocks
# (block(customers) -> dict | None, one aggregate query each) and its activity history sources; other
# domains (selling, projects) add theirs here
customer_overview_blocks = [
	"crm_app.receivables.overview.credit_block",
	"crm_app.receivables.overview.ageing_block",
	"crm_app.receivables.overview.national_account_block",
	"crm_app.customers.overview.segments_block",
	"crm_app.customers.overview.todos_block",
	"crm_app.customers.overview.contacts_block",
	"crm_app.receivables.overview.invoices_block",
	"crm_app.receivables.overview.payments_block",
	"crm_app.customers.overview.files_block",
	# projects
	"crm_app.projects.overview.projects_block",
	"crm_app.projects.overview.tasks_block",
	# selling
	"crm_app.selling.overview.orders_block",
	"crm_app.selling.overview.quotations_block",
]
customer_activity_sources = [
	"crm_app.receivables.overview.invoices_activity",
	"crm_app.receivables.overview.payments_activity",
	"crm_app.customers.activity.communications_source",
	"crm_app.customers.activity.versions_source",
	"crm_app.customers.activity.comments_source",
	# selling
	"crm_app.selling.overview.quotations_activity",
	"crm_app.selling.overview.orders_activity",
]
# the new documents that show their customer's overdue or frozen banner (any doctype with a `customer`
# field)
customer_banner_doctypes = ["Sales Invoice", "Quotation", "Sales Order"]
