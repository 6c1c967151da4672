"""Booking a place with the keyboard alone: Tab, typing, Space and Enter; never a click."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.conftest import make_workshop
from tests.e2e.support import Checks, focused, link_in, tab_to, wait_for_mail
from workshops.extensions import db
from workshops.models import Booking

pytestmark = pytest.mark.browser

EMAIL = "kai@example.org"


def test_book_a_place_with_the_keyboard_only(live, page: Page, checks: Checks) -> None:
    with live.data():
        slug = make_workshop().series.slug
    page.goto(f"/series/{slug}/north-east")
    keys = page.keyboard

    # The first Tab stop is the skip link, and it moves focus to the main content.
    keys.press("Tab")
    assert focused(page) == "Skip to main content"
    keys.press("Enter")
    assert focused(page) == "#main-content"

    # From the main content, the next stop of note is the start button.
    tab_to(page, "Book a place")
    keys.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Book a place")

    # Sent empty, the form shows its errors; the summary takes focus and its links lead
    # to the fields.
    tab_to(page, "#submit")
    keys.press("Enter")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    keys.press("Tab")
    assert focused(page) == "Enter your full name"
    keys.press("Enter")
    expect(page.locator("#name")).to_be_focused()

    # Each field follows the last, in the order they are read.
    keys.type("Kai Müller")
    for field_id, text in (("#email", EMAIL), ("#job_title", "Designated safeguarding lead"),
                           ("#organisation", "Sunderland College")):
        keys.press("Tab")
        assert focused(page) == field_id
        keys.type(text)
    keys.press("Tab")
    assert focused(page) == "#region"
    expect(page.locator("#region")).to_have_value("north-east")  # chosen from the page
    keys.press("Tab")
    assert focused(page) == "#sector"
    keys.type("Schools")  # a closed select jumps to the option typed
    expect(page.locator("#sector")).to_have_value("education")
    keys.press("Tab")
    assert focused(page) == "#access_needs"
    keys.press("Tab")
    assert focused(page) == "#dietary_needs"
    keys.type("No nuts")
    keys.press("Tab")
    assert focused(page) == "#list_consent"
    keys.press("Space")
    expect(page.locator("#list_consent")).to_be_checked()
    keys.press("Tab")
    assert focused(page) == "privacy notice"
    keys.press("Tab")
    assert focused(page) == "#submit"
    keys.press("Enter")

    panel = page.locator(".govuk-panel")
    expect(panel.get_by_role("heading", level=1)).to_have_text("Booking confirmed")
    reference = panel.locator("strong").inner_text().strip()
    checks.axe(page, "confirmation reached by keyboard")

    # What was typed is what was booked.
    with live.data():
        made = db.session.scalar(select(Booking).where(Booking.reference == reference))
        assert made is not None
        assert (made.status, made.name, made.email, made.job_title, made.organisation,
                made.region, made.sector, made.access_needs, made.dietary_needs,
                made.list_consent) == (
            "confirmed", "Kai Müller", EMAIL, "Designated safeguarding lead",
            "Sunderland College", "north-east", "education", "", "No nuts", True)
    mail = wait_for_mail(live.mailbox, EMAIL, "Place confirmed:")
    assert link_in(mail, "Manage your booking") == live.url(f"/booking/{made.token}")
    checks.assert_clean()
