"""Talking to a segment or a group subtree (issue 11): emails, payment reminders and statements of account in
Frappe's email queue, logged on each customer, in the customer's language; schedules; contact exports;
segments that restrict a role; the deletes a segment in use refuses."""

import codecs
import json

import frappe
import pytest
from frappe.utils import add_days, add_months, fmt_money, getdate, today

from crm_app.api import mailings as api
from crm_app.customers import mailings, statements
from crm_app.customers.mailings import MailingError
from crm_app.customers.segment_members import SegmentInUseError
from tests.fixtures import make_company, make_customer, make_group_chain
from tests.receivables import invoice, make_item, payment
from tests.segments import make_group_segment
from tests.trees import make_node, unique
from tests.users import http_session, make_user

OVERDUE_DUE_DATE = "2026-02-10"


def make_outgoing_account() -> str:
	"""A default outgoing Email Account (its SMTP server is never reached: emails stay in the queue)."""
	account = frappe.get_doc(
		{
			"doctype": "Email Account",
			"email_account_name": unique("CRM Outgoing"),
			"email_id": f"{frappe.generate_hash(length=8)}@crm-app.test",
			"enable_outgoing": 1,
			"default_outgoing": 1,
			"smtp_server": "localhost",
			"no_smtp_authentication": 1,
		}
	)
	account.flags.ignore_validate = True
	account.insert(ignore_permissions=True)
	frappe.local.outgoing_email_account = {}  # Frappe caches the account found for the request
	return account.name


@pytest.fixture
def outgoing_account():
	frappe.db.set_value("Email Account", {"default_outgoing": 1}, "default_outgoing", 0)
	return make_outgoing_account()


@pytest.fixture
def data():
	"""A group with a subgroup; customers with overdue, not yet due and paid invoices; one French; one
	without email; one disabled; one outside the group."""
	company = make_company("EUR").name
	top, _middle, sub = make_group_chain(3)
	near = make_node("Customer Group", unique("Near"), top).name
	item = make_item()
	email = lambda key: f"{key}-{frappe.generate_hash(length=6)}@crm-app.test"  # noqa: E731
	fr = make_customer(near, language="fr", email_id=email("fr")).name
	en = make_customer(sub, language="en", email_id=email("en")).name
	no_email = make_customer(sub).name
	paid_up = make_customer(sub, email_id=email("paid")).name
	disabled = make_customer(sub, email_id=email("off")).name
	outside = make_customer(make_group_chain(1)[0], email_id=email("out")).name
	frappe.db.set_value("Customer", disabled, "disabled", 1)
	invoices = frappe._dict(
		fr_old=invoice(fr, company, item, rate=300, posting_date="2026-01-05"),
		fr_overdue=due_on(invoice(fr, company, item, rate=120, posting_date="2026-02-01"), OVERDUE_DUE_DATE),
		fr_not_due=due_on(
			invoice(fr, company, item, rate=80, posting_date="2026-02-02"), add_days(today(), 30)
		),
		en_overdue=due_on(invoice(en, company, item, rate=400, posting_date="2026-02-01"), OVERDUE_DUE_DATE),
		no_email_overdue=invoice(no_email, company, item, rate=50),
		paid=invoice(paid_up, company, item, rate=70, posting_date="2026-02-01"),
	)
	payment(fr, company, 300, [(invoices.fr_old.name, 300)], posting_date="2026-02-15")
	payment(en, company, 150, [(invoices.en_overdue.name, 150)], posting_date="2026-02-15")
	payment(paid_up, company, 70, [(invoices.paid.name, 70)], posting_date="2026-02-15")
	segment = make_group_segment("Mailing segment", top, "in subtree of", company=company)
	return frappe._dict(
		company=company,
		top=top,
		sub=sub,
		fr=fr,
		en=en,
		no_email=no_email,
		paid_up=paid_up,
		disabled=disabled,
		outside=outside,
		invoices=invoices,
		segment=segment.name,
		item=item,
	)


