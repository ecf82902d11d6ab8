"""Projects, tasks and timesheets (issue 21): the hours logged add up exactly on projects and tasks
(concurrent submits over HTTP included), cancelling takes them back, tasks go Overdue, the percent
complete follows its method, and bad input is refused with a 4xx."""

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import frappe
import pytest
from frappe.desk.form.assign_to import add as assign
from frappe.utils import add_days, today
from frappe.utils.nestedset import get_root_of
from frappe.utils.password import update_password

from crm_app.projects.errors import (
	ClosedProjectError,
	DateOrderError,
	MixedCustomersError,
	NegativeValueError,
	TaskProjectMismatchError,
	TimeLogError,
)
from crm_app.projects.tasks import mark_overdue_tasks
from tests.conftest import SITE, find_sites_path
from tests.fixtures import make_company, make_customer, make_group_chain
from tests.projects import project, purge_projects, task, time_log, timesheet
from tests.receivables import purge_masters
from tests.segments import make_group_segment
from tests.trees import unique
from tests.users import http_session, make_user, remove_user

PASSWORD = "Projects-pass-1234!"


@pytest.fixture(scope="module")
def base():
	company = make_company("EUR")
	chain = make_group_chain(1)
	customers = [make_customer(chain[-1]).name for _ in range(2)]
	frappe.db.commit()
	yield frappe._dict(company=company.name, customers=customers)
	purge_masters(customers, chain, [], [company.name])
	frappe.db.commit()


def actual_time(doctype, name):
	return frappe.db.get_value(doctype, name, "actual_time")


def test_submitted_hours_add_up_on_projects_and_tasks_and_cancel_takes_them_back(base):
	p = project(base.company, base.customers[0]).name
	t1, t2 = task(p).name, task(p).name
	first = timesheet(
		base.company,
		time_log(p, t1, start="2026-06-01 09:00:00", end="2026-06-01 10:30:00"),
		time_log(p, None, hours=2.25),
		time_log(None, t2, hours=0.5),  # the project comes from the task
	)
	assert first.time_logs[2].project == p
	assert first.total_hours == 4.25 and first.customer == base.customers[0]
	assert (actual_time("Project", p), actual_time("Task", t1), actual_time("Task", t2)) == (4.25, 1.5, 0.5)
	second = timesheet(base.company, time_log(p, t1, hours=1.75))
	assert (actual_time("Project", p), actual_time("Task", t1)) == (6.0, 3.25)
	timesheet(base.company, time_log(p, t2, hours=3), submit=False)  # a draft counts for nothing
	assert actual_time("Project", p) == 6.0
	first.cancel()
	assert (actual_time("Project", p), actual_time("Task", t1), actual_time("Task", t2)) == (1.75, 1.75, 0)
	second.cancel()
	assert (actual_time("Project", p), actual_time("Task", t1)) == (0, 0)


def test_billable_hours_default_to_the_hours_and_non_billable_ones_to_none(base):
	p = project(base.company, base.customers[0]).name
	sheet = timesheet(
		base.company,
		time_log(p, hours=2, is_billable=1),
		time_log(p, hours=3, is_billable=1, billing_hours=1.5),
		time_log(p, hours=4, is_billable=0, billing_hours=4),
		submit=False,
	)
	assert [r.billing_hours for r in sheet.time_logs] == [2, 1.5, 0]
	assert (sheet.total_hours, sheet.total_billable_hours) == (9, 3.5)


@pytest.mark.parametrize(
	"log, error",
	[
		({"from_time": "2026-06-01 10:00:00", "to_time": "2026-06-01 09:00:00"}, TimeLogError),
		({"hours": -2}, TimeLogError),
		({"hours": 0}, TimeLogError),
		({"hours": 1, "is_billable": 1, "billing_hours": -1}, NegativeValueError),
	],
)
def test_impossible_time_logs_are_refused(base, log, error):
	p = project(base.company, base.customers[0]).name
	with pytest.raises(error):
		timesheet(base.company, {"project": p, "from_time": "2026-06-01 09:00:00", **log}, submit=False)


def test_a_task_of_another_project_is_refused(base):
	p, other = project(base.company, base.customers[0]).name, project(base.company, base.customers[0]).name
	with pytest.raises(TaskProjectMismatchError):
		timesheet(base.company, time_log(p, task(other).name, hours=1), submit=False)


@pytest.mark.parametrize("status", ["Completed", "Cancelled"])
def test_no_hours_and_no_new_task_on_a_closed_project(base, status):
	p = project(base.company, base.customers[0])
	draft = timesheet(base.company, time_log(p.name, hours=1), submit=False)
	p.status = status
	p.save()
	with pytest.raises(ClosedProjectError):
		timesheet(base.company, time_log(p.name, hours=1), submit=False)
	with pytest.raises(ClosedProjectError):
		draft.submit()
	with pytest.raises(ClosedProjectError):
		task(p.name)


