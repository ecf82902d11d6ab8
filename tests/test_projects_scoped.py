"""Projects, tasks and timesheets of users limited to a territory (issue 21): a Sales User reads only its
customers' ones over REST (a 403 on the others), a Projects User works on its customers' projects only,
and the overview's Projects blocks count exactly what the user may read."""

import frappe
import pytest
from frappe.utils import add_days, today
from frappe.utils.nestedset import get_root_of
from frappe.utils.password import update_password

from crm_app.projects.overview import projects_block, tasks_block
from tests.fixtures import make_company, make_customer, make_group_chain
from tests.projects import project, purge_projects, task, time_log, timesheet
from tests.receivables import purge_masters
from tests.trees import make_node, unique
from tests.users import http_session, make_user, remove_user

PASSWORD = "Projects-scoped-pass-1234!"


@pytest.fixture(scope="module")
def world(server_url):
	"""In each of two regions a customer with: an open project (4 h + 1.5 h submitted, a 2 h draft), a
	completed one (3 h), a cancelled one; tasks overdue, due in 3 days, due in 10 days, done. And users
	limited to the first region: a Sales User and a Projects User; an Accounts User (no project rights)."""
	company = make_company("EUR").name
	chain = make_group_chain(1)
	made = frappe._dict(projects=[], tasks=[], timesheets=[], customers=[], territories=[])
	for key in ("in", "out"):
		region = make_node("Territory", unique(f"Projects {key}"), get_root_of("Territory"), is_group=1).name
		leaf = make_node("Territory", unique(f"Projects {key} town"), region, is_group=0).name
		made.territories += [leaf, region]
		customer = make_customer(chain[-1], territory=leaf).name
		made.customers.append(customer)
		open_, done, dropped = (project(company, customer) for _ in range(3))
		tasks = [
			task(open_.name, exp_end_date=add_days(today(), -2)),
			task(open_.name, exp_end_date=add_days(today(), 3)),
			task(open_.name, exp_end_date=add_days(today(), 10)),
			task(open_.name, exp_end_date=add_days(today(), 1), status="Completed"),
		]
		sheets = [
			timesheet(company, time_log(open_.name, tasks[0].name, hours=4)),
			timesheet(company, time_log(open_.name, hours=1.5)),
			timesheet(company, time_log(open_.name, hours=2), submit=False),
			timesheet(company, time_log(done.name, hours=3)),
		]
		done.reload()
		done.status = "Completed"
		done.save()
		dropped.status = "Cancelled"
		dropped.save()
		made.projects.append([open_.name, done.name, dropped.name])
		made.tasks.append([t.name for t in tasks])
		made.timesheets.append([s.name for s in sheets])
		if key == "in":
			in_region = region
	users = {
		"sales": make_user("Sales User"),
		"projects": make_user("Projects User"),
		"accounts": make_user("Accounts User"),
		"projects_all": make_user("Projects User"),
	}
	for key in ("sales", "projects"):
		frappe.get_doc(
			{"doctype": "User Permission", "user": users[key], "allow": "Territory", "for_value": in_region}
		).insert()
	for user in users.values():
		update_password(user, PASSWORD)
	frappe.db.commit()
	made.users = users
	made.company = company
	made.sessions = {key: http_session(server_url, user, PASSWORD) for key, user in users.items()}
	yield made
	for user in users.values():
		frappe.db.delete("User Permission", {"user": user})
		remove_user(user)
	purge_projects(
		[p for ps in made.projects for p in ps],
		[t for ts in made.tasks for t in ts],
		[s for ss in made.timesheets for s in ss],
	)
	purge_masters(made.customers, chain, [], [company])
	for territory in made.territories:
		frappe.delete_doc("Territory", territory, force=True)
	frappe.db.commit()


def listed(session, url, doctype, **filters):
	response = session.get(
		f"{url}/api/resource/{doctype}",
		params={"limit_page_length": 0, "filters": frappe.as_json(filters) if filters else None},
	)
	assert response.status_code == 200, response.text[:500]
	return {row["name"] for row in response.json()["data"]}


@pytest.mark.parametrize("who", ["sales", "projects"])
def test_a_user_limited_to_a_territory_reads_its_customers_projects_tasks_and_timesheets_only(
	world, server_url, who
):
	session = world.sessions[who]
	for doctype, made in (
		("Project", world.projects),
		("Task", world.tasks),
		("Timesheet", world.timesheets),
	):
		names = listed(session, server_url, doctype)
		assert set(made[0]) <= names and not names & set(made[1]), doctype
		assert session.get(f"{server_url}/api/resource/{doctype}/{made[0][0]}").status_code == 200
		response = session.get(f"{server_url}/api/resource/{doctype}/{made[1][0]}")
		assert response.status_code == 403, response.text[:300]


def test_an_unlimited_projects_user_reads_both(world, server_url):
	names = listed(world.sessions["projects_all"], server_url, "Project")
	assert set(world.projects[0]) | set(world.projects[1]) <= names


def test_the_accounts_roles_read_no_project(world, server_url):
	for doctype in ("Project", "Task", "Timesheet"):
		response = world.sessions["accounts"].get(f"{server_url}/api/resource/{doctype}")
		assert response.status_code == 403, response.text[:300]