def due_on(doc, due_date):
	"""Invoices here take their due date from payment terms: set one by hand."""
	frappe.db.set_value("Sales Invoice", doc.name, "due_date", due_date)
	return doc


def make_mailing(data, mailing_type="Payment Reminder", **fields):
	doc = frappe.get_doc(
		{
			"doctype": "Customer Mailing",
			"title": unique("Mailing"),
			"mailing_type": mailing_type,
			"company": data.company,
			"customer_segment": data.segment,
			**fields,
		}
	)
	if fields.get("customer_group"):
		doc.customer_segment = None
	doc.insert()
	return doc


def html_of(raw: str) -> str:
	"""The HTML part of a queued email, decoded."""
	import email

	for part in email.message_from_string(raw).walk():
		if part.get_content_type() == "text/html":
			return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
	return ""


def queued(customers) -> dict[str, frappe._dict]:
	"""The email queued for each customer: its recipients, message (the HTML, decoded) and attachments."""
	rows = frappe.db.sql(
		"""select q.reference_name as customer, q.message, q.attachments,
			group_concat(r.recipient) as recipients
		from `tabEmail Queue` q join `tabEmail Queue Recipient` r on r.parent = q.name
		where q.reference_doctype = 'Customer' and q.reference_name in %(customers)s
		group by q.name""",
		{"customers": tuple(customers)},
		as_dict=True,
	)
	for row in rows:
		row.message = html_of(row.message)
	return {row.customer: row for row in rows}


def email_of(customer: str) -> str:
	return frappe.db.get_value("Customer", customer, "email_id")


def test_recipients_are_the_primary_contacts_of_the_enabled_members_with_an_email(data):
	mailing = make_mailing(data)
	counts = mailings.get_recipients(mailing)
	rows = {row.customer: row for row in mailing.recipients}
	assert set(rows) == {data.fr, data.en, data.paid_up}  # not the disabled one, nor the one outside
	assert counts == {"recipients": 3, "added": 3, "removed": 0, "without_email": 1}
	assert rows[data.fr].email_id == email_of(data.fr)
	assert rows[data.fr].contact == frappe.db.get_value("Customer", data.fr, "customer_primary_contact")
	assert all(row.send for row in mailing.recipients)


def test_a_payment_reminder_lists_each_customers_overdue_invoices_in_the_email_queue(data, outgoing_account):
	mailing = make_mailing(data)
	mailings.get_recipients(mailing)
	mailing.save()
	assert mailings.send(mailing.name, commit=False) == {"sent": 2, "skipped": 1}  # paid_up owes nothing
	emails = queued([data.fr, data.en, data.paid_up, data.no_email])
	assert set(emails) == {data.fr, data.en}
	assert emails[data.fr].recipients == email_of(data.fr)
	assert emails[data.en].recipients == email_of(data.en)
	assert data.invoices.fr_overdue.name in emails[data.fr].message
	assert data.invoices.fr_not_due.name not in emails[data.fr].message  # not due yet
	assert data.invoices.fr_old.name not in emails[data.fr].message  # paid
	assert data.invoices.en_overdue.name in emails[data.en].message
	# 400 invoiced, 150 paid: what is left is overdue
	assert fmt_money(250, currency="EUR") in emails[data.en].message
	# logged on each customer: a Communication its timeline shows
	logged = frappe.get_all(
		"Communication",
		filters={"reference_doctype": "Customer", "reference_name": data.en},
		fields=["subject", "recipients", "communication_medium", "sent_or_received"],
	)
	assert len(logged) == 1 and logged[0].recipients == email_of(data.en)
	assert (logged[0].communication_medium, logged[0].sent_or_received) == ("Email", "Sent")
	assert "1" in logged[0].subject
	state = frappe.db.get_value("Customer Mailing", mailing.name, ["status", "sent_count", "skipped_count"])
	assert state == ("Sent", 2, 1)


