"""Check-in on the day, as an organiser does it on a phone at the registration desk."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import STAFF_PASSWORD, doors_open, make_staff, make_workshop
from tests.e2e.support import Checks, overflow
from workshops import booking
from workshops.models import Role

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 667}  # a small phone; 320px is checked for reflow below


def test_organiser_checks_in_by_name_and_registers_a_walk_in_on_a_phone(
        live, page: Page, checks: Checks) -> None:
    with live.data():
        workshop = make_workshop(capacity=3)
        workshop_id = workshop.id
        for name, email, organisation in (("Zoë Brontë", "zoe@example.org", "Bradford Council"),
                                          ("Ann Other", "ann@example.org", "Leeds City Council")):
            booking.book(workshop_id, booking.Delegate(name=name, email=email,
                                                       organisation=organisation))
        organiser = make_staff(Role.ORGANISER)
        organiser_email = organiser.email
        on_the_day = doors_open(workshop)
    page.set_viewport_size(PHONE)

    page.goto(f"/organiser/workshops/{workshop_id}/checkin")
    page.get_by_label("Email address", exact=True).fill(organiser_email)
    page.get_by_label("Password", exact=True).fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # Days before, the list shows who is coming but nobody can be checked in yet.
    expect(page.get_by_text(re.compile("Check-in opens on .+, the day of the workshop"))) \
        .to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Check in"))).to_have_count(0)
    expect(page.get_by_role("link", name="Register someone who has not booked")).to_have_count(0)
    checks.axe(page, "check-in list before the day")
    live.app.config["CLOCK_OFFSET"] = on_the_day
    page.reload()

    # The list, searched by organisation; one tap checks the delegate in.
    expect(page.get_by_role("heading", level=1)).to_have_text("Check in delegates")
    expect(page.get_by_text("0 of 2")).to_be_visible()
    checks.axe(page, "check-in list")
    assert not (problem := overflow(page, PHONE["width"])), problem
    page.get_by_label("Find a delegate").fill("bradford")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("button", name="Check in Ann Other")).to_have_count(0)
    page.get_by_role("button", name="Check in Zoë Brontë").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        re.compile(r"Zoë Brontë checked in at \d"))
    expect(page.get_by_role("table").get_by_text(re.compile(r"Checked in \d"))).to_be_visible()
    expect(page.get_by_label("Find a delegate")).to_have_value("bradford")  # search kept
    checks.axe(page, "check-in list after a check-in")

    # A walk-in: errors beside the fields first, then registered and checked in.
    page.get_by_role("link", name="Show everyone").click()
    page.get_by_role("link", name="Register someone who has not booked").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Register a walk-in")
    page.get_by_role("button", name="Register and check in").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    expect(page.locator("#name-error")).to_contain_text("Enter the delegate’s full name")
    checks.axe(page, "walk-in with errors")
    assert not (problem := overflow(page, PHONE["width"])), problem
    page.get_by_label("Full name").fill("Walk In")
    page.get_by_label("Email address").fill("walk@example.org")
    page.get_by_label("Organisation").fill("Gateshead Council")
    page.get_by_label("Sector").select_option(index=1)
    page.get_by_role("button", name="Register and check in").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Walk In registered and checked in")
    expect(page.get_by_text("2 of 3")).to_be_visible()

    # The workshop is now full: the form says so beside the button.
    page.goto(f"/organiser/workshops/{workshop_id}/walk-in")
    expect(page.locator(".govuk-warning-text")).to_contain_text("The workshop is full")
    page.get_by_label("Full name").fill("Too Late")
    page.get_by_label("Email address").fill("late@example.org")
    page.get_by_label("Organisation").fill("Durham County Council")
    page.get_by_label("Sector").select_option(index=1)
    page.get_by_role("button", name="Register and check in").click()
    expect(page.locator("#walk-in-error")).to_contain_text("all 3 places are taken")
    checks.axe(page, "walk-in refused, full")

    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"/organiser/workshops/{workshop_id}/checkin")
    assert not (problem := overflow(page, 320)), f"the check-in list must reflow: {problem}"
    checks.assert_clean()


def test_organiser_gives_a_waiting_list_place_and_undoes_a_check_in_on_a_phone(
        live, page: Page, checks: Checks) -> None:
    with live.data():
        workshop = make_workshop(capacity=1)
        workshop_id = workshop.id
        zoe, wren = (booking.book(workshop_id, booking.Delegate(
            name=name, email=email, organisation="Bradford Council"))
            for name, email in (("Zoë Brontë", "zoe@example.org"),
                                ("Wren Waiting", "wren@example.org")))
        organiser = make_staff(Role.ORGANISER)
        organiser_email = organiser.email
        live.app.config["CLOCK_OFFSET"] = doors_open(workshop)
        booking.cancel(zoe.id)  # on the day the freed place waits for the desk
        codes = {"zoe": zoe.checkin_code, "wren": wren.checkin_code}
    page.set_viewport_size(PHONE)
    page.goto(f"/organiser/workshops/{workshop_id}/checkin?q=wren")
    page.get_by_label("Email address", exact=True).fill(organiser_email)
    page.get_by_label("Password", exact=True).fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # The badges' QR codes: each says what the booking is and what can be done.
    page.goto(f"/checkin/{codes['zoe']}")
    expect(page.locator(".govuk-warning-text")).to_contain_text(
        "This booking was cancelled, so Zoë Brontë cannot be checked in.")
    checks.axe(page, "QR check-in of a cancelled booking")
    page.goto(f"/checkin/{codes['wren']}")
    expect(page.locator(".govuk-summary-list")).to_contain_text("On the waiting list")
    expect(page.get_by_role("button", name="Give them a free place and check in")).to_be_visible()
    checks.axe(page, "QR check-in of a waiting-list booking")
    page.goto(f"/organiser/workshops/{workshop_id}/checkin?q=wren")
    expect(page.get_by_role("heading", name="On the waiting list")).to_be_visible()
    checks.axe(page, "check-in search finding the waiting list")
    page.set_viewport_size({"width": 320, "height": 640})
    assert not (problem := overflow(page, 320)), problem
    page.get_by_role("button", name="Give them a free place and check in for Wren Waiting").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        re.compile(r"Wren Waiting was given a place and checked in at \d"))
    expect(page.get_by_text("1 of 1")).to_be_visible()

    # A wrong tap is taken back from the same list.
    page.get_by_role("button", name="Undo check-in for Wren Waiting").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Check-in undone: Wren Waiting is no longer recorded as having arrived.")
    expect(page.get_by_role("button", name="Check in Wren Waiting")).to_be_visible()
    checks.axe(page, "check-in list after an undo")
    assert not (problem := overflow(page, 320)), problem
    checks.assert_clean()
