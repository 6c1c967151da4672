"""A delegate books, changes and cancels a place, and joins and leaves a waiting list, in
chromium, with CSRF and the Content-Security-Policy on; every page is checked with axe-core.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.conftest import make_staff, make_workshop
from tests.e2e.support import (
    Checks,
    calendar_parts,
    link_in,
    screenshot,
    subjects_to,
    text_body,
    wait_for_mail,
)
from workshops import booking
from workshops.catalogue_admin import update_series
from workshops.extensions import db
from workshops.models import Role, Series, Venue

pytestmark = pytest.mark.browser

NEWCOMER = "sian@example.org"


def _north_east_and_london(live, **north_east) -> tuple[str, str]:
    """A series with workshops in two regions; returns its slug and title."""
    with live.data():
        workshop = make_workshop(**north_east)
        series = workshop.series
        make_workshop(series=series, region="london", venue=Venue(
            name="Friends House", address="173 Euston Road", town="London",
            postcode="NW1 2BJ"))
        return series.slug, series.title


def _fill_in(page: Page, *, sector: str, access: str = "", dietary: str = "",
             listed: bool = False) -> None:
    """The booking form, filled in by its labels as a person reads them."""
    def field(label: str):  # noqa: ANN202
        return page.get_by_label(label, exact=True)

    field("Full name").fill("Siân Ó Súilleabháin")
    field("Email address").fill(NEWCOMER)
    field("Job title").fill("Team manager")
    field("Organisation").fill("Newcastle City Council")
    field("Sector").select_option(label=sector)
    field("Access needs (optional)").fill(access)
    field("Dietary needs (optional)").fill(dietary)
    field("Include my name, job title and organisation in the delegate list printed in the "
          "packs for this workshop").set_checked(listed)


def _summary_value(page: Page, key: str):  # noqa: ANN202
    """The value beside `key` in the page's summary list."""
    row = page.locator(".govuk-summary-list__row").filter(
        has=page.locator(".govuk-summary-list__key", has_text=re.compile(rf"^\s*{key}\s*$")))
    return row.locator(".govuk-summary-list__value")