def test_each_customer_reads_the_reminder_in_its_language(data, outgoing_account):
	mailing = make_mailing(data)
	mailings.get_recipients(mailing)
	french = mailings.render(mailing, data.fr, None)
	english = mailings.render(mailing, data.en, None)
	assert english["subject"] == "Payment reminder: 1 overdue invoices"
	assert french["subject"] == "Relance de paiement : 1 factures échues"
	assert "Jours de retard" in french["message"] and "Days Overdue" in english["message"]


def test_an_unticked_customer_gets_nothing_and_stays_unticked(data, outgoing_account):
	mailing = make_mailing(data)
	mailings.get_recipients(mailing)
	next(row for row in mailing.recipients if row.customer == data.en).send = 0
	mailing.save()
	counts = mailings.get_recipients(mailing)  # the audience read again keeps the choice
	assert counts["added"] == 0 and counts["removed"] == 0
	assert not next(row for row in mailing.recipients if row.customer == data.en).send
	mailing.save()
	mailings.send(mailing.name, commit=False)
	assert set(queued([data.fr, data.en])) == {data.fr}


def test_an_email_to_a_group_subtree_fills_the_customers_fields(data, outgoing_account):
	mailing = make_mailing(
		data,
		"Email",
		customer_group=data.top,
		subject="News for {{ customer.customer_name }}",
		message="<p>Hello {{ contact.first_name or customer.customer_name }} ({{ customer.name }})</p>",
	)
	mailings.get_recipients(mailing)
	mailing.save()
	assert mailings.send(mailing.name, commit=False) == {"sent": 3, "skipped": 0}
	emails = queued([data.fr, data.en, data.paid_up, data.outside, data.disabled])
	assert set(emails) == {data.fr, data.en, data.paid_up}
	assert f"({data.en})" in emails[data.en].message
	subject = frappe.db.get_value("Communication", {"reference_name": data.fr}, "subject")
	assert subject == "News for " + frappe.db.get_value("Customer", data.fr, "customer_name")


def test_a_statement_gives_opening_movements_and_closing_balance(data):
	blocks = statements.statement(data.fr, data.company, "2026-02-01", "2026-12-31")
	assert len(blocks) == 1
	block = blocks[0]
	assert block["currency"] == "EUR"
	assert block["opening"] == 300  # the January invoice, paid in February
	kinds = [(row.movement_type, row.voucher_no, row.debit, row.credit) for row in block["rows"]]
	assert kinds[:2] == [
		("Invoice", data.invoices.fr_overdue.name, 120, 0),
		("Invoice", data.invoices.fr_not_due.name, 80, 0),
	]
	assert ("Receipt", 300) in [(row.movement_type, row.credit) for row in block["rows"]]
	assert "Invoice Paid" not in [row.movement_type for row in block["rows"]]
	assert block["closing"] == 300 + 120 + 80 - 300
	assert block["rows"][-1].balance == block["closing"]
	# a period before any movement: nothing to state
	assert statements.statement(data.fr, data.company, "2025-01-01", "2025-01-31") == []
	with pytest.raises(statements.InvalidStatementError):
		statements.statement(data.fr, data.company, "2026-03-01", "2026-02-01")


def test_a_statement_is_a_pdf_in_the_customers_language(data):
	french = statements.statement_html(data.fr, data.company, "2026-02-01", "2026-12-31")
	english = statements.statement_html(data.en, data.company, "2026-02-01", "2026-12-31")
	assert "Relevé de compte" in french and "Solde de clôture" in french
	assert "Statement of Account" in english and "Closing Balance" in english
	pdf = statements.statement_pdf(data.fr, data.company, "2026-02-01", "2026-12-31")
	assert pdf.startswith(b"%PDF")


