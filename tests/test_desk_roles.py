"""The desk as each role (issue 24), in headless Chromium: every screen the README's role matrix gives a
role opens without a page error, a console error, a 4xx or a 5xx (the realtime connection aside, see
tests/browser.py), and every screen it refuses to the role is refused, with none of its data shown.

The screens come from ONE place, `screens_of`, which reads the role matrix of the README ("Roles and
permissions", parsed by tests/test_role_matrix.py): the lists, new and existing forms of the doctypes a
person works on, the tree views, CRM Settings, the workspace and the four reports.

Each role walks its screens once, as people do (its own browser context and session, routing inside the
desk as a click does): the five business roles in French, where the walk also fails on an English
string on screen (a text or placeholder that is an English source string of Frappe or the app which
French does not give as is, or that an English template draws), on an amount in dirham, and also opens
the customer quick entry (a link field's dropdown open) and the search bar; System Manager in English.
Users limited to a territory, to a customer group and to a segment walk their lists, forms and trees:
they see their customers only and are refused the others'.

One screenshot per user and screen kind lands in test-artifacts/ (desk-<user>-<kind>.png) for a person
to look at.
"""

import functools
import json
import re
from dataclasses import dataclass, field

import frappe
import pytest
from frappe.utils.nestedset import get_root_of
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser import ARTIFACTS, DESK, page_errors, quiet
from tests.fixtures import make_company, make_customer
from tests.receivables import invoice, make_fiscal_year, make_item, payment, purge, purge_masters
from tests.segments import make_group_segment
from tests.test_role_matrix import DOCTYPES, REPORTS, ROLES
from tests.trees import make_node, unique
from tests.users import make_french_user, remove_user

PASSWORD = "Desk-roles-pass-1234!"
FRENCH_ROLES = [role for role in ROLES if role != "System Manager"]

# the doctypes a person works on in the desk: their list, a record's form and a new form, as the role may
WORKED_ON = [
	"Customer",
	"Customer Group",
	"Territory",
	"Lead",
	"Sales Target",
	"Customer Segment",
	"Customer Mailing",
	"Customer Import",
	"Sales Invoice",
	"Payment Entry",
]
TREES = ["Customer Group", "Territory", "Sales Target"]
SINGLES = ["CRM Settings"]
# English the desk shows that is no __() call: Awesomplete's status line under link fields
LIBRARY_STRINGS = {"Begin typing for results.", "No results found"}


@dataclass
class Screen:
	kind: str  # workspace, list, form, new-form, tree, settings, report
	route: str
	allowed: bool
	doctype: str = ""
	route_options: dict = field(default_factory=dict)
	hidden: tuple = ()  # what a refused screen must not show

	@property
	def label(self) -> str:
		return f"{self.kind} {self.doctype or self.route}"


def screens_of(role: str, world) -> list[Screen]:
	"""The screens of a role, allowed and refused, from the README's role matrix."""

	def may(doctype, right):
		return right in DOCTYPES[doctype][role]

	screens = [Screen("workspace", f"{DESK}/crm", True)]
	for doctype in WORKED_ON:
		slug = frappe.scrub(doctype).replace("_", "-")
		record = world.records[doctype]
		reads = may(doctype, "r")
		hidden = () if reads else (record,)
		screens.append(Screen("list", f"{DESK}/{slug}", reads, doctype, hidden=hidden))
		screens.append(Screen("form", f"{DESK}/{slug}/{record}", reads, doctype, hidden=hidden))
		if may(doctype, "c"):
			screens.append(Screen("new-form", f"{DESK}/{slug}/new", True, doctype))
	for doctype in TREES:
		if may(doctype, "r"):
			slug = frappe.scrub(doctype).replace("_", "-")
			screens.append(Screen("tree", f"{DESK}/{slug}/view/tree", True, doctype))
	for doctype in SINGLES:
		slug = frappe.scrub(doctype).replace("_", "-")
		screens.append(Screen("settings", f"{DESK}/{slug}", may(doctype, "r"), doctype))
	for report, roles in REPORTS.items():
		screens.append(
			Screen(
				"report",
				f"{DESK}/query-report/{report}",
				roles[role],
				report,
				route_options=world.report_filters[report],
			)
		)
	return screens


