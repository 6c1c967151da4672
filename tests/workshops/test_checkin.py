"""The check-in code: one tap for staff, useless to anyone else."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import clock_at, doors_open, login, make_staff, make_workshop
from workshops import attendance, booking, checkin
from workshops.extensions import db
from workshops.formatting import day, short_day
from workshops.models import AuditEntry, Booking, Role


@pytest.fixture()
def delegate(app) -> Booking:
    return booking.book(make_workshop().id, booking.Delegate(
        name="Zoë Brontë", email="zoe@example.org", organisation="Bradford Council"))


def test_code_is_separate_from_the_manage_link(delegate):
    assert delegate.checkin_code and delegate.checkin_code not in delegate.token


def test_organiser_checks_in_with_one_tap_and_twice_changes_nothing(app, client, delegate):
    login(client, make_staff(Role.ORGANISER))
    app.config["CLOCK_OFFSET"] = doors_open(delegate.workshop)
    page = client.get(f"/checkin/{delegate.checkin_code}").get_data(as_text=True)
    assert "Zoë Brontë" in page and "Check in Zoë Brontë" in page
    assert db.session.get(Booking, delegate.id).checked_in_at is None  # opening it is not enough
    first = client.post(f"/checkin/{delegate.checkin_code}", data={}).get_data(as_text=True)
    assert "Checked in" in first
    db.session.expire_all()
    arrived = db.session.get(Booking, delegate.id).checked_in_at
    assert arrived is not None
    again = client.post(f"/checkin/{delegate.checkin_code}", data={}).get_data(as_text=True)
    assert "Already checked in" in again
    db.session.expire_all()
    assert db.session.get(Booking, delegate.id).checked_in_at == arrived
    assert db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.action == "checked in")).all() == ["checked in"]


def test_arrival_before_the_workshops_day_is_not_recorded(app, client, delegate):
    """A badge scanned while the packs are checked, the week before, is no arrival."""
    login(client, make_staff(Role.ORGANISER))
    page = client.post(f"/checkin/{delegate.checkin_code}", data={}).get_data(as_text=True)
    assert f"Check-in opens on {day(delegate.workshop.starts_at)}" in page
    db.session.expire_all()
    assert db.session.get(Booking, delegate.id).checked_in_at is None
    # From midnight on the day (London time) the same scan checks them in.
    app.config["CLOCK_OFFSET"] = clock_at(delegate.workshop.day_starts_at)
    assert "Checked in" in client.post(f"/checkin/{delegate.checkin_code}",
                                       data={}).get_data(as_text=True)


def test_arrival_is_recorded_after_the_day_too(app, delegate):
    """Organisers copy the paper sign-in sheet in afterwards."""
    app.config["CLOCK_OFFSET"] = doors_open(delegate.workshop) + timedelta(days=2)
    organiser = make_staff(Role.ORGANISER)
    assert not checkin.check_in(delegate.id, actor=organiser).already
    db.session.expire_all()
    assert db.session.get(Booking, delegate.id).checked_in_at is not None


def test_a_late_arrival_replaces_a_no_show_and_the_record_closes_after_two_weeks(
        app, client, delegate):
    """Copied in from the paper sheet after no-shows were marked: attended, not both. Months
    later a stray tap must not rewrite the workshop's figures."""
    organiser = make_staff(Role.ORGANISER)
    app.config["CLOCK_OFFSET"] = doors_open(delegate.workshop) + timedelta(hours=8)
    attendance.mark_no_shows(delegate.workshop_id, actor=organiser)
    app.config["CLOCK_OFFSET"] = doors_open(delegate.workshop) + timedelta(days=3)
    checkin.check_in(delegate.id, actor=organiser)
    db.session.expire_all()
    came = db.session.get(Booking, delegate.id)
    assert came.checked_in_at is not None and came.no_show_at is None
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "checked in"))
    assert entry.details.get("was_no_show") is True

    other = booking.book(delegate.workshop_id, booking.Delegate(
        name="Ivo Andrić", email="ivo@example.org", organisation="Leeds City Council"),
        actor=organiser)
    app.config["CLOCK_OFFSET"] = clock_at(checkin.recording_ends(delegate.workshop))
    with pytest.raises(booking.BookingRefused, match="Its attendance is now final"):
        checkin.check_in(other.id, actor=organiser)
    db.session.expire_all()
    assert db.session.get(Booking, other.id).checked_in_at is None
    login(client, organiser)
    page = client.get(f"/organiser/workshops/{delegate.workshop_id}/checkin").text
    assert "Its attendance is now final" in page and "Not recorded" in page
    # The arrival copied in three days on says when it was recorded, not a time of day that
    # would pass for when they walked in.
    assert f"Checked in (recorded {short_day(came.checked_in_at)})" in page
    assert 'name="csrf_token"' not in page.split("Confirmed delegates", 1)[1]  # no buttons