def test_a_statement_mailing_attaches_each_customers_pdf(data, outgoing_account):
	mailing = make_mailing(data, "Statement of Account", from_date="2026-02-01", to_date="2026-12-31")
	mailings.get_recipients(mailing)
	mailing.save()
	assert mailings.send(mailing.name, commit=False)["sent"] == 3
	emails = queued([data.fr])
	attachments = json.loads(emails[data.fr].attachments)
	communication = frappe.db.get_value("Communication", {"reference_name": data.fr}, "name")
	files = frappe.get_all(
		"File",
		{"attached_to_doctype": "Communication", "attached_to_name": communication},
		["name", "file_name"],
	)
	assert len(files) == 1 and files[0].file_name.endswith(".pdf")
	assert [attachment.get("fid") for attachment in attachments] == [files[0].name]
	pdf = frappe.get_doc("File", files[0].name).get_content()
	assert pdf.startswith(b"%PDF")


@pytest.mark.parametrize(
	"fields, message",
	[
		({"customer_group": "{top}"}, "one of the two"),  # both a segment and a group
		({"customer_segment": None}, "one of the two"),  # neither
		({"mailing_type": "Email", "subject": "Hi"}, "needs a Subject and a Message"),
		({"mailing_type": "Statement of Account"}, "needs From Date and To Date"),
		({"from_date": "2026-03-01", "to_date": "2026-02-01"}, "is after To Date"),
		({"message": "{% if %}"}, "syntax error on line 1"),
		({"send_on_schedule": 1}, "needs a Frequency"),
	],
)
def test_a_mailing_that_could_not_be_sent_is_refused(data, fields, message):
	fields = {key: data.top if value == "{top}" else value for key, value in fields.items()}
	doc = frappe.get_doc(
		{
			"doctype": "Customer Mailing",
			"title": unique("Bad"),
			"mailing_type": "Payment Reminder",
			"company": data.company,
			"customer_segment": data.segment,
			**fields,
		}
	)
	with pytest.raises(MailingError, match=message):
		doc.insert()


def test_a_reminder_needs_a_company(data):
	doc = frappe.get_doc({"doctype": "Customer Mailing", "title": "x", "mailing_type": "Payment Reminder"})
	doc.customer_segment = data.segment  # no company (an insert would put the user's default one)
	with pytest.raises(MailingError, match="needs a Company"):
		mailings.check(doc)


def test_sending_needs_an_outgoing_account_and_a_ticked_recipient(data, outgoing_account):
	mailing = make_mailing(data)
	with pytest.raises(MailingError, match="No recipient is ticked"):
		mailings.enqueue_send(mailing.name)
	frappe.db.set_value("Email Account", outgoing_account, "enable_outgoing", 0)
	frappe.local.outgoing_email_account = {}
	mailings.get_recipients(mailing)
	mailing.save()
	with pytest.raises(mailings.NoOutgoingEmailAccountError, match="Set one up in Email Account") as refused:
		mailings.enqueue_send(mailing.name)
	assert refused.value.http_status_code == 417 and mailing.name in str(refused.value)
	assert frappe.db.get_value("Customer Mailing", mailing.name, "status") != "Queued"


def test_a_message_that_cannot_be_written_is_refused_when_previewed(data):
	mailing = make_mailing(data, "Email", subject="Hi", message="{{ customer.customer_name.nope.deeper }}")
	mailings.get_recipients(mailing)
	mailing.save()
	with pytest.raises(MailingError, match="cannot be written"):
		api.preview_mailing(mailing.name)
	# failing inside the French customer's language: the error, and the rest of the request, in the user's
	language = frappe.local.lang
	with pytest.raises(MailingError, match="cannot be written"):
		mailings.render(mailing, data.fr)
	assert frappe.local.lang == language


def test_a_scheduled_statement_goes_out_when_due_for_the_period_just_ended(data, outgoing_account):
	run_on = getdate("2026-03-01")
	mailing = make_mailing(
		data, "Statement of Account", send_on_schedule=1, frequency="Monthly", next_send_on=run_on
	)
	later = make_mailing(data, send_on_schedule=1, frequency="Weekly", next_send_on=add_days(run_on, 1))
	assert mailings.send_scheduled(run_on, commit=False) == [mailing.name]
	mailing.reload()
	assert (str(mailing.from_date), str(mailing.to_date)) == ("2026-02-01", "2026-02-28")
	assert getdate(mailing.next_send_on) == add_months(run_on, 1)
	assert mailing.status == "Sent" and mailing.sent_count == 3
	assert frappe.db.get_value("Customer Mailing", later.name, "status") == "Draft"
	# a schedule that missed days catches up once, not once per missed period
	assert mailings.send_scheduled(add_months(run_on, 3), commit=False) == [mailing.name, later.name]
	assert getdate(frappe.db.get_value("Customer Mailing", mailing.name, "next_send_on")) == add_months(
		run_on, 4
	)