def test_a_sales_user_reads_but_does_not_write(world, server_url):
	session = world.sessions["sales"]
	response = session.put(f"{server_url}/api/resource/Task/{world.tasks[0][1]}", json={"progress": 10})
	assert response.status_code == 403, response.text[:300]
	response = session.post(
		f"{server_url}/api/resource/Project", json={"project_name": "x", "company": world.company}
	)
	assert response.status_code == 403, response.text[:300]


def test_a_limited_projects_user_works_for_its_customers_only(world, server_url):
	session, url = world.sessions["projects"], server_url
	made = {"Project": [], "Task": [], "Timesheet": []}
	try:
		ok = session.post(
			f"{url}/api/resource/Project",
			json={"project_name": unique("Mine"), "company": world.company, "customer": world.customers[0]},
		)
		assert ok.status_code == 200, ok.text[:300]
		mine = ok.json()["data"]["name"]
		made["Project"].append(mine)
		refused = session.post(
			f"{url}/api/resource/Project",
			json={"project_name": unique("Theirs"), "company": world.company, "customer": world.customers[1]},
		)
		assert refused.status_code == 403, refused.text[:300]
		# moving its own project to another's customer
		moved = session.put(f"{url}/api/resource/Project/{mine}", json={"customer": world.customers[1]})
		assert moved.status_code == 403, moved.text[:300]
		refused = session.put(f"{url}/api/resource/Task/{world.tasks[1][1]}", json={"progress": 50})
		assert refused.status_code == 403, refused.text[:300]
		ok = session.post(f"{url}/api/resource/Task", json={"subject": unique("Mine"), "project": mine})
		assert ok.status_code == 200, ok.text[:300]
		made["Task"].append(ok.json()["data"]["name"])
		refused = session.post(
			f"{url}/api/resource/Task", json={"subject": unique("Theirs"), "project": world.projects[1][0]}
		)
		assert refused.status_code == 403, refused.text[:300]
		ok = session.post(
			f"{url}/api/resource/Timesheet",
			json={"company": world.company, "docstatus": 1, "time_logs": [time_log(mine, hours=2)]},
		)
		assert ok.status_code == 200, ok.text[:300]
		made["Timesheet"].append(ok.json()["data"]["name"])
		refused = session.post(
			f"{url}/api/resource/Timesheet",
			json={"company": world.company, "time_logs": [time_log(world.projects[1][0], hours=2)]},
		)
		assert refused.status_code == 403, refused.text[:300]
		frappe.db.rollback()
		assert frappe.db.get_value("Project", mine, "actual_time") == 2
		assert frappe.db.get_value("Project", world.projects[1][0], "actual_time") == 4 + 1.5
	finally:
		purge_projects(made["Project"], made["Task"], made["Timesheet"])
		frappe.db.commit()


# ---- the overview's blocks ----


def figures(block):
	return {f["label"]: (f["count"], f["hours"]) for f in block["figures"]}


def test_the_projects_block_counts_projects_by_status_with_their_hours(world):
	block = projects_block([world.customers[0]])
	assert (block["key"], block["tab"]) == ("projects", "projects")
	assert figures(block) == {
		"Open": (1, 5.5),
		"Completed": (1, 3.0),
		"Cancelled": (1, 0.0),
		"Total": (3, 8.5),
	}
	both = figures(projects_block(world.customers))
	assert both["Total"] == (6, 17.0)
	route = block["figures"][0]["route"]
	assert route == ["List", "Project", {"customer": world.customers[0], "status": "Open"}]


def test_the_tasks_block_counts_overdue_to_do_and_upcoming_tasks(world):
	block = tasks_block([world.customers[0]])
	assert figures(block) == {
		"Overdue": (1, None),
		"To Do": (3, None),
		"Upcoming (next 7 days)": (1, None),
	}
	assert figures(tasks_block(world.customers))["To Do"] == (6, None)


@pytest.mark.parametrize("who", ["sales", "projects"])
def test_the_blocks_count_only_what_a_limited_user_reads(world, who):
	frappe.set_user(world.users[who])
	assert figures(projects_block(world.customers))["Total"] == (3, 8.5)
	assert figures(tasks_block(world.customers))["To Do"] == (3, None)


def test_the_blocks_are_left_out_for_a_role_that_reads_no_project(world):
	frappe.set_user(world.users["accounts"])
	assert projects_block(world.customers) is None and tasks_block(world.customers) is None


def test_each_block_is_one_query(world):
	for block in (projects_block, tasks_block):
		frappe.set_user(world.users["sales"])
		queries = []
		original = frappe.db.sql

		def counting(query, *args, **kwargs):
			if "`tabProject`" in str(query) or "`tabTask`" in str(query):
				queries.append(query)
			return original(query, *args, **kwargs)

		frappe.db.sql = counting
		try:
			block(world.customers)
		finally:
			frappe.db.sql = original
		assert len([q for q in queries if "count(" in str(q)]) == 1


def test_a_list_may_ask_a_links_title_as_frappes_list_view_does_and_nothing_else_of_it(world, server_url):
	session, url = world.sessions["projects_all"], f"{server_url}/api/method/frappe.desk.reportview.get"
	asked = {
		"doctype": "Project",
		"fields": '["`tabProject`.`name`", "customer.customer_name as customer_customer_name"]',
	}
	response = session.post(url, data=asked)
	assert response.status_code == 200, response.text[:300]
	for field in ("customer.customer_group", "customer.customer_name as x) union select 1 --"):
		response = session.post(url, data={**asked, "fields": f'["{field}"]'})
		assert response.status_code == 417, response.text[:300]