def test_cancelled_booking_cannot_be_checked_in(client, delegate):
    booking.cancel(delegate.id)
    login(client, make_staff(Role.ORGANISER))
    page = client.post(f"/checkin/{delegate.checkin_code}", data={}).get_data(as_text=True)
    assert "cannot be checked in" in page
    db.session.expire_all()
    assert db.session.get(Booking, delegate.id).checked_in_at is None


def test_code_is_useless_without_a_staff_login(client, delegate):
    response = client.get(f"/checkin/{delegate.checkin_code}")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]
    assert client.post(f"/checkin/{delegate.checkin_code}").status_code == 302
    login(client, make_staff(Role.PANEL_MEMBER))
    assert client.get(f"/checkin/{delegate.checkin_code}").status_code == 403
    db.session.expire_all()
    assert db.session.get(Booking, delegate.id).checked_in_at is None


def test_unknown_code_is_404(client, app):
    login(client, make_staff(Role.ORGANISER))
    assert client.get("/checkin/not-a-code").status_code == 404


# --- the QR code's page says what it can and cannot do -------------------------------------

def _status_shown(page: str) -> str:
    """The tag in the page's Booking row: the booking's status as organisers read it."""
    found = re.search(r'Booking\s*</dt>\s*<dd[^>]*>\s*<strong class="govuk-tag[^"]*">\s*'
                      r'([^<]*?)\s*</strong>', page)
    return found.group(1) if found else ""


def _buttons(page: str) -> list[str]:
    """The words of the buttons in the page's main content, as a screen reader says them."""
    main = page[page.index("<main"):page.index("</main>")]
    return [" ".join(re.sub(r"<[^>]+>", "", label).split())
            for label in re.findall(r"<button[^>]*>(.*?)</button>", main, re.S)]


def _waiting(workshop_id: int, n: int = 2) -> Booking:
    """A booking by Wren Waiting<n>: a place if one is free, otherwise the waiting list."""
    return booking.book(workshop_id, booking.Delegate(
        name=f"Wren Waiting{n}", email=f"wait{n}@example.org", organisation="York Council"))


def test_qr_page_shows_a_cancelled_booking_with_its_status_and_why(client, delegate):
    booking.cancel(delegate.id)
    login(client, make_staff(Role.ORGANISER))
    page = client.get(f"/checkin/{delegate.checkin_code}").text
    assert _status_shown(page) == "Cancelled"
    assert "This booking was cancelled, so Zoë Brontë cannot be checked in." in page
    assert _buttons(page) == []


def test_qr_page_shows_no_check_in_button_outside_the_window(app, client, delegate):
    """Before the workshop's day the page says when check-in opens instead of offering a
    button that would only be refused."""
    login(client, make_staff(Role.ORGANISER))
    page = client.get(f"/checkin/{delegate.checkin_code}").text
    assert _buttons(page) == []
    assert f"Check-in opens on {day(delegate.workshop.starts_at)}" in page
    assert _status_shown(page) == "Confirmed"
    app.config["CLOCK_OFFSET"] = clock_at(checkin.recording_ends(delegate.workshop))
    page = client.get(f"/checkin/{delegate.checkin_code}").text
    assert _buttons(page) == [] and "Its attendance is now final" in page
    app.config["CLOCK_OFFSET"] = doors_open(delegate.workshop)
    page = client.get(f"/checkin/{delegate.checkin_code}").text
    assert _buttons(page) == ["Check in Zoë Brontë"] and "Check-in opens on" not in page