def test_newcomer_books_changes_and_cancels(live, page: Page, checks: Checks) -> None:
    slug, title = _north_east_and_london(live)

    # The front page lists the series.
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Regional knowledge workshops")
    checks.axe(page, "index")
    page.get_by_role("link", name=title, exact=True).click()

    # The series page lists both regions until filtered to one.
    expect(page).to_have_url(live.url(f"/series/{slug}"))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_role("heading", name="2 workshops")).to_be_visible()
    checks.axe(page, "series")
    page.get_by_label("Region", exact=True).select_option(label="North East")
    page.get_by_role("button", name="Show workshops").click()
    expect(page).to_have_url(live.url(f"/series/{slug}?region=north-east"))
    expect(page.get_by_role("heading", name="1 workshop in North East")).to_be_visible()
    rows = page.get_by_role("table", name="Workshops").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Royal Station Hotel, Newcastle upon Tyne")
    expect(rows.first).to_contain_text("20 places left")
    expect(page.get_by_label("Region", exact=True)).to_have_value("north-east")
    rows.first.get_by_role("link", name="North East").click()

    # The workshop page.
    expect(page.get_by_role("heading", level=1)).to_have_text("North East")
    screenshot(page, "workshop")  # before the checks, so it shows what they find
    expect(_summary_value(page, "Places")).to_have_text("20 of 20 places left")
    venue = _summary_value(page, "Venue")
    expect(venue).to_have_text(re.compile(
        r"^\s*Royal Station Hotel\s+Neville Street\s+Newcastle upon Tyne NE1 5DH\s+"
        r"Map of Royal Station Hotel \(opens OpenStreetMap\)\s*$"))
    expect(venue.get_by_role("link", name="Map of Royal Station Hotel")).to_have_attribute(
        "href", "https://www.openstreetmap.org/search?query=NE1%205DH")
    expect(page.get_by_role("table", name="Programme of the day")).to_contain_text("Welcome")
    checks.axe(page, "workshop")
    page.get_by_role("button", name="Book a place").click()

    # The empty form: a summary of the errors, each message beside its field.
    expect(page.get_by_role("heading", level=1)).to_have_text("Book a place")
    expect(page.get_by_label("Region you work in", exact=True)).to_have_value("north-east")
    page.get_by_role("button", name="Book a place").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()  # GOV.UK Frontend moves focus to the summary
    screenshot(page, "booking-form-errors")
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(page).to_have_title(re.compile(r"^Error: Book a place"))
    for message in ("Enter your full name", "Enter your email address",
                    "Enter your job title", "Enter your organisation", "Choose your sector"):
        expect(summary.get_by_role("link", name=message)).to_be_visible()
    expect(page.locator("#name-error")).to_have_text(re.compile(r"Enter your full name"))
    expect(page.get_by_label("Full name", exact=True)).to_have_attribute(
        "aria-describedby", re.compile(r"\bname-error\b"))
    checks.axe(page, "booking form with errors")
    summary.get_by_role("link", name="Enter your full name").click()
    expect(page.get_by_label("Full name", exact=True)).to_be_focused()
    summary.get_by_role("link", name="Choose your sector").click()
    expect(page.get_by_label("Sector", exact=True)).to_be_focused()

    # Filled in by label.
    _fill_in(page, sector="Local authority children's social care",
             access="Hearing loop, please", dietary="Vegetarian", listed=True)
    page.get_by_role("button", name="Book a place").click()

    # The confirmation.
    panel = page.locator(".govuk-panel")
    expect(panel.get_by_role("heading", level=1)).to_have_text("Booking confirmed")
    screenshot(page, "booking-confirmed")
    reference = panel.locator("strong").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{6,12}", reference), reference
    expect(page.get_by_text(f"calendar invite to {NEWCOMER}")).to_be_visible()
    checks.axe(page, "confirmation")

    # The email: a confirmation that carries an invitation for calendar clients.
    confirmation = wait_for_mail(live.mailbox, NEWCOMER, "Place confirmed:")
    assert "Dear Siân Ó Súilleabháin" in text_body(confirmation)
    assert f"Booking reference: {reference}" in text_body(confirmation)
    calendars = calendar_parts(confirmation)
    assert calendars and "METHOD:REQUEST" in calendars[0]
    assert "BEGIN:VTIMEZONE" in calendars[0]
    manage_url = link_in(confirmation, "Manage your booking")
    assert manage_url.startswith(live.base_url + "/booking/")

    # The link in the email opens the booking.
    page.goto(manage_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your booking")
    expect(_summary_value(page, "Status")).to_have_text("Confirmed")
    expect(_summary_value(page, "Booking reference")).to_have_text(reference)
    expect(_summary_value(page, "Job title")).to_have_text("Team manager")
    expect(_summary_value(page, "In the delegate list")).to_have_text("Yes")
    checks.axe(page, "manage")

    # Change the job title.
    page.get_by_role("button", name="Change your details").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change your details")
    expect(page.get_by_label("Job title", exact=True)).to_have_value("Team manager")
    checks.axe(page, "change")
    page.get_by_label("Job title", exact=True).fill("Head of service")
    page.get_by_role("button", name="Save changes").click()
    expect(page).to_have_url(manage_url)
    expect(page.get_by_text("Your details have been updated")).to_be_visible()
    expect(_summary_value(page, "Job title")).to_have_text("Head of service")
    checks.axe(page, "manage after change")
    updated = wait_for_mail(live.mailbox, NEWCOMER, "Booking updated:")
    assert "METHOD:REQUEST" in calendar_parts(updated)[0]

    # Cancel: asked first, then done.
    page.get_by_role("button", name="Cancel booking").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Are you sure you want to cancel your booking?")
    expect(page.get_by_text("Your place will go to someone else")).to_be_visible()
    checks.axe(page, "cancel")
    page.get_by_role("button", name="Yes, cancel your booking").click()
    expect(page).to_have_url(manage_url)
    expect(page.get_by_text("Your booking has been cancelled")).to_be_visible()
    expect(_summary_value(page, "Status")).to_have_text("Cancelled")
    expect(page.get_by_role("button", name="Cancel booking")).to_have_count(0)
    checks.axe(page, "manage after cancel")
    cancellation = wait_for_mail(live.mailbox, NEWCOMER, "Booking cancelled:")
    assert "METHOD:CANCEL" in calendar_parts(cancellation)[0]
    assert subjects_to(live.mailbox, NEWCOMER) == [
        f"{prefix}: {title}: North East" for prefix in
        ("Place confirmed", "Booking updated", "Booking cancelled")]

    checks.assert_clean()


def test_waiting_list_place_is_offered_and_accepted(live, new_page, checks: Checks) -> None:
    with live.data():
        workshop = make_workshop(capacity=1)
        slug = workshop.series.slug
        booking.book(workshop.id, booking.Delegate(
            name="Dev Patel", email="dev@example.org", organisation="Gateshead Council",
            job_title="Social worker", region="north-east", sector="children-social-care"))
    first_confirmation = wait_for_mail(live.mailbox, "dev@example.org", "Place confirmed:")

    # The newcomer finds the workshop full.
    newcomer = new_page("newcomer")
    newcomer.goto(f"/series/{slug}/north-east")
    expect(_summary_value(newcomer, "Places")).to_have_text(
        "Fully booked – you can join the waiting list")
    checks.axe(newcomer, "workshop, full")
    newcomer.get_by_role("button", name="Join the waiting list").click()
    expect(newcomer.get_by_role("heading", level=1)).to_have_text("Join the waiting list")
    expect(newcomer.get_by_text("This workshop is full.")).to_be_visible()
    checks.axe(newcomer, "waiting list form")
    _fill_in(newcomer, sector="Health")
    newcomer.get_by_role("button", name="Join the waiting list").click()
    panel = newcomer.locator(".govuk-panel")
    expect(panel.get_by_role("heading", level=1)).to_have_text("You are on the waiting list")
    expect(panel).to_contain_text("You are number 1 in the queue")
    checks.axe(newcomer, "waiting list confirmation")
    waitlisted = wait_for_mail(live.mailbox, NEWCOMER, "Waiting list:")
    assert calendar_parts(waitlisted) == []  # no invite until there is a place

    # The first delegate cancels through the link in their email.
    first = new_page("first delegate")
    first.goto(link_in(first_confirmation, "Manage your booking"))
    expect(_summary_value(first, "Name")).to_have_text("Dev Patel")
    first.get_by_role("button", name="Cancel booking").click()
    first.get_by_role("button", name="Yes, cancel your booking").click()
    expect(_summary_value(first, "Status")).to_have_text("Cancelled")
    wait_for_mail(live.mailbox, "dev@example.org", "Booking cancelled:")

    # The newcomer is offered the place by email and accepts it.
    offer = wait_for_mail(live.mailbox, NEWCOMER, "A place is free:")
    assert "we are holding it for you until" in text_body(offer)
    newcomer.goto(link_in(offer, "Accept or decline the place"))
    expect(newcomer.get_by_role("heading", level=1)).to_have_text("A place is free for you")
    expect(newcomer.get_by_text("We are holding this place for you until")).to_be_visible()
    checks.axe(newcomer, "offer")
    newcomer.get_by_role("button", name="Accept the place").click()
    expect(newcomer.get_by_text("Your place is confirmed")).to_be_visible()
    expect(newcomer.locator(".govuk-panel").get_by_role("heading")).to_have_text(
        "Booking confirmed")
    checks.axe(newcomer, "offer accepted")

    newcomer.goto(link_in(offer, "Manage your booking"))
    expect(_summary_value(newcomer, "Status")).to_have_text("Confirmed")
    confirmation = wait_for_mail(live.mailbox, NEWCOMER, "Place confirmed:")
    assert "METHOD:REQUEST" in calendar_parts(confirmation)[0]

    # And the workshop is full again, with nobody waiting.
    newcomer.goto(f"/series/{slug}/north-east")
    expect(_summary_value(newcomer, "Places")).to_have_text(
        "Fully booked – you can join the waiting list")
    checks.assert_clean()


def test_an_offered_place_is_declined_only_once_its_holder_has_said_yes(
        live, page: Page, checks: Checks) -> None:
    with live.data():
        workshop = make_workshop(capacity=1)
        first = booking.book(workshop.id, booking.Delegate(
            name="Dev Patel", email="dev@example.org", organisation="Gateshead Council"))
        booking.book(workshop.id, booking.Delegate(
            name="Siân Ó Súilleabháin", email=NEWCOMER, organisation="Newcastle City Council"))
        booking.cancel(first.id)
    offer = wait_for_mail(live.mailbox, NEWCOMER, "A place is free:")
    page.goto(link_in(offer, "Accept or decline the place"))
    page.get_by_role("button", name="Decline the place").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Are you sure you want to decline the place?")
    expect(page.get_by_text("You also leave the waiting list")).to_be_visible()
    checks.axe(page, "decline, asked")
    page.get_by_role("link", name="No, go back to the offer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("A place is free for you")
    page.get_by_role("button", name="Decline the place").click()
    page.get_by_role("button", name="Yes, decline the place").click()
    expect(page.get_by_text("You have declined the place.")).to_be_visible()
    expect(_summary_value(page, "Status")).to_have_text("Declined")
    # No one else was waiting: the place is free to book again.
    expect(page.get_by_role("link", name="Book a place at this workshop")).to_be_visible()
    checks.axe(page, "offer declined")
    checks.assert_clean()


def test_a_form_opened_before_the_series_moved_books_at_its_new_address(live, page: Page,
                                                                       checks: Checks) -> None:
    """The organisers change the series' web address while a delegate fills in its form."""
    slug, _title = _north_east_and_london(live)
    page.goto(f"/series/{slug}/north-east/book")
    _fill_in(page, sector="Local authority children's social care")
    with live.data():
        series = db.session.scalar(select(Series).where(Series.slug == slug))
        update_series(series.id, {"slug": "renamed"}, actor=make_staff(Role.ORGANISER))
    page.get_by_role("button", name="Book a place").click()
    expect(page.locator(".govuk-panel").get_by_role("heading", level=1)).to_have_text(
        "Booking confirmed")
    expect(page).to_have_url(re.compile(r"/booking/[^/]+/confirmed$"))
    checks.axe(page, "confirmation, booked at the former address")
    wait_for_mail(live.mailbox, NEWCOMER, "Place confirmed:")
    checks.assert_clean()
