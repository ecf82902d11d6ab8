"""One named mutex (crm_app.locks): the ledger summary's rebuild, the target actuals' recount and a
segment's lock wait a bounded time, then answer 409 "busy, try again" (issue 20)."""

import frappe
import pytest
from frappe.database import get_db

from crm_app import locks
from crm_app.customers import segment_members
from crm_app.receivables import ledger
from crm_app.sales_targets import actuals
from tests.fixtures import make_group_chain
from tests.segments import make_group_segment


@pytest.fixture
def other_session():
	"""A second connection to the site's database: another user's transaction."""
	db = get_db(host=frappe.conf.db_host, port=frappe.conf.db_port, user=frappe.conf.db_name)
	db.connect()
	yield db
	db.rollback()
	db.close()


@pytest.fixture
def short_waits(monkeypatch):
	monkeypatch.setattr(locks, "LOCK_WAIT_SECONDS", 1)
	monkeypatch.setattr(locks, "LOCK_ATTEMPTS", 2)


@pytest.mark.parametrize(
	"doctype, run",
	[
		(ledger.SUMMARY, ledger.rebuild_summary),
		(actuals.ACTUAL, actuals.rebuild_actuals),
	],
)
def test_a_rebuild_held_up_by_another_answers_busy(doctype, run, other_session, short_waits):
	other_session.sql("select name from `tabDocType` where name = %s for update", doctype)
	with pytest.raises(locks.ConcurrentWriteError) as refused:
		run()
	assert refused.value.http_status_code == 409


def test_a_segment_held_by_another_answers_busy(other_session, short_waits):
	group = make_group_chain(1)[0]
	segment = make_group_segment("Locked", group).name
	frappe.db.commit()  # the other session must see it to lock it
	try:
		other_session.sql("select name from `tabCustomer Segment` where name = %s for update", segment)
		with pytest.raises(locks.ConcurrentWriteError):
			segment_members.refresh(segment)
		other_session.rollback()
		assert segment_members.refresh(segment) == {"joined": 0, "left": 0}  # free again: it runs
	finally:
		other_session.rollback()
		frappe.db.rollback()
		frappe.delete_doc("Customer Segment", segment, force=True)
		frappe.delete_doc("Customer Group", group, force=True)
		frappe.db.commit()