def test_a_second_scheduler_run_at_the_same_time_sends_a_due_mailing_once(
	data, outgoing_account, monkeypatch
):
	"""Two runs of the daily job at once (a second scheduler, a job run again): the second one listed the
	mailing as due before the first sent it; it waits for the first's lock and finds the next date moved."""
	run_on = getdate("2026-03-01")
	mailing = make_mailing(data, send_on_schedule=1, frequency="Monthly", next_send_on=run_on)
	assert mailings.send_scheduled(run_on, commit=False) == [mailing.name]
	emails = {"link_doctype": "Customer Mailing", "link_name": mailing.name}
	queued_once = frappe.db.count("Communication Link", emails)
	assert queued_once
	real_get_all = frappe.get_all
	monkeypatch.setattr(
		frappe,
		"get_all",
		lambda doctype, *args, **kwargs: (
			[mailing.name] if doctype == "Customer Mailing" else real_get_all(doctype, *args, **kwargs)
		),
	)  # what the second run listed before the first one's commit
	assert mailings.send_scheduled(run_on, commit=False) == []
	assert frappe.db.count("Communication Link", emails) == queued_once


def test_a_segment_in_use_cannot_be_deleted(data):
	scheduled = make_mailing(data, send_on_schedule=1, frequency="Weekly")
	with pytest.raises(SegmentInUseError, match="scheduled mailings"):
		frappe.delete_doc("Customer Segment", data.segment)
	scheduled.send_on_schedule = 0
	scheduled.save()
	frappe.delete_doc("Customer Mailing", scheduled.name)
	frappe.db.set_value("Customer Segment", data.segment, "restrict_role", "Sales User")
	with pytest.raises(SegmentInUseError, match="restricts the role"):
		frappe.delete_doc("Customer Segment", data.segment)
	frappe.db.set_value("Customer Segment", data.segment, "restrict_role", None)
	frappe.delete_doc("Customer Segment", data.segment)
	assert not frappe.db.exists("Customer Segment", data.segment)


def test_a_segment_restricts_a_roles_users_to_its_members(data):
	restricted_role = frappe.get_doc(
		{"doctype": "Role", "role_name": unique("Key Accounts"), "desk_access": 1}
	).insert()
	restricted = make_user("Sales User", restricted_role.name)
	manager = make_user("CRM Manager", restricted_role.name)  # managers of segments are never restricted
	plain = make_user("Sales User")
	segment = frappe.get_doc("Customer Segment", data.segment)
	segment.restrict_role = restricted_role.name
	segment.save()
	members = set(frappe.get_all("Customer Segment Member", {"segment": data.segment}, pluck="customer"))
	assert data.outside not in members and data.fr in members
	frappe.set_user(restricted)
	assert set(frappe.get_list("Customer", pluck="name")) == members
	assert frappe.has_permission("Customer", "read", doc=data.fr)
	assert not frappe.has_permission("Customer", "read", doc=data.outside)
	invoices = set(frappe.get_list("Sales Invoice", pluck="customer"))
	assert invoices and invoices <= members
	frappe.set_user(manager)
	assert frappe.has_permission("Customer", "read", doc=data.outside)
	frappe.set_user(plain)
	assert frappe.has_permission("Customer", "read", doc=data.outside)
	# a customer leaving the segment leaves the restricted user's sight at once
	frappe.set_user("Administrator")
	frappe.get_doc("Customer", data.fr).update(
		{"customer_group": frappe.db.get_value("Customer", data.outside, "customer_group")}
	).save()
	frappe.set_user(restricted)
	assert not frappe.has_permission("Customer", "read", doc=data.fr)


