"""The series dashboard in a real browser: no axe violations, and charts that read well.

With SCREENSHOTS=1, screenshots of the page go to docs/screenshots/ for a person to look at:
overlapping labels or clipped bars are not something axe can see.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import STAFF_PASSWORD, make_staff, make_workshop
from tests.e2e.support import Checks, overflow, screenshot
from tests.workshops.test_dashboard import insert_bookings
from workshops import clock
from workshops.models import Role

pytestmark = pytest.mark.browser

ORGANISATIONS = [
    "Newcastle City Council", "Gateshead Council", "Northumbria Police",
    "Barnardo’s", "Leeds Teaching Hospitals NHS Trust",
    "Royal Borough of Kensington and Chelsea Children’s Services Department", "<script>",
    "Sunderland City Council", "Durham County Council", "NSPCC", "Action for Children",
    "South Tyneside Council",
]


def _seed() -> int:
    """A series of five workshops, a few hundred bookings over eight weeks, and a cancelled
    and a draft workshop; its id."""
    first = make_workshop(capacity=116)
    series = first.series
    workshops = [first] + [make_workshop(series=series, region=region, capacity=capacity)
                           for region, capacity in (("london", 120), ("south-west", 40),
                                                    ("yorkshire-and-the-humber", 50),
                                                    ("west-midlands", 45))]
    start = clock.now() - timedelta(weeks=8)
    for workshop, count in zip(workshops, (60, 95, 12, 41, 30), strict=True):
        insert_bookings(workshop, count, organisations=ORGANISATIONS, start=start, weeks=8)
        insert_bookings(workshop, 3, first_number=200, status="cancelled",
                        organisations=ORGANISATIONS, start=start, weeks=8)
    # One workshop called off, its bookings with it, and one not yet published: tagged in the
    # table and left out of the totals' places.
    called_off = make_workshop(series=series, region="north-west", capacity=80,
                               status="cancelled")
    insert_bookings(called_off, 9, first_number=500, status="cancelled",
                    organisations=ORGANISATIONS, start=start, weeks=8)
    make_workshop(series=series, region="east-midlands", capacity=60, status="draft")
    # The first workshop has happened: most came, a few did not.
    insert_bookings(first, 52, first_number=300, organisations=ORGANISATIONS, start=start,
                    weeks=8, checked_in_at=clock.now())
    insert_bookings(first, 4, first_number=400, organisations=ORGANISATIONS, start=start,
                    weeks=8, no_show_at=clock.now())
    insert_bookings(first, 14, first_number=100, status="waiting",
                    organisations=ORGANISATIONS, start=start, weeks=8)
    return series.id


def test_series_dashboard_has_no_axe_violations(live, page: Page, checks: Checks) -> None:
    with live.data():
        series_id = _seed()
        organiser_email = make_staff(Role.ORGANISER).email

    page.goto(f"/organiser/series/{series_id}/dashboard")
    page.get_by_label("Email address", exact=True).fill(organiser_email)
    page.get_by_label("Password", exact=True).fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Series dashboard")
    for name in ("Places filled, by region", "Bookings made, running total by week",
                 "Delegates by sector", "Delegates by organisation, top 10"):
        expect(page.get_by_role("img", name=name)).to_be_visible()
    expect(page.locator("#left-out-of-totals")).to_have_text(
        "Totals leave out the places at 1 cancelled workshop (North West) and 1 draft workshop "
        "(East Midlands): they are not on offer.")
    checks.axe(page, "series dashboard")
    screenshot(page, "series-dashboard")

    # The tables behind the charts, opened, are checked too.
    for summary in page.locator("summary").all():
        summary.click()
    expect(page.get_by_role("cell", name="&lt;script&gt;")).to_have_count(0)
    expect(page.get_by_role("rowheader", name="<script>")).to_be_visible()
    checks.axe(page, "series dashboard, tables open")
    screenshot(page, "series-dashboard-tables")

    # On a phone the charts shrink to fit and the table scrolls inside its own region.
    page.set_viewport_size({"width": 320, "height": 640})
    page.reload()
    assert not (problem := overflow(page, 320)), problem
    screenshot(page, "series-dashboard-phone")
    checks.assert_clean()