def test_qr_page_gives_a_waiting_list_entry_a_free_place_and_checks_them_in(
        app, client, mailbox):
    workshop = make_workshop(capacity=1)
    first = booking.book(workshop.id, booking.Delegate(
        name="Zoë Brontë", email="zoe@example.org", organisation="Bradford Council"))
    waiting = _waiting(workshop.id)
    login(client, make_staff(Role.ORGANISER))
    app.config["CLOCK_OFFSET"] = doors_open(workshop)
    url = f"/checkin/{waiting.checkin_code}"
    page = client.get(url).text
    assert _status_shown(page) == "On the waiting list"
    assert "Wren Waiting2 is on the waiting list and has no place yet" in page
    assert "No place is free: its one place is taken" in page
    assert _buttons(page) == []
    # On the day a cancellation frees the place for the desk: it is not offered by email.
    booking.cancel(first.id)
    assert _fresh(waiting.id).status == "waiting"
    page = client.get(url).text
    assert _buttons(page) == ["Give them a free place and check in"]
    mailbox.clear()
    done = client.post(url, data={"action": "give-place"}).text
    assert "Checked in" in done and "Wren Waiting2 was given a place" in done
    given = _fresh(waiting.id)
    assert given.status == "confirmed" and given.checked_in_at is not None
    [confirmation] = mailbox.to("wait2@example.org")
    said = confirmation.get_body(("plain",)).get_content()
    assert "Your place is confirmed" in said and "given a place when you arrived" in said
    assert db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.entity_id == waiting.id).order_by(AuditEntry.id)).all()[-2:] == [
        "given a place at check-in", "checked in"]


def test_qr_page_for_a_waiting_list_entry_before_the_day(client):
    workshop = make_workshop(capacity=1)
    _waiting(workshop.id, 1)
    waiting = _waiting(workshop.id, 2)
    login(client, make_staff(Role.ORGANISER))
    page = client.get(f"/checkin/{waiting.checkin_code}").text
    assert _status_shown(page) == "On the waiting list" and "Check-in opens on" in page
    assert _buttons(page) == []


def _fresh(booking_id: int) -> Booking:
    db.session.expire_all()
    return db.session.get(Booking, booking_id)


# --- giving a waiting-list entry a place, and undoing a check-in: the domain ---------------

def test_give_place_holds_capacity_and_a_second_tap_changes_nothing(app):
    workshop = make_workshop(capacity=1)
    organiser = make_staff(Role.ORGANISER)
    app.config["CLOCK_OFFSET"] = doors_open(workshop)
    first, second = _waiting(workshop.id, 1), _waiting(workshop.id, 2)
    assert (first.status, second.status) == ("confirmed", "waiting")
    with pytest.raises(booking.BookingRefused, match="No place is free"):
        checkin.give_place(second.id, actor=organiser)
    assert _fresh(second.id).status == "waiting" and _fresh(second.id).checked_in_at is None
    booking.cancel(first.id)  # on the day: the place is not offered, it waits for the desk
    assert not checkin.give_place(second.id, actor=organiser).already
    assert checkin.give_place(second.id, actor=organiser).already
    assert booking.places_taken(workshop.id) == 1
    with pytest.raises(booking.BookingRefused, match="cancelled"):
        checkin.give_place(first.id, actor=organiser)


def test_give_place_refused_before_the_day(app):
    workshop = make_workshop(capacity=1)
    organiser = make_staff(Role.ORGANISER)
    _waiting(workshop.id, 1)
    waiting = _waiting(workshop.id, 2)
    with pytest.raises(booking.BookingRefused, match="Check-in opens on"):
        checkin.give_place(waiting.id, actor=organiser)
    assert _fresh(waiting.id).status == "waiting"


def test_an_offered_entry_is_given_the_place_held_for_it(app, mailbox):
    workshop = make_workshop(capacity=1)
    organiser = make_staff(Role.ORGANISER)
    first, waiting = _waiting(workshop.id, 1), _waiting(workshop.id, 2)
    booking.cancel(first.id)  # before the day: the place is offered to the waiting list
    assert _fresh(waiting.id).status == "offered"
    app.config["CLOCK_OFFSET"] = doors_open(workshop)
    checkin.give_place(waiting.id, actor=organiser)
    given = _fresh(waiting.id)
    assert given.status == "confirmed" and given.checked_in_at is not None
    assert given.offer_expires_at is None and booking.places_taken(workshop.id) == 1


def test_undo_check_in_is_audited_and_refused_once_attendance_is_final(app, delegate):
    organiser = make_staff(Role.ORGANISER)
    app.config["CLOCK_OFFSET"] = doors_open(delegate.workshop)
    checkin.check_in(delegate.id, actor=organiser)
    assert not checkin.undo_check_in(delegate.id, actor=organiser).already
    assert _fresh(delegate.id).checked_in_at is None
    assert checkin.undo_check_in(delegate.id, actor=organiser).already  # a second tap
    assert db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.action == "check-in undone")).all() == ["check-in undone"]
    checkin.check_in(delegate.id, actor=organiser)
    app.config["CLOCK_OFFSET"] = clock_at(checkin.recording_ends(delegate.workshop))
    with pytest.raises(booking.BookingRefused, match="Its attendance is now final"):
        checkin.undo_check_in(delegate.id, actor=organiser)
    assert _fresh(delegate.id).checked_in_at is not None
