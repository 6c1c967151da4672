"""The pipeline page in a real browser: no axe violations, and charts and tables that read well.

With SCREENSHOTS=1, screenshots of the page go to docs/screenshots/ for a person to look at:
overlapping labels or clipped bars are not something axe can see.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import STAFF_PASSWORD
from tests.e2e.support import Checks, overflow, screenshot
from tests.validation.test_pipeline import assign, make_case, member
from validation.models import CaseState, Level
from workshops import clock
from workshops.models import Role

pytestmark = pytest.mark.browser

C = CaseState
TITLES = ["Chronology clinic for neglect cases", "Family group conferences at the front door",
          "One worker, one family: continuity in child protection",
          "Reflective supervision for teams working with resistant families",
          "Multi-agency risk meetings for disguised compliance"]
# Where a case has got to, by how long ago it arrived: the oldest are decided, the newest
# still waiting to be screened.
OPEN_PATHS = [
    (15, []),
    (30, [(2, C.SCREENING)]),
    (45, [(2, C.SCREENING), (5, C.INFO_REQUESTED)]),
    (90, [(1, C.SCREENING), (4, C.WITH_PANEL)]),
]
PUBLISHED = [(1, C.SCREENING), (3, C.INFO_REQUESTED), (12, C.SCREENING), (14, C.WITH_PANEL),
             (30, C.DECIDED), (45, C.PUBLISHED)]
AWAITING_PUBLICATION = [(1, C.SCREENING), (4, C.WITH_PANEL), (40, C.DECIDED)]
CLOSED = [(1, C.SCREENING), (4, C.WITH_PANEL), (25, C.DECIDED), (25, C.NOT_PUBLISHED)]
WITHDRAWN = [(1, C.SCREENING), (2, C.WITHDRAWN)]
# Roughly the programme's own spread: a tenth validated, a fifth promising.
DECISIONS = [Level.NOT_VALIDATED, Level.EMERGING, Level.PROMISING, Level.NOT_VALIDATED,
             Level.VALIDATED, Level.EMERGING, Level.NOT_VALIDATED, Level.PROMISING,
             Level.EMERGING, Level.NOT_VALIDATED]


def _path(age: int, decision: Level, n: int) -> list[tuple[float, CaseState]]:
    if n % 17 == 5:
        return WITHDRAWN
    for within, path in OPEN_PATHS:
        if age < within:
            return path
    if decision == Level.VALIDATED or decision == Level.PROMISING and n % 2:
        return PUBLISHED if age > 120 else AWAITING_PUBLICATION
    return CLOSED


def _seed() -> str:
    """Sixty cases over ten months, busiest after the spring workshops; the screener's email."""
    panel = [member(name) for name in ("Dr Helen Okafor", "Marcus Lindqvist-Braithwaite",
                                       "Priya Raman")]
    panel.append(member("Gwen Chair", Role.PANEL_CHAIR))
    now = clock.now()
    decisions = iter(DECISIONS * 10)
    for n in range(60):
        age = int(300 * (1 - n / 60) ** 0.85)  # more arrive early, fewer each month after
        received = now - timedelta(days=age, hours=n % 7)
        decision = next(decisions)
        path = _path(age, decision, n)
        reached = [state for _, state in path]
        decided = C.DECIDED in reached
        case = make_case(path, start=received, title=TITLES[n % len(TITLES)],
                         theme="Safeguarding", organisation="Gateshead Council",
                         level=decision if decided else None)
        if C.WITH_PANEL in reached:
            for offset, user in enumerate(panel[n % 3:n % 3 + 2]):
                assign(case, user, at=received + timedelta(days=4),
                       scored_after=3 + offset * 4 + n % 5 if decided or n % 2 else None)
    return member("Sam Screener", Role.SCREENER).email


def test_pipeline_page_has_no_axe_violations(live, page: Page, checks: Checks) -> None:
    with live.data():
        screener_email = _seed()

    page.goto("/validation/pipeline")
    page.get_by_label("Email address", exact=True).fill(screener_email)
    page.get_by_label("Password", exact=True).fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("The validation pipeline")
    for name in ("Cases by state", "Decisions by level", "Cases received, by month"):
        expect(page.get_by_role("img", name=name)).to_be_visible()
    expect(page.get_by_role("link", name="CSV file of validated and promising practice")
           ).to_be_visible()
    checks.axe(page, "pipeline")
    screenshot(page, "validation-pipeline")

    # The tables behind the charts, opened from the keyboard, are checked too.
    for summary in page.locator("summary").all():
        summary.focus()
        page.keyboard.press("Enter")
    expect(page.locator("details[open]")).to_have_count(3)
    checks.axe(page, "pipeline, tables open")
    screenshot(page, "validation-pipeline-tables")

    # On a phone the charts shrink to fit and wide tables scroll inside their own regions.
    page.set_viewport_size({"width": 320, "height": 640})
    page.reload()
    assert not (problem := overflow(page, 320)), problem
    screenshot(page, "validation-pipeline-phone")
    checks.axe(page, "pipeline on a phone")
    checks.assert_clean()
