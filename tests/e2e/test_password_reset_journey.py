"""A member of staff who has forgotten their password resets it in a real browser, from the
login page, by keyboard, through the link emailed to them."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import make_staff
from tests.e2e.support import Checks, link_in, screenshot, sign_in, tab_to, wait_for_mail
from workshops.models import Role

pytestmark = pytest.mark.browser

NEW_PASSWORD = "a lighthouse on the moor"


def test_forgotten_password_to_signed_in_by_keyboard(live, new_page, checks: Checks) -> None:
    with live.data():
        email = make_staff(Role.ORGANISER, "rhian.evans@example.org").email
    page = new_page()
    page.goto("/staff/login")
    tab_to(page, "Forgotten your password?")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")
    checks.axe(page, "forgotten password")

    page.get_by_role("button", name="Send me a link").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your email address")
    checks.axe(page, "forgotten password, with an error")
    page.get_by_label("Email address").fill(email)
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    checks.axe(page, "check your email")

    link = link_in(wait_for_mail(live.mailbox, email, "Reset your password"),
                   "Choose a new password")
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    checks.axe(page, "choose a new password")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm new password").fill(NEW_PASSWORD + " not")
    page.get_by_role("button", name="Set password").click()
    expect(page.locator("#confirm-error")).to_contain_text("Passwords must match")
    checks.axe(page, "choose a new password, with an error")
    screenshot(page, "password-reset-error")
    # Passwords are not sent back to the browser, so both boxes are typed again.
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Your password has been reset")

    sign_in(page, email, NEW_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("This link has already been used")
    checks.axe(page, "used link")
    page.get_by_role("link", name="Ask for a new link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")
