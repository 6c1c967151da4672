"""An organiser writes to a workshop's delegates: compose, preview, send, and the log."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import STAFF_PASSWORD, make_staff, make_workshop
from tests.e2e.support import Checks, screenshot, text_body, wait_for_mail
from workshops import booking
from workshops.models import Role

pytestmark = pytest.mark.browser

def test_organiser_previews_then_sends_a_message(live, page: Page, checks: Checks) -> None:
    with live.data():
        workshop = make_workshop(capacity=2)
        workshop_id = workshop.id
        for n, name in ((1, "Zoë Brontë"), (2, "Ann Other"), (3, "Wait Ing")):
            booking.book(workshop_id, booking.Delegate(name=name, email=f"d{n}@example.org",
                                                       organisation=f"Council {n}"))
        organiser_email = make_staff(Role.ORGANISER).email

    page.goto(f"/organiser/workshops/{workshop_id}")
    page.get_by_label("Email address", exact=True).fill(organiser_email)
    page.get_by_label("Password", exact=True).fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Message delegates").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Message delegates")
    checks.axe(page, "compose")

    page.get_by_role("button", name="Preview the message").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Choose who to send the message to")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: Message delegates"))
    checks.axe(page, "compose with errors")

    page.get_by_label("Confirmed delegates").check()
    page.get_by_label("Subject").fill("Parking at the venue")
    page.get_by_label("Message").fill("The car park is closed that day.\n\n"
                                      "Please come by train: the <station> is 5 minutes away.")
    page.get_by_role("button", name="Preview the message").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your message before sending it")
    preview = page.locator("#email-preview")
    expect(preview).to_contain_text("Dear Ann Other,")
    expect(preview).to_contain_text("the <station> is 5 minutes away")
    expect(page.get_by_role("table", name=re.compile("Who will be emailed"))).to_contain_text(
        "d1@example.org")
    checks.axe(page, "preview")
    screenshot(page, "message-preview")
    assert not live.mailbox.to("d1@example.org")[1:], "the preview sends nothing"

    page.get_by_role("button", name="Send the message to 2 people").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Messages")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Message sent to 2 people")
    for address in ("d1@example.org", "d2@example.org"):
        sent = wait_for_mail(live.mailbox, address, "Parking at the venue")
        assert "the <station> is 5 minutes away" in text_body(sent)
    assert not [m for m in live.mailbox.to("d3@example.org")
                if str(m["Subject"]) == "Parking at the venue"], "not to the waiting list"
    page.get_by_text("Who it was sent to (2)").click()
    expect(page.get_by_role("table", name="Who it was sent to")).to_contain_text("d2@example.org")
    checks.axe(page, "messages log")
    checks.assert_clean()