def scoped_screens(world) -> list[Screen]:
	"""A user limited to part of the customers: their customer's form and invoices, the lists showing
	theirs only, the others' form refused, the trees."""
	inside, outside = world.inside, world.outside
	return [
		Screen("list", f"{DESK}/customer", True, "Customer", hidden=(outside,)),
		Screen("form", f"{DESK}/customer/{inside}", True, "Customer"),
		Screen("form", f"{DESK}/customer/{outside}", False, "Customer", hidden=(outside,)),
		Screen("list", f"{DESK}/sales-invoice", True, "Sales Invoice", hidden=(world.outside_invoice,)),
		Screen(
			"form",
			f"{DESK}/sales-invoice/{world.outside_invoice}",
			False,
			"Sales Invoice",
			hidden=(world.outside_invoice,),
		),
		*(
			Screen("tree", f"{DESK}/{s}/view/tree", True, d)
			for s, d in (("customer-group", "Customer Group"), ("territory", "Territory"))
		),
	]


@pytest.fixture(scope="module")
def world():
	"""A company with a fiscal year; a region (a town inside) and a group of customer groups (a leaf
	inside), a customer inside both and one outside, each with an invoice; one record of each doctype
	worked on; a user per role (French but System Manager) and three Sales Users limited to the region,
	to the group and to a segment of the inside leaf. All committed, removed afterwards."""
	made = frappe._dict(users={}, scoped={})
	fiscal_year = make_fiscal_year()
	company = make_company("EUR").name
	item = make_item()
	root_territory, root_group = get_root_of("Territory"), get_root_of("Customer Group")
	region = make_node("Territory", unique("Desk region"), root_territory, is_group=1).name
	town = make_node("Territory", unique("Desk town"), region, is_group=0).name
	elsewhere = make_node("Territory", unique("Desk elsewhere"), root_territory, is_group=0).name
	groups = make_node("Customer Group", unique("Desk groups"), root_group, is_group=1).name
	inside_group = make_node("Customer Group", unique("Desk inside"), groups, is_group=0).name
	outside_group = make_node("Customer Group", unique("Desk outside"), root_group, is_group=0).name
	inside = make_customer(inside_group, territory=town).name
	outside = make_customer(outside_group, territory=elsewhere).name
	inside_invoice = invoice(inside, company, item, rate=1200).name
	outside_invoice = invoice(outside, company, item, rate=700).name
	paid = payment(inside, company, 200, allocations=[(inside_invoice, 200)]).name
	target = make_node(
		"Sales Target",
		unique("Desk target"),
		get_root_of("Sales Target"),
		target_qty=1,
		fiscal_year=fiscal_year,
	).name
	lead = frappe.get_doc({"doctype": "Lead", "lead_name": unique("Desk lead")}).insert().name
	upload = frappe.get_doc(
		{"doctype": "File", "file_name": f"{unique('desk')}.csv", "content": "Customer Name\nX\n"}
	).insert()
	customer_import = (
		frappe.get_doc({"doctype": "Customer Import", "import_file": upload.file_url}).insert().name
	)
	reader = (
		frappe.get_doc({"doctype": "Role", "role_name": unique("Desk reader"), "desk_access": 1})
		.insert()
		.name
	)
	segment = make_group_segment("Desk segment", inside_group, restrict_role=reader).name
	mailing = (
		frappe.get_doc(
			{
				"doctype": "Customer Mailing",
				"title": unique("Desk mailing"),
				"mailing_type": "Email",
				"customer_segment": segment,
				"subject": "Bonjour",
				"message": "Bonjour {{ customer.customer_name }}",
			}
		)
		.insert()
		.name
	)
	for role in ROLES:
		# Frappe's own first-visit tours marked done (make_french_user), else they cover the screens
		made.users[role] = make_french_user(role, password=PASSWORD)
		if role not in FRENCH_ROLES:
			frappe.db.set_value("User", made.users[role], "language", "en")
	for key, roles, allow, value in (
		("territory", ["Sales User"], "Territory", region),
		("group", ["Sales User"], "Customer Group", groups),
		("segment", ["Sales User", reader], None, None),
	):
		made.scoped[key] = make_french_user(*roles, password=PASSWORD)
		if allow:
			frappe.get_doc(
				{"doctype": "User Permission", "user": made.scoped[key], "allow": allow, "for_value": value}
			).insert()
	for user in [*made.users.values(), *made.scoped.values()]:
		frappe.defaults.set_user_default("company", company, user)
	frappe.db.commit()
	made.update(
		inside=inside,
		outside=outside,
		outside_invoice=outside_invoice,
		records={
			"Customer": inside,
			"Customer Group": inside_group,
			"Territory": town,
			"Lead": lead,
			"Sales Target": target,
			"Customer Segment": segment,
			"Customer Mailing": mailing,
			"Customer Import": customer_import,
			"Sales Invoice": inside_invoice,
			"Payment Entry": paid,
		},
		report_filters={
			"Customer Group Statistics": {"fiscal_year": fiscal_year, "customer_group": root_group},
			"Customer Group Trends": {"fiscal_year": fiscal_year},
			"Sales Target Variance": {"fiscal_year": fiscal_year},
			"Sales Target Invoices": {
				"sales_target": target,
				"from_date": "2026-01-01",
				"to_date": "2026-12-31",
			},
		},
	)
	yield made
	frappe.db.rollback()
	users = [*made.users.values(), *made.scoped.values()]
	frappe.db.delete("User Permission", {"user": ["in", users]})
	for user in users:
		remove_user(user)
	frappe.delete_doc("Customer Mailing", mailing, force=True, ignore_permissions=True)
	frappe.db.set_value("Customer Segment", segment, "restrict_role", None)
	frappe.delete_doc("Customer Segment", segment, force=True, ignore_permissions=True)
	frappe.db.delete("Customer Segment Log", {"segment": segment})
	frappe.delete_doc("Role", reader, force=True, ignore_permissions=True)
	frappe.delete_doc("Customer Import", customer_import, force=True, ignore_permissions=True)
	frappe.delete_doc("File", upload.name, force=True, ignore_permissions=True)
	frappe.delete_doc("Lead", lead, force=True, ignore_missing=True)
	frappe.delete_doc("Sales Target", target, force=True, ignore_missing=True)
	purge("Payment Entry", [paid])
	purge("Sales Invoice", [inside_invoice, outside_invoice])
	purge_masters([inside, outside], [inside_group, outside_group, groups], [item], [company])
	for territory in (town, elsewhere, region):
		frappe.delete_doc("Territory", territory, force=True)
	frappe.db.commit()


