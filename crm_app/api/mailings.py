"""REST and desk API for mailings, statements of account and contact exports
(`/api/method/crm_app.api.mailings.<name>`)."""

import frappe
from frappe import _

from crm_app.access import require_permission
from crm_app.arguments import InvalidArgumentError, strict_arguments
from crm_app.compat import read_only
from crm_app.customers import mailings, statements
from crm_app.input_checks import ensure_exists, parse_date, permitted_doc

MAILING = mailings.MAILING


def _download(filename: str, content, content_type: str | None = None) -> None:
	frappe.response["filename"] = filename
	frappe.response["filecontent"] = content
	frappe.response["type"] = "pdf" if content_type == "pdf" else "binary"


@frappe.whitelist(methods=["POST"])
@strict_arguments
def get_recipients(mailing: str) -> dict:
	"""Fill the recipients from the segment or group as it stands (unticked customers stay unticked)."""
	doc = permitted_doc(MAILING, mailing, "write")
	mailings.check(doc)
	counts = mailings.get_recipients(doc)
	doc.save()
	return counts


@frappe.whitelist(methods=["POST"])
@strict_arguments
def send_mailing(mailing: str) -> dict:
	"""Send the mailing to its ticked recipients, in the background."""
	doc = permitted_doc(MAILING, mailing, "write")
	job_id = mailings.enqueue_send(doc.name)
	return {"job_id": job_id, "status": "Queued"}


@frappe.whitelist()
@strict_arguments
@read_only
def preview_mailing(mailing: str, customer: str | None = None) -> dict:
	"""What one recipient (the first ticked one, or the customer named) would get."""
	doc = permitted_doc(MAILING, mailing, "read")
	if customer:
		ensure_exists("Customer", customer)
	mailings.check(doc)
	rows = [row for row in doc.recipients if (row.customer == customer if customer else row.send)]
	if not rows:
		frappe.throw(_("No recipient to preview: use Get Recipients first"), mailings.MailingError)
	email = mailings.render(doc, rows[0].customer, rows[0].contact)
	if email is None:
		return {"customer": rows[0].customer, "email_id": rows[0].email_id, "skipped": True}
	return {
		"customer": rows[0].customer,
		"email_id": rows[0].email_id,
		"subject": email["subject"],
		"message": email["message"],
		"attachments": [attachment["fname"] for attachment in email["attachments"]],
		"skipped": False,
	}


@frappe.whitelist()
@strict_arguments
@read_only
def statement_pdf(customer: str, company: str, from_date: str, to_date: str):
	"""A customer's statement of account as a PDF download, in the customer's language."""
	permitted_doc("Customer", customer)
	ensure_exists("Company", company)
	from_date, to_date = parse_date(from_date, _("From Date")), parse_date(to_date, _("To Date"))
	require_permission("Customer Ledger Entry", "read")
	_download(
		statements.statement_filename(customer, to_date),
		statements.statement_pdf(customer, company, from_date, to_date),
		"pdf",
	)


@frappe.whitelist(methods=["POST"])
@strict_arguments
def send_statement(customer: str, from_date: str, to_date: str, company: str | None = None) -> dict:
	"""The customer's statement of account of the period, emailed now to its primary contact (in the
	company given, else the one of its latest movement)."""
	permitted_doc("Customer", customer, "email")
	if company:
		ensure_exists("Company", company)
	from_date, to_date = parse_date(from_date, _("From Date")), parse_date(to_date, _("To Date"))
	require_permission("Customer Ledger Entry", "read")
	return mailings.send_statement(customer, company, from_date, to_date)


@frappe.whitelist()
@strict_arguments
@read_only
def export_contacts(customer_segment: str | None = None, customer_group: str | None = None):
	"""The contacts of a segment's members or of a group subtree's customers, as CSV (only customers the
	user may read)."""
	if customer_segment:
		permitted_doc("Customer Segment", customer_segment)
	if customer_group:
		ensure_exists("Customer Group", customer_group)
	if bool(customer_segment) == bool(customer_group):
		frappe.throw(
			_("Choose a Customer Segment or a Customer Group (one of the two)"), InvalidArgumentError
		)
	audience = frappe._dict(customer_segment=customer_segment, customer_group=customer_group)
	require_permission("Contact", "read")
	content = mailings.export_contacts(mailings.target_customers(audience))
	_download(f"{_('Contacts')} {customer_segment or customer_group}.csv".replace("/", "-"), content)
