"""Talking to a segment or a customer group subtree: an email, a statement of account (a PDF attached) or
a payment reminder (the overdue invoices in the body), per customer, to its primary contact.

A Customer Mailing names whom (a segment, or a group with its subgroups) and what (subject and message,
Jinja over the customer). Its recipients are the customers' primary contacts, ticked; an unticked customer
stays out, also of the scheduled sendings. Each email goes through Frappe's email queue as a Communication
on its customer (the customer's timeline shows it), rendered in the customer's language. Sending runs in
the background, as the user who asked for it, so it reaches only customers that user may email.
"""

import frappe
from frappe import _
from frappe.utils import add_days, add_months, flt, fmt_money, formatdate, getdate, now, nowdate
from jinja2 import TemplateError, TemplateSyntaxError

from crm_app.csv_files import write_csv
from crm_app.customers import statements
from crm_app.locks import lock_row
from crm_app.permissions import permitted_customers_condition
from crm_app.trees import subtree_condition

MAILING = "Customer Mailing"
STATEMENT, REMINDER = "Statement of Account", "Payment Reminder"
BATCH = 50  # customers per commit while sending: what is queued stays queued if a later one fails


class MailingError(frappe.ValidationError):
	pass


class NoOutgoingEmailAccountError(MailingError, frappe.OutgoingEmailError):
	"""Nothing can be sent: the user sets up an outgoing Email Account (a 4xx, not Frappe's 501)."""

	http_status_code = 417


# the message of each kind when the mailing gives none; `_` renders in the customer's language
DEFAULT_SUBJECT = {
	STATEMENT: '{{ _("Statement of account from {0} to {1}").format(from_date, to_date) }}',
	REMINDER: '{{ _("Payment reminder: {0} overdue invoices").format(overdue_invoices|length) }}',
}
DEFAULT_MESSAGE = {
	STATEMENT: """<p>{{ _("Dear {0},").format(customer.customer_name) }}</p>
<p>{{ _("Please find attached your statement of account from {0} to {1}.").format(from_date, to_date) }}</p>
<p>{{ _("Closing balance: {0}").format(closing_balance) }}</p>""",
	REMINDER: """<p>{{ _("Dear {0},").format(customer.customer_name) }}</p>
<p>{{ _("According to our records, the following invoices are overdue:") }}</p>
{{ overdue_table }}
<p>{{ _("Total overdue: {0}. Please arrange payment, or disregard this reminder if it is already made.").format(overdue_total) }}</p>""",
}


def check(mailing) -> None:
	"""Refuse a mailing that could not be sent: no audience or two, no company for the ledger, a period
	backwards, a template that is not Jinja."""
	if bool(mailing.customer_segment) == bool(mailing.customer_group):
		frappe.throw(_("Choose a Customer Segment or a Customer Group (one of the two)"), MailingError)
	if mailing.mailing_type != "Email" and not mailing.company:
		frappe.throw(_("A {0} needs a Company").format(_(mailing.mailing_type)), MailingError)
	if mailing.mailing_type == "Email" and not (mailing.subject and mailing.message):
		frappe.throw(_("An Email needs a Subject and a Message"), MailingError)
	if mailing.mailing_type == STATEMENT and not mailing.send_on_schedule:
		if not (mailing.from_date and mailing.to_date):
			frappe.throw(_("A Statement of Account needs From Date and To Date"), MailingError)
	if mailing.from_date and mailing.to_date and getdate(mailing.from_date) > getdate(mailing.to_date):
		frappe.throw(
			_("From Date {0} is after To Date {1}").format(
				formatdate(mailing.from_date), formatdate(mailing.to_date)
			),
			MailingError,
		)
	if mailing.send_on_schedule and not mailing.frequency:
		frappe.throw(_("A mailing sent on a schedule needs a Frequency"), MailingError)
	for label, template in ((_("Subject"), mailing.subject), (_("Message"), mailing.message)):
		try:
			frappe.get_jenv().from_string(template or "")  # a syntax error is refused now, not when sending
		except TemplateSyntaxError as error:
			frappe.throw(
				_("{0}: the template has a syntax error on line {1}: {2}").format(
					label, error.lineno, error.message
				),
				MailingError,
			)