# --- the walk -------------------------------------------------------------------------------------------


def settle(page) -> None:
	"""The desk loaded and nothing asked of the server for a moment."""
	page.wait_for_function(
		"() => window.frappe && frappe.container && frappe.container.page && !frappe.request.ajax_count",
		timeout=30_000,
	)
	quiet(page, 600)


DRAWN = {
	# its cards and chart drawn before leaving (a chart drawn hidden errs)
	"workspace": "() => [...document.querySelectorAll('.number-widget-box')].every(w => w.querySelector('.number'))"
	" && [...document.querySelectorAll('.dashboard-widget-box')].every(w => w.querySelector('svg'))",
	# its rows (or the notice that there are none)
	"report": '() => document.querySelector(\'.page-container:not([style*="none"]) .dt-row-0, '
	'.page-container:not([style*="none"]) .no-result\')',
	"tree": "() => document.querySelector('.page-container:not([style*=\"none\"]) .tree-link')",
}
CUSTOMER_OVERVIEW = "() => document.querySelector('.crm-customer-overview .crm-overview-block')"
REFUSED = """() => [...document.querySelectorAll('.message-page-image, .modal.show .msgprint')].some(
	e => e.offsetParent !== null)"""


def visit(page, screen: Screen) -> bool:
	"""Route inside the desk already loaded (as a user clicks); True once the screen is drawn."""
	page.evaluate("() => $('.modal:visible').modal('hide')")  # a message left open by the last screen
	page.evaluate(
		"([route, options]) => { frappe.route_options = options; frappe.set_route(route); }",
		[screen.route, screen.route_options or None],
	)
	try:
		page.wait_for_function(
			"() => frappe.container.page && frappe.container.page.offsetParent !== null"
			" && !frappe.request.ajax_count",
			timeout=30_000,
		)
		quiet(page)
		if screen.allowed and screen.kind in DRAWN:
			page.wait_for_function(DRAWN[screen.kind], timeout=30_000)
		if screen.allowed and screen.kind == "form" and screen.doctype == "Customer":
			page.wait_for_function(CUSTOMER_OVERVIEW, timeout=30_000)
		quiet(page, 300)
		return True
	except PlaywrightTimeout:
		return False


