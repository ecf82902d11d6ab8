"""The Projects screens in the desk, in French (issue 21): a French Projects User opens the project, task
and timesheet lists and forms without a page error and without an English string the translations know a
French line for; the lists' indicators name the statuses in French. Screenshots: test-artifacts/fr-projects-*.png."""

import re

import frappe
import pytest
from frappe.utils import add_days, today

from tests.browser import ARTIFACTS, DESK, is_realtime_noise
from tests.fixtures import make_company, make_customer, make_group_chain
from tests.french import english_with_french_line
from tests.projects import project, purge_projects, task, time_log, timesheet
from tests.receivables import purge_masters
from tests.test_desk_roles import settle
from tests.users import make_french_user, remove_user

PASSWORD = "Desk-projects-pass-1234!"


@pytest.fixture(scope="module")
def data():
	company = make_company("EUR").name
	chain = make_group_chain(1)
	customer = make_customer(chain[-1]).name
	p = project(company, customer).name
	t = task(p, exp_end_date=add_days(today(), -1)).name
	user = make_french_user("Projects User", password=PASSWORD)
	sheet = timesheet(company, time_log(p, t, hours=2.5), user=user).name
	frappe.db.commit()
	yield frappe._dict(user=user, project=p, task=t, timesheet=sheet)
	remove_user(user)
	purge_projects([p], [t], [sheet])
	purge_masters([customer], chain, [], [company])
	frappe.db.commit()


def test_the_projects_screens_open_in_french(new_desk_page, server_url, data):
	english = english_with_french_line()
	page = new_desk_page(data.user, PASSWORD, locale="fr-FR")
	ARTIFACTS.mkdir(exist_ok=True)
	found, texts = {}, {}
	for key, route in {
		"workspace": "projects",
		"project-list": "project",
		"project": f"project/{data.project}",
		"task-list": "task",
		"task": f"task/{data.task}",
		"timesheet-list": "timesheet",
		"timesheet": f"timesheet/{data.timesheet}",
		"new-timesheet": "timesheet/new",
	}.items():
		page.goto(f"{server_url}{DESK}/{route}")
		settle(page)
		page.wait_for_timeout(500)
		text = page.locator(".page-container:visible").first.inner_text()
		texts[key] = text
		page.screenshot(path=str(ARTIFACTS / f"fr-projects-{key}.png"), full_page=True)
		lines = {line.strip() for line in re.split(r"[\n\t]", text) if line.strip()}
		if lines & english:
			found[key] = sorted(lines & english)
	assert not found, found
	assert {"Projet", "Tâche", "Feuille de temps"} <= set(texts["workspace"].split("\n"))
	assert "En retard" in texts["task-list"] and "Nom du projet" in texts["project"]
	assert "Total des heures travaillées" in texts["timesheet"] and "Validé" in texts["timesheet-list"]
	assert [e for e in page.errors if not is_realtime_noise(e)] == [], page.errors