def target_customers(mailing, user: str | None = None) -> list[str]:
	"""The enabled customers of the mailing's segment (its members) or group subtree that the user may
	read."""
	permitted = permitted_customers_condition("c.name", user)
	if mailing.customer_segment:
		source = """`tabCustomer Segment Member` m join `tabCustomer` c on c.name = m.customer
			where m.segment = %(audience)s and m.status = 'Member'"""
		audience, values = mailing.customer_segment, {}
	else:
		subtree = subtree_condition("Customer Group", mailing.customer_group, "c.customer_group", "audience")
		source = f"`tabCustomer` c where {subtree[0] if subtree else '1 = 0'}"
		audience, values = mailing.customer_group, subtree[1] if subtree else {}
	return frappe.db.sql(
		f"""select c.name from {source} and c.disabled = 0 {"and " + permitted if permitted else ""}
		order by c.name""",
		{"audience": audience, **values},
		pluck=True,
	)


def primary_contacts(customers: list[str]) -> list[dict]:
	"""Each customer's primary contact and its email (the customer's own email when its contact has none),
	in the order given; customers with no email at all are left out."""
	if not customers:
		return []
	rows = frappe.db.sql(
		"""select c.name as customer, c.customer_name, c.customer_primary_contact as contact,
			coalesce(nullif(ct.email_id, ''), nullif(c.email_id, '')) as email_id
		from `tabCustomer` c left join `tabContact` ct on ct.name = c.customer_primary_contact
		where c.name in %(customers)s""",
		{"customers": tuple(customers)},
		as_dict=True,
	)
	by_customer = {row.customer: row for row in rows if row.email_id}
	return [by_customer[name] for name in customers if name in by_customer]


def get_recipients(mailing) -> dict:
	"""Fill the recipients from the audience as it stands: new customers ticked, customers unticked before
	still unticked, customers gone from the audience removed. Returns the counts."""
	customers = target_customers(mailing)
	contacts = primary_contacts(customers)
	unticked = {row.customer for row in mailing.recipients if not row.send}
	before = {row.customer for row in mailing.recipients}
	mailing.set("recipients", [])
	for contact in contacts:
		mailing.append(
			"recipients",
			{
				"send": 0 if contact.customer in unticked else 1,
				"customer": contact.customer,
				"customer_name": contact.customer_name,
				"contact": contact.contact,
				"email_id": contact.email_id,
			},
		)
	after = {row.customer for row in mailing.recipients}
	return {
		"recipients": len(contacts),
		"added": len(after - before),
		"removed": len(before - after),
		"without_email": len(customers) - len(contacts),
	}


def render(mailing, customer: str, contact: str | None = None) -> dict | None:
	"""The email one customer gets: subject, message and attachments, in the customer's language; None
	when there is nothing to tell them (a reminder with no overdue invoice, a statement with no balance
	and no movement)."""
	language = statements.customer_language(customer)
	context = {
		"customer": frappe.get_doc("Customer", customer),
		"contact": frappe.get_doc("Contact", contact) if contact else frappe._dict(),
		"company": mailing.company,
		"from_date": formatdate(mailing.from_date) if mailing.from_date else "",
		"to_date": formatdate(mailing.to_date) if mailing.to_date else "",
	}
	attachments = []
	with statements.in_language(language):
		if mailing.mailing_type == REMINDER:
			invoices = statements.overdue_invoices(customer, mailing.company)
			if not invoices:
				return None
			context.update(
				overdue_invoices=invoices,
				overdue_table=statements.overdue_table(invoices, language),
				overdue_total=_amounts_by_currency(invoices, "outstanding_amount"),
			)
		elif mailing.mailing_type == STATEMENT:
			blocks = statements.statement(customer, mailing.company, mailing.from_date, mailing.to_date)
			if not blocks:
				return None
			context["closing_balance"] = ", ".join(
				fmt_money(block["closing"], currency=block["currency"]) for block in blocks
			)
			attachments.append(
				{
					"fname": statements.statement_filename(customer, mailing.to_date),
					"fcontent": statements.statement_pdf(
						customer, mailing.company, mailing.from_date, mailing.to_date, blocks
					),
				}
			)
		try:  # Frappe's sandboxed environment; a template error is the user's, said plainly
			subject = _render(mailing.subject or DEFAULT_SUBJECT.get(mailing.mailing_type, ""), context)
			message = _render(mailing.message or DEFAULT_MESSAGE.get(mailing.mailing_type, ""), context)
		except TemplateError as template_error:
			error = template_error
		else:
			error = None
	if error:  # said in the user's language, not the customer's
		frappe.throw(_("The message cannot be written for {0}: {1}").format(customer, error), MailingError)
	return {"subject": subject.strip(), "message": message, "attachments": attachments}


def _render(template: str, context: dict) -> str:
	return frappe.get_jenv().from_string(template).render(context)


