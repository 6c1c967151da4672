"""An administrator answers a delegate's erasure request in a real browser, by keyboard where
a keyboard user would: find the data, read it, erase it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.conftest import make_staff, make_workshop
from tests.e2e.support import Checks, screenshot, sign_in
from workshops import booking, clock
from workshops.extensions import db
from workshops.models import Role

pytestmark = pytest.mark.browser

ADDRESS = "kwame.mensah@example.org"


def test_find_read_and_erase_a_persons_booking_details(live, new_page, checks: Checks) -> None:
    with live.data():
        admin = make_staff(Role.ADMIN, "admin@example.org").email
        workshop = make_workshop()
        booking.book(workshop.id, booking.Delegate(
            name="Kwame Mensah", email=ADDRESS, organisation="Kirklees Council",
            dietary_needs="Vegetarian"))
        workshop.starts_at = clock.now() - timedelta(days=40)
        workshop.ends_at = workshop.starts_at + timedelta(hours=6)
        db.session.commit()
    page = new_page()
    sign_in(page, admin)
    page.goto("/organiser/")
    page.get_by_role("button", name="Personal data requests").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Personal data requests")
    checks.axe(page, "personal data requests")

    page.get_by_label("Email address").fill(ADDRESS)
    page.get_by_label("Email address").press("Enter")
    expect(page.get_by_role("heading", level=2, name=f"Held under {ADDRESS}")).to_be_visible()
    expect(page.get_by_text("Vegetarian")).to_be_visible()
    checks.axe(page, "what is held")
    screenshot(page, "personal-data-held")

    page.get_by_role("button", name="Erase their personal data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Erase the personal data held under {ADDRESS}?")
    checks.axe(page, "erase, confirm")
    screenshot(page, "personal-data-erase")
    page.get_by_role("button", name="Yes, erase their personal data").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"Erased the details of 1 booking made with {ADDRESS}")
    expect(page.get_by_text("Nothing is held under this address")).to_be_visible()
    checks.axe(page, "erased")
    checks.assert_clean()