def test_one_timesheet_logs_one_customers_hours(base):
	a, b = (project(base.company, c).name for c in base.customers)
	with pytest.raises(MixedCustomersError):
		timesheet(base.company, time_log(a, hours=1), time_log(b, hours=1), submit=False)


def test_dates_in_order_and_values_in_range(base):
	with pytest.raises(DateOrderError):
		project(base.company, expected_start_date="2026-06-02", expected_end_date="2026-06-01")
	p = project(base.company).name
	with pytest.raises(DateOrderError):
		task(p, exp_start_date="2026-06-02", exp_end_date="2026-06-01")
	with pytest.raises(NegativeValueError):
		task(p, progress=120)
	with pytest.raises(NegativeValueError):
		task(p, expected_time=-1)
	with pytest.raises(NegativeValueError):
		project(base.company, expected_time=-5)


def test_a_task_past_its_end_date_is_overdue_on_save_and_open_again_when_moved(base):
	p = project(base.company, base.customers[0]).name
	late = task(p, exp_end_date=add_days(today(), -1))
	assert late.status == "Overdue"
	late.exp_end_date = add_days(today(), 3)
	late.save()
	assert late.status == "Open"
	done = task(p, exp_end_date=add_days(today(), -1), status="Completed")
	assert done.status == "Completed" and str(done.completed_on) == today()
	done.status = "Working"
	done.save()
	assert done.status == "Overdue" and done.completed_on is None


def test_the_daily_job_marks_every_late_open_task_overdue_at_once(base):
	p = project(base.company, base.customers[0]).name
	tasks = {
		status: task(p, status=status).name
		for status in ("Open", "Working", "Pending Review", "Completed", "Cancelled")
	}
	frappe.db.sql(
		"update `tabTask` set exp_end_date = %s where name in %s",
		(add_days(today(), -2), tuple(tasks.values())),
	)
	on_time = task(p, exp_end_date=today()).name
	assert mark_overdue_tasks() >= 3
	status = dict(
		frappe.get_all("Task", {"name": ["in", [*tasks.values(), on_time]]}, ["name", "status"], as_list=1)
	)
	assert [status[tasks[s]] for s in ("Open", "Working", "Pending Review")] == ["Overdue"] * 3
	assert (status[tasks["Completed"]], status[tasks["Cancelled"]], status[on_time]) == (
		"Completed",
		"Cancelled",
		"Open",
	)
	assert mark_overdue_tasks() == 0  # nothing left to mark: the job can run again


@pytest.mark.parametrize(
	"method, expected", [("Task Completion", 50.0), ("Task Progress", 70.0), ("Manual", 15.0)]
)
def test_percent_complete_follows_its_method(base, method, expected):
	p = project(base.company, base.customers[0], percent_complete_method=method, percent_complete=15).name
	task(p, progress=40)
	task(p, status="Completed")
	task(p, status="Cancelled", progress=0)  # cancelled tasks do not count
	assert frappe.db.get_value("Project", p, "percent_complete") == expected


def test_completing_a_task_closes_its_assignments(base):
	t = task(project(base.company, base.customers[0]).name)
	user = make_user("Projects User")
	assign({"doctype": "Task", "name": t.name, "assign_to": [user]})
	assert frappe.db.get_value("ToDo", {"reference_name": t.name, "allocated_to": user}, "status") == "Open"
	t.reload()
	t.status = "Completed"
	t.save()
	assert frappe.db.get_value("ToDo", {"reference_name": t.name, "allocated_to": user}, "status") == "Closed"


def test_a_project_given_another_customer_takes_its_tasks_and_timesheets_along(base):
	p = project(base.company, base.customers[0])
	t = task(p.name)
	sheet = timesheet(base.company, time_log(p.name, t.name, hours=1))
	assert t.customer == base.customers[0]
	p.customer = base.customers[1]
	p.save()
	assert frappe.db.get_value("Task", t.name, "customer") == base.customers[1]
	assert frappe.db.get_value("Timesheet", sheet.name, "customer") == base.customers[1]


# ---- over HTTP: concurrent submits ----


@pytest.fixture(scope="module")
def worker(base, server_url):
	user = make_user("Projects User")
	update_password(user, PASSWORD)
	frappe.db.commit()
	yield frappe._dict(user=user, sessions=[http_session(server_url, user, PASSWORD) for _ in range(6)])
	remove_user(user)
	frappe.db.commit()