def test_only_segment_managers_choose_the_restricted_role(data):
	manager = make_user("Sales Manager")
	frappe.set_user(manager)
	segment = frappe.get_doc("Customer Segment", data.segment)
	segment.restrict_role = "Sales User"
	segment.save()  # a field of permission level 1: Frappe keeps the saved value for a Sales Manager
	assert frappe.db.get_value("Customer Segment", data.segment, "restrict_role") is None


def test_the_contacts_of_a_segment_export_as_csv(data):
	exported = mailings.export_contacts(
		mailings.target_customers(frappe._dict(customer_segment=data.segment))
	)
	assert exported.startswith(codecs.BOM_UTF8)  # written as every CSV of the app: accents read in Excel
	content = exported.decode("utf-8-sig")
	lines = content.strip().splitlines()
	assert lines[0].startswith("Customer,Customer Name,Contact")
	exported = {line.split(",")[0] for line in lines[1:]}
	assert exported == {data.fr, data.en, data.paid_up}  # the no-email customer has no contact
	assert email_of(data.fr) in content


def test_over_rest_as_each_role(server_url):
	"""Committed, over HTTP, several sessions: a Sales Manager makes a reminder, fills its recipients and
	sends it (a real worker runs the job); a Sales User may read it but not send it; a user whose role a
	segment restricts reads only its members, and their statements; bad input is a 4xx."""
	import requests
	from frappe.utils.password import update_password

	from tests.receivables import purge, purge_masters
	from tests.users import remove_user
	from tests.workers import bench_worker

	password = "Mailings-pass-1234!"
	company = make_company("EUR").name
	group = make_group_chain(1)[0]
	other_group = make_group_chain(1)[0]
	item = make_item()
	late = make_customer(group, email_id=f"late-{frappe.generate_hash(length=6)}@crm-app.test").name
	clean = make_customer(group, email_id=f"clean-{frappe.generate_hash(length=6)}@crm-app.test").name
	outside = make_customer(other_group).name
	overdue = due_on(invoice(late, company, item, rate=90, posting_date="2026-02-01"), OVERDUE_DUE_DATE)
	other = invoice(outside, company, item, rate=10)
	segment = make_group_segment("REST mailing segment", group, company=company)
	restricted_role = frappe.get_doc(
		{"doctype": "Role", "role_name": unique("Key Accounts"), "desk_access": 1}
	).insert()
	users = {
		"manager": make_user("Sales Manager"),
		"seller": make_user("Sales User"),
		"restricted": make_user("Sales User", "Accounts User", restricted_role.name),
	}
	for user in users.values():
		update_password(user, password)
	account = make_outgoing_account()
	frappe.db.commit()
	sessions = {}
	for key, user in users.items():
		sessions[key] = http_session(server_url, user, password)
	method = f"{server_url}/api/method/crm_app.api.mailings"
	mailing = None
	try:
		made = sessions["manager"].post(
			f"{server_url}/api/resource/Customer Mailing",
			json={
				"title": "Reminder",
				"mailing_type": "Payment Reminder",
				"company": company,
				"customer_segment": segment.name,
			},
		)
		assert made.status_code == 200, made.text[-500:]
		mailing = made.json()["data"]["name"]
		both = sessions["manager"].post(
			f"{server_url}/api/resource/Customer Mailing",
			json={
				"title": "Bad",
				"customer_segment": segment.name,
				"customer_group": group,
				"company": company,
			},
		)
		assert both.status_code == 417 and "MailingError" in both.text
		filled = sessions["manager"].post(f"{method}.get_recipients", data={"mailing": mailing})
		assert filled.status_code == 200 and filled.json()["message"]["recipients"] == 2, filled.text[-500:]
		assert (
			sessions["seller"].get(f"{method}.preview_mailing", params={"mailing": mailing}).status_code
			== 200
		)
		refused = sessions["seller"].post(f"{method}.send_mailing", data={"mailing": mailing})
		assert refused.status_code == 403
		sent = sessions["manager"].post(f"{method}.send_mailing", data={"mailing": mailing})
		assert sent.status_code == 200 and sent.json()["message"]["status"] == "Queued", sent.text[-500:]
		worker = bench_worker()
		assert worker.returncode == 0, worker.stderr[-2000:]
		frappe.db.rollback()  # read what the worker committed
		assert frappe.db.get_value(
			"Customer Mailing", mailing, ["status", "sent_count", "skipped_count"]
		) == (
			"Sent",
			1,
			1,
		)
		emails = queued([late, clean])
		assert set(emails) == {late} and overdue.name in emails[late].message
		assert emails[late].recipients == email_of(late)

		segment.reload()
		segment.restrict_role = restricted_role.name
		segment.save()
		frappe.db.commit()
		restricted = sessions["restricted"]
		listed = restricted.get(
			f"{server_url}/api/resource/Customer",
			params={"filters": json.dumps([["customer_group", "in", [group, other_group]]])},
		)
		assert {row["name"] for row in listed.json()["data"]} == {late, clean}
		assert restricted.get(f"{server_url}/api/resource/Customer/{outside}").status_code == 403
		assert restricted.get(f"{server_url}/api/resource/Sales Invoice/{other.name}").status_code == 403
		assert sessions["seller"].get(f"{server_url}/api/resource/Customer/{outside}").status_code == 200
		dates = {"company": company, "from_date": "2026-01-01", "to_date": "2026-12-31"}
		pdf = restricted.get(f"{method}.statement_pdf", params={"customer": late, **dates})
		assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF"), pdf.text[-500:]
		denied = restricted.get(f"{method}.statement_pdf", params={"customer": outside, **dates})
		assert denied.status_code == 403
		bad_date = restricted.get(
			f"{method}.statement_pdf", params={**dates, "customer": late, "to_date": "x"}
		)
		assert bad_date.status_code == 417 and "InvalidDateError" in bad_date.text
		contacts = sessions["manager"].get(
			f"{method}.export_contacts", params={"customer_segment": segment.name}
		)
		assert (
			contacts.status_code == 200
			and email_of(late) in contacts.text
			and email_of(clean) in contacts.text
		)
		deleted = sessions["manager"].delete(f"{server_url}/api/resource/Customer Segment/{segment.name}")
		assert deleted.status_code in (403, 417)  # a Sales Manager may not delete; nobody while it restricts
	finally:
		frappe.db.rollback()
		customers = [late, clean, outside]
		frappe.db.delete(
			"Email Queue Recipient",
			{
				"parent": (
					"in",
					frappe.get_all("Email Queue", {"reference_name": ("in", customers)}, pluck="name")
					or ["-"],
				)
			},
		)
		frappe.db.delete("Email Queue", {"reference_name": ("in", customers)})
		for name in frappe.get_all("Communication", {"reference_name": ("in", customers)}, pluck="name"):
			frappe.db.delete("File", {"attached_to_name": name, "attached_to_doctype": "Communication"})
			frappe.db.delete("Communication Link", {"parent": name})
			frappe.db.delete("Communication", {"name": name})
		if mailing:
			frappe.delete_doc("Customer Mailing", mailing, force=True, ignore_permissions=True)
		frappe.db.set_value("Customer Segment", segment.name, "restrict_role", None)
		frappe.delete_doc("Customer Segment", segment.name, force=True, ignore_permissions=True)
		frappe.db.delete("Customer Segment Log", {"segment": segment.name})
		frappe.delete_doc("Email Account", account, force=True, ignore_permissions=True)
		purge("Sales Invoice", [overdue.name, other.name])
		purge_masters(customers, [group, other_group], [item], [company])
		for user in users.values():
			remove_user(user)
		frappe.delete_doc("Role", restricted_role.name, force=True, ignore_permissions=True)
		frappe.db.commit()