def _amounts_by_currency(rows: list[dict], field: str) -> str:
	totals = {}
	for row in rows:
		totals[row.currency] = totals.get(row.currency, 0) + flt(row[field])
	return ", ".join(fmt_money(amount, currency=currency) for currency, amount in sorted(totals.items()))


def check_outgoing_account(record: str) -> None:
	"""Refused before anything is queued when no email could leave: the user's to fix, a 417 rather than
	Frappe's 501 (a server fault) once the emails sit in the queue. `record`: what was to be sent."""
	from frappe.email.doctype.email_account.email_account import EmailAccount

	if not EmailAccount.find_outgoing():
		frappe.throw(
			_(
				"{0} cannot be sent: there is no outgoing Email Account. Set one up in Email Account (Enable Outgoing and Default Outgoing ticked), then send again."
			).format(record),
			NoOutgoingEmailAccountError,
		)


def queue_email(customer: str, email_id: str, email: dict, mailing: str | None = None) -> str:
	"""One email to one customer's contact: a Communication on the customer (its timeline), linked to the
	mailing that sent it (the activity history tells statements and reminders by it), sent through the
	email queue with its attachments (kept as private files of the Communication)."""
	from frappe.core.doctype.communication.email import make

	name = make(
		doctype="Customer",
		name=customer,
		subject=email["subject"],
		content=email["message"],
		recipients=email_id,
		communication_medium="Email",
		send_email=False,
	)["name"]
	for attachment in email["attachments"]:
		frappe.get_doc(
			{
				"doctype": "File",
				"file_name": attachment["fname"],
				"content": attachment["fcontent"],
				"attached_to_doctype": "Communication",
				"attached_to_name": name,
				"is_private": 1,
			}
		).insert(ignore_permissions=True)
	communication = frappe.get_doc("Communication", name)
	if mailing:
		communication.add_link(MAILING, mailing)
		communication.save(ignore_permissions=True)
	if email["attachments"]:
		communication.db_set("has_attachment", 1)
	communication.send_email()
	return name


def send(name: str, progress=None, commit: bool = True) -> dict:
	"""Send a mailing to its ticked recipients (the background job). With `commit`, a batch at a time: what
	is queued stays queued if a later customer fails, and the status says where it stands."""
	mailing = frappe.get_doc(MAILING, name)
	mailing.db_set("status", "Sending", commit=commit)
	sent = skipped = 0
	recipients = [row for row in mailing.recipients if row.send]
	try:
		for index, row in enumerate(recipients, start=1):
			email = render(mailing, row.customer, row.contact)
			if email is None:
				skipped += 1
			else:
				queue_email(row.customer, row.email_id, email, mailing.name)
				row.db_set("last_sent_on", now())
				sent += 1
			if commit and index % BATCH == 0:
				frappe.db.commit()
			if progress:
				progress(index, len(recipients), row.customer)
	except Exception:
		if commit:
			frappe.db.rollback()
			frappe.db.set_value(MAILING, name, "status", "Failed")
			frappe.db.commit()
		raise
	frappe.db.set_value(
		MAILING,
		name,
		{"status": "Sent", "last_sent_on": now(), "sent_count": sent, "skipped_count": skipped},
	)
	if commit:
		frappe.db.commit()
	return {"sent": sent, "skipped": skipped}


def send_statement(customer: str, company: str | None, from_date, to_date) -> dict:
	"""The one-click statement of the customer's form: the statement of account of the period, emailed at
	once to the customer's primary contact (as a mailing's statement is), tagged as a statement. Without a
	company, the one of the customer's latest ledger row (else the user's default company)."""
	check_outgoing_account(_("The statement of account of {0}").format(frappe.bold(customer)))
	company = company or statement_company(customer)
	contact = next(iter(primary_contacts([customer])), None)
	if not contact:
		frappe.throw(
			_("Customer {0} has no email address: give its primary contact one").format(customer),
			MailingError,
		)
	statement_mailing = frappe._dict(
		mailing_type=STATEMENT, company=company, from_date=from_date, to_date=to_date, subject="", message=""
	)
	email = render(statement_mailing, customer, contact.contact)
	if email is None:
		frappe.throw(
			_("Customer {0} has no balance and no movement in {1} over the period").format(customer, company),
			MailingError,
		)
	name = queue_email(customer, contact.email_id, email)
	from frappe.desk.doctype.tag.tag import add_tag

	add_tag(STATEMENT, "Communication", name)
	return {"communication": name, "email_id": contact.email_id}