def is_refusal(error: str) -> bool:
	"""The server's refusal of a screen, as the network and the console report it: a 403, or the 404 of a
	route that names a doctype the user may not read (the desk asks for it as a page)."""
	return (
		error.startswith(("403 ", "404 "))
		or (
			error.startswith("console: Failed to load resource")
			and ("status of 403" in error or "status of 404" in error)
		)
		# the desk logs the server's refusal (its traceback) in the console
		or (error.startswith("console:") and "PermissionError" in error)
	)


VISIBLE_TEXTS = """() => {
	const texts = document.body.innerText.split(/[\\n\\t]/);
	for (const input of document.querySelectorAll("input[placeholder], textarea[placeholder]")) {
		if (input.offsetParent !== null) texts.push(input.placeholder);
	}
	return texts.map((t) => t.trim()).filter(Boolean);
}"""


def visible_texts(page) -> set[str]:
	return set(page.evaluate(VISIBLE_TEXTS))


@functools.cache
def english_sources() -> frozenset[str]:
	"""The English source strings of Frappe and the app: their messages (code, doctypes, reports) and the
	keys of their translation files."""
	from frappe.translate import get_messages_for_app, get_translations_from_apps

	sources = set(LIBRARY_STRINGS)
	for app in ("frappe", "crm_app"):
		sources.update(message[1] for message in get_messages_for_app(app) if message[1])
	sources.update(get_translations_from_apps("fr", ["frappe", "crm_app"]))
	return frozenset(source.strip() for source in sources if source and source.strip())


@functools.cache
def french() -> dict[str, str]:
	from frappe.translate import get_translations_from_apps

	return get_translations_from_apps("fr", ["frappe", "crm_app"])


def english_on_screen(texts: set[str]) -> set[str]:
	"""The texts that are an English source string which French does not give as is (a word the same in
	both languages, "Date", "Type", has a French line equal to it), or that an English template with
	placeholders ("Search for {0}") draws."""
	sources, fr = english_sources(), french()
	exact = {text for text in texts if text in sources and fr.get(text) != text and any_letters(text)}
	drawn = templates(frozenset(s for s in sources if fr.get(s) != s))
	return exact | {text for text in texts if drawn.fullmatch(text)}


@functools.cache
def templates(sources: frozenset[str]) -> re.Pattern:
	"""One pattern matching what any template among sources draws, its placeholders filled: templates
	whose own words are two or more words long (a lone "{0}: {1}" or "Total {0}" is too loose to tell)."""
	patterns = []
	for source in sources:
		parts = re.split(r"\{\d+\}", source)
		if len(parts) > 1 and len(re.findall(r"[A-Za-z]{2,}", "".join(parts))) >= 2:
			patterns.append(".+?".join(re.escape(part) for part in parts))
	return re.compile("|".join(f"(?:{p})" for p in sorted(patterns)), re.DOTALL)


def any_letters(text: str) -> bool:
	"""Words, not a code such as a naming series (ACC-SINV-.YYYY.-)."""
	return bool(re.search(r"[A-Za-z]{2,}", text)) and not re.fullmatch(r"[A-Z0-9.#/_-]+", text)


def open_quick_entry(page, screenshot) -> set[str]:
	"""The customer quick entry from the list's primary button, a link field's dropdown open: its texts."""
	page.locator(".page-container:visible .primary-action:visible").first.click()
	dialog = page.locator(".modal.show .modal-dialog")
	dialog.wait_for(timeout=15_000)
	link = dialog.locator("input[data-fieldtype='Link']:visible")
	if link.count():
		link.first.click()
		dropdown(page)
	texts = visible_texts(page)
	page.screenshot(path=str(screenshot))
	page.keyboard.press("Escape")
	page.evaluate("() => $('.modal:visible').modal('hide')")
	page.wait_for_selector(".modal.show", state="detached", timeout=15_000)
	return texts


def dropdown(page) -> None:
	"""An Awesomplete dropdown (a link field's or the search bar's) drawn after its search came back."""
	page.wait_for_timeout(1000)
	quiet(page, 300)


