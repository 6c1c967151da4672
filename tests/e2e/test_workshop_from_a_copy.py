"""An organiser adds the next region's workshop by starting from a copy of another in the
series, with the keyboard for the choices and the browser's own checks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.conftest import make_staff, make_workshop
from tests.e2e.support import Checks, screenshot, sign_in
from workshops import clock
from workshops.extensions import db
from workshops.models import Role, Workshop

pytestmark = pytest.mark.browser


def test_add_the_next_region_from_a_copy(live, page: Page, checks: Checks) -> None:
    with live.data():
        first = make_workshop(capacity=45, offer_hours=24,
                              programme="9:30 | Registration\n10:00 | The review’s findings")
        series_id, title, venue = first.series_id, first.display_title, first.venue
        venue_label = f"{venue.name}, {venue.town}"
        email = make_staff(Role.ORGANISER).email
    sign_in(page, email, then=f"/organiser/series/{series_id}/workshops/new")
    checks.axe(page, "add a workshop, copies offered")

    page.get_by_role("link", name=f"{title} (copy its settings)").click()
    expect(page.locator(".govuk-inset-text")).to_contain_text(f"Copied from {title}")
    expect(page.get_by_label("Capacity")).to_have_value("45")
    expect(page.get_by_label("Hours to accept an offered place")).to_have_value("24")
    expect(page.get_by_label("Programme (optional)")).to_have_value(
        "9:30 | Registration\n10:00 | The review’s findings")
    checks.axe(page, "add a workshop, from a copy")
    screenshot(page, "workshop-from-a-copy")

    page.get_by_label("Region").select_option(label="Yorkshire and the Humber")
    page.get_by_label("Venue").select_option(label=venue_label)
    day = clock.london(clock.now() + timedelta(days=50))
    page.get_by_role("group", name="Start date").get_by_label("Day").fill(str(day.day))
    page.get_by_role("group", name="Start date").get_by_label("Month").fill(str(day.month))
    page.get_by_role("group", name="Start date").get_by_label("Year").fill(str(day.year))
    page.get_by_role("button", name="Save as draft").press("Enter")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Workshop saved as a draft")
    checks.assert_clean()

    with live.data():
        made = db.session.scalar(select(Workshop).where(
            Workshop.series_id == series_id, Workshop.region == "yorkshire-and-the-humber"))
        assert (made.capacity, made.offer_hours) == (45, 24)
        assert made.programme_items[1] == ("10am", "The review’s findings")
        assert clock.london(made.starts_at).strftime("%H:%M") == "09:30"