def statement_company(customer: str) -> str | None:
	latest = frappe.db.sql(
		"""select company from `tabCustomer Ledger Entry` where customer = %s
		order by posting_date desc, creation desc limit 1""",
		customer,
	)
	return latest[0][0] if latest else frappe.defaults.get_user_default("Company")


def enqueue_send(name: str) -> str:
	"""Queue the sending of a mailing (checked first, so the user hears of a problem now)."""
	mailing = frappe.get_doc(MAILING, name)
	check(mailing)
	check_outgoing_account(_("Mailing {0}").format(frappe.bold(name)))
	if not any(row.send for row in mailing.recipients):
		frappe.throw(_("No recipient is ticked: use Get Recipients first"), MailingError)
	mailing.db_set("status", "Queued")
	job_id = f"crm_mailing::{name}"
	frappe.enqueue(
		"crm_app.customers.mailings.send_job",
		queue="long",
		job_id=job_id,
		deduplicate=True,
		enqueue_after_commit=True,
		name=name,
	)
	return job_id


def send_job(name: str) -> None:
	send(
		name,
		progress=lambda done, total, customer: frappe.publish_progress(
			done * 100 / total, title=_("Sending"), doctype=MAILING, docname=name, description=customer
		),
	)


def next_period(mailing, today=None) -> tuple:
	"""A scheduled statement covers the period of its frequency that ended yesterday."""
	today = getdate(today or nowdate())
	from_date = {
		"Daily": add_days(today, -1),
		"Weekly": add_days(today, -7),
		"Monthly": add_months(today, -1),
	}[mailing.frequency]
	return from_date, add_days(today, -1)


def advance(date, frequency: str):
	return {"Daily": add_days(date, 1), "Weekly": add_days(date, 7), "Monthly": add_months(date, 1)}[
		frequency
	]


def send_scheduled(today=None, commit: bool = True) -> list[str]:
	"""Daily: send the scheduled mailings that are due, each as its owner (whose rights decide whom it
	reaches), to the audience as it stands that day."""
	today = getdate(today or nowdate())
	due = frappe.get_all(
		MAILING,
		filters={"send_on_schedule": 1, "next_send_on": ("<=", today)},
		pluck="name",
		order_by="name",
	)
	user = frappe.session.user
	sent = []
	for name in due:
		# a second run at the same time (a second scheduler, a job run again) waits here for the first,
		# then reads the next date the first one set (a locking read: the latest committed) and skips it
		still_due = lock_row(MAILING, name, ["next_send_on"])
		if not still_due or not still_due.next_send_on or getdate(still_due.next_send_on) > today:
			continue
		mailing = frappe.get_doc(MAILING, name)
		sent.append(name)
		try:
			frappe.set_user(mailing.owner)
			check_outgoing_account(_("Mailing {0}").format(frappe.bold(name)))  # logged, not sent
			if mailing.mailing_type == STATEMENT:
				mailing.from_date, mailing.to_date = next_period(mailing, today)
			get_recipients(mailing)
			next_send_on = getdate(mailing.next_send_on)
			while next_send_on <= today:
				next_send_on = advance(next_send_on, mailing.frequency)
			mailing.next_send_on = next_send_on
			mailing.flags.ignore_permissions = True
			mailing.save()
			if commit:
				frappe.db.commit()
			send(name, commit=commit)
		except Exception:
			if not commit:
				raise
			frappe.db.rollback()
			frappe.log_error(title=_("Scheduled mailing {0} failed").format(name))
		finally:
			frappe.set_user(user)
	return sent


def export_contacts(customers: list[str]) -> bytes:
	"""The customers' contacts as CSV (every contact linked to each customer, its primary one first)."""
	headers = [
		_("Customer"),
		_("Customer Name"),
		_("Contact"),
		_("First Name"),
		_("Last Name"),
		_("Email"),
		_("Mobile No"),
		_("Phone"),
		_("Is Primary Contact"),
	]
	rows = (
		frappe.db.sql(
			"""select c.name, c.customer_name, ct.name as contact, ct.first_name, ct.last_name, ct.email_id,
				ct.mobile_no, ct.phone, (ct.name = c.customer_primary_contact) as is_primary
			from `tabCustomer` c
			join `tabDynamic Link` dl on dl.link_doctype = 'Customer' and dl.link_name = c.name
				and dl.parenttype = 'Contact'
			join `tabContact` ct on ct.name = dl.parent
			where c.name in %(customers)s
			order by c.name, is_primary desc, ct.name""",
			{"customers": tuple(customers)},
		)
		if customers
		else []
	)
	return write_csv(headers, ([value if value is not None else "" for value in row] for row in rows))