def open_search_bar(page, screenshot) -> set[str]:
	page.click("#navbar-search")
	page.keyboard.type("Cli")
	dropdown(page)
	texts = visible_texts(page)
	page.screenshot(path=str(screenshot))
	page.keyboard.press("Escape")
	page.fill("#navbar-search", "")
	return texts


def short(error: str) -> str:
	"""A server traceback's exception line, or the message itself."""
	if "Traceback" in error:
		lines = [
			line for line in error.strip().splitlines() if re.match(r"\s*[\w.]+(Error|Exception)\b", line)
		]
		return (lines[-1] if lines else error.strip().splitlines()[-1])[:300]
	return error[:300]


def walk(page, screens: list[Screen], name: str, in_french: bool) -> list[str]:
	"""Visit each screen; what went wrong, one line each. One screenshot per screen kind."""
	problems, shot = [], set()
	ARTIFACTS.mkdir(exist_ok=True)
	for screen in screens:
		page.errors.clear()
		drawn = visit(page, screen)
		refused = page.evaluate(REFUSED)
		# the page (a refusal message may name the record asked for: it shows none of its data)
		text = page.evaluate("() => frappe.container.page ? frappe.container.page.innerText : ''")
		kind = screen.kind if screen.allowed else "refused"
		if kind not in shot:  # before the quick entry and the search bar are opened
			shot.add(kind)
			page.screenshot(path=str(ARTIFACTS / f"desk-{name}-{kind}.png"))
		extra = set()
		if in_french and drawn and screen.allowed:
			if screen.kind == "workspace":
				extra |= open_search_bar(page, ARTIFACTS / f"desk-{name}-search.png")
			if (
				screen.kind == "list"
				and screen.doctype == "Customer"
				and page.locator(".page-container:visible .primary-action:visible").count()
			):
				extra |= open_quick_entry(page, ARTIFACTS / f"desk-{name}-quick-entry.png")
		errors = page_errors(page)
		if screen.allowed:
			if not drawn:
				problems.append(f"{screen.label}: not drawn")
			if refused:
				problems.append(f"{screen.label}: refused, the matrix allows it")
		else:
			refused = refused or any(e.startswith(("403 ", "404 ")) for e in errors)
			errors = [e for e in errors if not is_refusal(e)]
			if not refused:
				problems.append(f"{screen.label}: not refused, the matrix refuses it")
		shown = [value for value in screen.hidden if value in text]
		if shown:
			problems.append(f"{screen.label}: shows {shown}")
		problems.extend(f"{screen.label}: {short(e)}" for e in errors)
		if "د.إ" in text:
			problems.append(f"{screen.label}: an amount in dirham")
		if in_french and screen.allowed:
			english = english_on_screen(visible_texts(page) | extra)
			if english:
				problems.append(f"{screen.label}: English {json.dumps(sorted(english), ensure_ascii=False)}")
	return problems


def open_desk(new_desk_page, user: str, in_french: bool):
	options = {"viewport": {"width": 1280, "height": 900}}
	if in_french:
		options["locale"] = "fr-FR"
	page = new_desk_page(user, PASSWORD, **options)
	settle(page)  # the landing workspace drawn (its chart included) before the walk routes away
	return page


def slug(name: str) -> str:
	return name.lower().replace(" ", "-")


@pytest.mark.parametrize("role", ROLES)
def test_each_role_walks_its_screens_and_is_refused_the_others(new_desk_page, world, role):
	in_french = role in FRENCH_ROLES
	page = open_desk(new_desk_page, world.users[role], in_french)
	problems = walk(page, screens_of(role, world), slug(role), in_french)
	assert not problems, "\n".join(problems)


@pytest.mark.parametrize("scope", ["territory", "group", "segment"])
def test_a_scoped_user_sees_only_their_customers(new_desk_page, world, scope):
	page = open_desk(new_desk_page, world.scoped[scope], True)
	problems = walk(page, scoped_screens(world), f"scoped-{scope}", True)
	page.evaluate("route => frappe.set_route(route)", f"{DESK}/customer")
	page.wait_for_selector(f".list-row:has-text('{world.inside}')", timeout=30_000)
	assert not problems, "\n".join(problems)
