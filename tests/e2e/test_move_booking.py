"""A delegate moves their booking to another region's workshop, in a real browser, by keyboard."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.conftest import make_workshop
from tests.e2e.support import Checks, screenshot, tab_to, wait_for_mail
from workshops import booking

pytestmark = pytest.mark.browser

EMAIL = "sunita.rao@example.org"


def test_a_delegate_moves_to_another_region_by_keyboard(live, new_page, checks: Checks) -> None:
    with live.data():
        newcastle = make_workshop(capacity=10)
        leeds = make_workshop(series=newcastle.series, region="yorkshire-and-the-humber",
                              starts_at=newcastle.starts_at + timedelta(days=7))
        made = booking.book(newcastle.id, booking.Delegate(
            name="Sunita Rao", email=EMAIL, organisation="Sheffield City Council"))
        token, leeds_title = made.token, leeds.display_title
    page = new_page()
    page.goto(f"/booking/{token}")
    tab_to(page, "Move to another workshop")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Move your booking to another workshop")
    checks.axe(page, "move")

    page.get_by_role("button", name="Move my booking").click()
    expect(page.locator("#workshop-error")).to_contain_text("Choose the workshop to move to")
    checks.axe(page, "move, with an error")
    screenshot(page, "booking-move-error")
    page.get_by_label("Yorkshire and the Humber", exact=False).focus()
    page.keyboard.press("Space")
    tab_to(page, "#submit")
    page.keyboard.press("Enter")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"Your booking has moved to {leeds_title}")
    checks.axe(page, "moved")
    wait_for_mail(live.mailbox, EMAIL, f"Place confirmed: {leeds_title}")
    checks.assert_clean()
