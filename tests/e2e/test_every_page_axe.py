"""axe-core and reflow on every kind of page the demo leads to, as everyone who uses it.

The journeys check the pages they pass through; this finds the rest, as the access matrix does
for routes, so a new page cannot escape the check. It loads the demo, moves the clock to a
workshop's day (so the check-in pages show their day-of state), and follows every link from
each person's start pages in chromium: the public's, each kind of staff's, and the personal
links the demo's emails carry. One page of each kind is checked (ids and tokens vary; the
template does not) at 320 CSS pixels wide, where it must not need scrolling sideways, and
every page must load without a server error or a script refused by the Content-Security-Policy.
"""

from __future__ import annotations

import collections
from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page
from werkzeug.exceptions import HTTPException
from werkzeug.routing import MapAdapter

from tests import demo_site
from tests.conftest import clock_at
from tests.demo_site import A_WORKSHOPS_DAY
from tests.e2e.conftest import LiveServer
from tests.e2e.support import Checks, overflow, sign_in, tables_scrolled

pytestmark = pytest.mark.browser

VISITS_PER_ROUTE = 3
# A phone's width, and 400% zoom of a 1280px screen: no page may need scrolling sideways
# (WCAG 1.4.10; a wide table scrolls in a region of its own).
NARROW = 320
# What a page is built from: the classes used in its main content, whatever the words.
STRUCTURE = """() => [...new Set([...document.querySelectorAll('main [class]')]
    .flatMap(e => [...e.classList]))].sort().join(' ')"""

STAFF_START = ["/organiser/", "/validation/", "/validation/panel", "/feedback/submissions",
               "/admin/staff/"]
PUBLIC_START = ["/", "/practice/", "/feedback/", "/booking/links", "/privacy", "/accessibility"]


def _crawl(page: Page, start: list[str], routes: MapAdapter, checked: set, checks: Checks,
           problems: list[str], *, public: bool = False) -> None:
    """Follow the links from `start`; axe each kind of page not checked before.

    A kind is the route (ids and tokens vary; the template does not) and the components its
    page is built from, since one route shows other components in another state (a booking
    waiting for a place, a case with its scores in). A few pages of each route are opened, to
    meet those states and their links; every start page is opened.
    """
    queue = collections.deque(start)
    seen: set[str] = set()
    visits: collections.Counter = collections.Counter()
    while queue:
        parts = urlsplit(urljoin(page.url or "http://x/", queue.popleft()))
        path = parts.path
        if path in seen or path.endswith(demo_site.NOT_PAGES) or parts.scheme not in ("", "http") \
                or parts.netloc not in ("", urlsplit(page.url).netloc):
            continue
        seen.add(path)
        try:
            endpoint = routes.match(path, method="GET")[0]
        except HTTPException:
            continue  # not a page of the app (a static file, the test's axe script)
        visits[endpoint] += 1
        if endpoint == "static" or (visits[endpoint] > VISITS_PER_ROUTE and path not in start):
            continue
        try:
            response = page.goto(path)
        except PlaywrightError as error:
            if "Download is starting" in str(error):
                continue  # a file (evidence, an export): not a page
            raise
        if response is None or response.status >= 500:
            problems.append(f"GET {path}: {response and response.status}")
            continue
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue
        kind = (endpoint, response.status, page.evaluate(STRUCTURE))
        if kind not in checked:
            checked.add(kind)
            checks.axe(page, path)
            if problem := overflow(page, NARROW):
                problems.append(problem)
            if public and (problem := tables_scrolled(page)):
                problems.append(problem)
        queue.extend(page.eval_on_selector_all(
            "a[href]", "links => links.map(a => a.getAttribute('href'))"))


def _narrow(page: Page) -> Page:
    page.set_viewport_size({"width": NARROW, "height": 640})
    return page


def test_every_kind_of_page_passes_axe(live: LiveServer, new_page, checks: Checks) -> None:
    live.app.config["CLOCK_OFFSET"] = clock_at(A_WORKSHOPS_DAY)
    with live.data():
        passwords = demo_site.load(live.app)
        personal = demo_site.personal_links()
        staff_start = [*demo_site.staff_workshop_pages(), *STAFF_START]
    routes = live.app.url_map.bind("127.0.0.1")
    checked: set = set()
    problems: list[str] = []
    visitor = _narrow(new_page("visitor"))
    _crawl(visitor, PUBLIC_START + personal, routes, checked, checks, problems, public=True)
    for role in ("admin", "screener", "panel-member", "panel-chair"):
        email, password = demo_site.credentials(passwords, role)
        staff = _narrow(new_page(role))
        sign_in(staff, email, password)
        _crawl(staff, staff_start, routes, checked, checks, problems)
    # Enough was reached for a pass to mean something: the public's pages, a delegate's,
    # a submitter's and every kind of staff's.
    routes_checked = {endpoint for endpoint, _, _ in checked}
    for expected in ("public.workshop", "public.book", "booking.manage", "booking.change",
                     "feedback.practice_section", "feedback.evaluation", "validation.respond",
                     "validation.approve", "organiser.workshop", "organiser.attendance_checkin",
                     "organiser.attendance_walk_in", "organiser.book_someone_in",
                     "validation.case", "validation.panel_score",
                     "validation.decision", "validation.respond_section", "validation.withdraw",
                     "staff_admin.person", "staff_invite.set_password", "auth.password",
                     "library.theme"):
        assert expected in routes_checked, "\n".join(sorted(routes_checked))
    assert len(routes_checked) >= 70, "\n".join(sorted(routes_checked))
    assert not problems, "\n".join(problems)
    checks.assert_clean()