def test_concurrent_submits_over_http_add_up_exactly(base, worker, server_url):
	p = project(base.company, base.customers[0]).name
	tasks = [task(p).name for _ in range(2)]
	hours = [1.25, 2.5, 0.75, 3.0, 1.5, 0.5]
	sheets = [
		timesheet(base.company, time_log(p, tasks[i % 2], hours=h), submit=False, user=worker.user).name
		for i, h in enumerate(hours)
	]
	frappe.db.commit()
	try:

		def submit(pair):
			session, name = pair
			return session.put(f"{server_url}/api/resource/Timesheet/{name}", json={"docstatus": 1})

		with ThreadPoolExecutor(len(sheets)) as pool:
			responses = list(pool.map(submit, zip(worker.sessions, sheets, strict=True)))
		assert [r.status_code for r in responses] == [200] * len(sheets), [r.text[:300] for r in responses]
		frappe.db.rollback()  # a fresh snapshot
		assert actual_time("Project", p) == sum(hours)
		assert [actual_time("Task", t) for t in tasks] == [sum(hours[0::2]), sum(hours[1::2])]

		with ThreadPoolExecutor(3) as pool:
			cancels = list(
				pool.map(
					lambda pair: pair[0].post(
						f"{server_url}/api/method/frappe.client.cancel",
						json={"doctype": "Timesheet", "name": pair[1]},
					),
					zip(worker.sessions[:3], sheets[:3], strict=True),
				)
			)
		assert [r.status_code for r in cancels] == [200] * 3, [r.text[:300] for r in cancels]
		frappe.db.rollback()
		assert actual_time("Project", p) == sum(hours[3:])
		assert [actual_time("Task", t) for t in tasks] == [hours[4], hours[3] + hours[5]]
	finally:
		purge_projects([p], tasks, sheets)
		frappe.db.commit()


def test_bad_input_over_http_is_a_4xx_that_writes_nothing(base, worker, server_url):
	session = worker.sessions[0]
	p = project(base.company, base.customers[0]).name
	closed = project(base.company, base.customers[0], status="Completed").name
	other_task = task(project(base.company, base.customers[0]).name).name
	frappe.db.commit()
	try:
		url = f"{server_url}/api/resource/Timesheet"
		bodies = [
			time_log(p, start="2026-06-01 10:00:00", end="2026-06-01 09:00:00"),
			time_log(p, hours=-3),
			time_log(p, other_task, hours=1),
			time_log(closed, hours=1),
		]
		for log in bodies:
			response = session.post(url, json={"company": base.company, "time_logs": [log]})
			assert response.status_code == 417, response.text[:300]
		assert not frappe.get_all("Timesheet", {"user": worker.user, "company": base.company})
	finally:
		purge_projects([p, closed, frappe.db.get_value("Task", other_task, "project")], [other_task])
		frappe.db.commit()


def test_the_bench_command_marks_overdue_tasks(base):
	p = project(base.company, base.customers[0]).name
	late = task(p).name
	frappe.db.set_value("Task", late, "exp_end_date", add_days(today(), -1), update_modified=False)
	frappe.db.commit()
	try:
		result = subprocess.run(
			[
				sys.executable,
				"-m",
				"frappe.utils.bench_helper",
				"frappe",
				"--site",
				SITE,
				"crm",
				"mark-overdue-tasks",
			],
			cwd=find_sites_path(),
			capture_output=True,
			text=True,
			timeout=300,
		)
		assert result.returncode == 0, result.stderr[-2000:]
		assert "tasks marked Overdue" in result.stdout
		frappe.db.rollback()
		assert frappe.db.get_value("Task", late, "status") == "Overdue"
	finally:
		purge_projects([p], [late])
		frappe.db.commit()


def test_a_role_restricted_to_a_segment_reads_its_members_projects_tasks_and_timesheets_only(base):
	from crm_app.projects.overview import projects_block

	group = make_group_chain(1)[-1]
	member = make_customer(group).name
	outsider = base.customers[0]
	mine, theirs = project(base.company, member), project(base.company, outsider)
	tasks = [task(mine.name).name, task(theirs.name).name]
	sheets = [timesheet(base.company, time_log(p.name, hours=1)).name for p in (mine, theirs)]
	role = frappe.get_doc({"doctype": "Role", "role_name": unique("Key Projects"), "desk_access": 1}).insert()
	make_group_segment("Key projects", group, restrict_role=role.name)
	user = make_user("Projects User", role.name)
	frappe.set_user(user)
	assert set(frappe.get_list("Project", {"name": ["in", [mine.name, theirs.name]]}, pluck="name")) == {
		mine.name
	}
	assert frappe.get_list("Task", {"name": ["in", tasks]}, pluck="name") == [tasks[0]]
	assert frappe.get_list("Timesheet", {"name": ["in", sheets]}, pluck="name") == [sheets[0]]
	assert not frappe.has_permission("Project", "read", doc=theirs.name)
	assert not frappe.has_permission("Timesheet", "read", doc=sheets[1])
	assert frappe.has_permission("Task", "write", doc=tasks[0])
	assert [f["count"] for f in projects_block([member, outsider])["figures"]][-1] == 1
