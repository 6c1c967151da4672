"""The day itself: check in by name, walk-ins, no-shows, and finishing with the attendees."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import (
    an_hour_into,
    clock_at,
    doors_open,
    login,
    make_staff,
    make_workshop,
)
from workshops import attendance, booking, checkin, clock, scheduling, signals, tasks
from workshops.extensions import db
from workshops.formatting import time_of_day
from workshops.models import AuditEntry, Booking, Role, Workshop


def _delegate(n: int, **overrides) -> booking.Delegate:
    values = dict(name=f"Delegate Number{n}", email=f"d{n}@example.org",
                  organisation=f"Council {n}")
    values.update(overrides)
    return booking.Delegate(**values)


def _book(workshop: Workshop, *numbers: int) -> list[Booking]:
    return [booking.book(workshop.id, _delegate(n)) for n in numbers]


def _fresh(booking_id: int) -> Booking:
    db.session.expire_all()
    return db.session.get(Booking, booking_id)


@contextmanager
def finished_with() -> Iterator[list[tuple[int, list[int]]]]:
    """(workshop id, attendees' booking ids) for each `workshop_finished` sent in the block.

    Ids, not objects: a task runs in an app context (and session) of its own, gone by the time
    the test reads what was received.
    """
    received: list[tuple[int, list[int]]] = []

    def receiver(sender: Workshop, attendees: list[Booking]) -> None:
        received.append((sender.id, [b.id for b in attendees]))

    with signals.workshop_finished.connected_to(receiver):
        yield received


# --- domain ------------------------------------------------------------------------------

def test_walk_in_is_booked_and_checked_in_at_once(app, organiser, mailbox):
    workshop = make_workshop(capacity=2)
    # Booking has closed: organisers may still register.
    app.config["CLOCK_OFFSET"] = an_hour_into(workshop)
    made = attendance.walk_in(workshop.id, _delegate(1, sector="health"), actor=organiser)
    assert made.status == "confirmed" and made.checked_in_at is not None
    assert made.sector == "health"
    [confirmation] = mailbox.to("d1@example.org")  # their confirmation and links
    said = confirmation.get_body(("plain",)).get_content()
    assert "Your place is confirmed" in said
    assert "because you were registered at the workshop on the day" in said


def test_walk_in_refused_before_the_workshops_day(app, organiser):
    workshop = make_workshop()
    with pytest.raises(attendance.AttendanceRefused, match="registered on the day"):
        attendance.walk_in(workshop.id, _delegate(1), actor=organiser)
    assert db.session.scalar(select(Booking)) is None


def test_walk_in_refused_when_full_and_never_waitlisted(app, organiser):
    workshop = make_workshop(capacity=1)
    _book(workshop, 1)
    app.config["CLOCK_OFFSET"] = doors_open(workshop)
    with pytest.raises(attendance.AttendanceRefused, match="full"):
        attendance.walk_in(workshop.id, _delegate(2), actor=organiser)
    assert db.session.scalar(select(Booking).where(Booking.email == "d2@example.org")) is None


@pytest.mark.parametrize(("status", "refusal"), [
    ("draft", "This workshop is a draft, so no one can be registered for it."),
    ("cancelled", "This workshop has been cancelled, so no one can be registered for it."),
    ("finished", "This workshop has finished, so no one can be registered for it.")])
def test_walk_in_refused_unless_published_in_plain_words(app, organiser, status, refusal):
    workshop = make_workshop(status=status)
    app.config["CLOCK_OFFSET"] = doors_open(workshop)
    with pytest.raises(attendance.AttendanceRefused) as refused:
        attendance.walk_in(workshop.id, _delegate(1), actor=organiser)
    assert str(refused.value) == refusal


@pytest.mark.parametrize(("status", "refusal"), [
    ("draft", "This workshop is a draft, so no one can be marked as a no-show."),
    ("cancelled", "This workshop has been cancelled, so no one can be marked as a no-show.")])
def test_no_shows_refused_on_a_draft_or_cancelled_workshop(app, organiser, status, refusal):
    workshop = make_workshop(status=status)
    app.config["CLOCK_OFFSET"] = an_hour_into(workshop)
    with pytest.raises(attendance.AttendanceRefused) as refused:
        attendance.mark_no_shows(workshop.id, actor=organiser)
    assert str(refused.value) == refusal


def test_walk_in_twice_with_one_key_books_once(app, organiser):
    workshop = make_workshop(capacity=1)
    app.config["CLOCK_OFFSET"] = doors_open(workshop)
    first = attendance.walk_in(workshop.id, _delegate(1), actor=organiser, idempotency_key="k1")
    again = attendance.walk_in(workshop.id, _delegate(1), actor=organiser, idempotency_key="k1")
    assert first.id == again.id
    assert len(db.session.scalars(select(Booking)).all()) == 1


def test_no_shows_only_after_the_start(app, organiser):
    workshop = make_workshop()
    _book(workshop, 1)
    with pytest.raises(attendance.AttendanceRefused, match="not started"):
        attendance.mark_no_shows(workshop.id, actor=organiser)
    assert db.session.scalar(select(Booking.no_show_at)) is None


def test_no_shows_are_only_the_confirmed_not_checked_in(app, organiser):
    workshop = make_workshop(capacity=3)
    came, missed, cancelled, waiting = _book(workshop, 1, 2, 3, 4)
    booking.cancel(cancelled.id)
    # The freed place went to the waiting list as an offer: still not a confirmed delegate.
    app.config["CLOCK_OFFSET"] = doors_open(workshop)
    checkin.check_in(came.id, actor=organiser)
    app.config["CLOCK_OFFSET"] = an_hour_into(workshop)
    marked = attendance.mark_no_shows(workshop.id, actor=organiser)
    assert [b.id for b in marked] == [missed.id]
    assert _fresh(missed.id).no_show_at is not None
    for other in (came, cancelled, waiting):
        assert _fresh(other.id).no_show_at is None
    assert attendance.counts(workshop.id) == {"attended": 1, "no_shows": 1, "expected": 0,
                                              "confirmed": 2}
    assert db.session.scalars(select(AuditEntry.entity_id).where(
        AuditEntry.action == "marked no-show")).all() == [missed.id]
    assert attendance.mark_no_shows(workshop.id, actor=organiser) == []  # again: no change


def test_finishing_sends_exactly_the_checked_in(app, organiser):
    workshop = make_workshop()
    came, _missed = _book(workshop, 1, 2)
    app.config["CLOCK_OFFSET"] = doors_open(workshop)
    checkin.check_in(came.id, actor=organiser)
    app.config["CLOCK_OFFSET"] = an_hour_into(workshop)
    with finished_with() as received:
        scheduling.finish_workshop(workshop.id, actor=organiser)
    assert received == [(workshop.id, [came.id])]


def test_finishing_with_no_one_checked_in_sends_every_confirmed(app, organiser):
    workshop = make_workshop(capacity=2)
    first, second, waiting = _book(workshop, 1, 2, 3)
    with finished_with() as received:
        scheduling.finish_workshop(workshop.id, actor=organiser)
    assert received == [(workshop.id, [first.id, second.id])]
    assert waiting.status == "waiting"


def _london_day(offset_days: int, hour: int) -> datetime:
    today = clock.london(clock.now()).date()
    return clock.from_london(datetime.combine(today + timedelta(days=offset_days), time(hour)))


def test_periodic_task_finishes_yesterdays_workshops_once_and_not_todays(app):
    yesterday = make_workshop(starts_at=_london_day(-1, 9), ends_at=_london_day(-1, 16))
    today = make_workshop(starts_at=_london_day(0, 0), ends_at=_london_day(0, 0)
                          + timedelta(minutes=30))
    with finished_with() as received:
        tasks.finish_past_workshops()
        tasks.finish_past_workshops()  # a second run (or a retry) finishes nothing more
    assert [workshop_id for workshop_id, _people in received] == [yesterday.id]
    db.session.expire_all()
    assert db.session.get(Workshop, yesterday.id).status == "finished"
    assert db.session.get(Workshop, today.id).status == "published"


# --- pages -------------------------------------------------------------------------------

def test_check_in_by_name(app, signed_in):
    workshop = make_workshop()
    zoe, _other = (booking.book(workshop.id, _delegate(1, name="Zoë Brontë",
                                                       organisation="Bradford Council")),
                   booking.book(workshop.id, _delegate(2, name="Ann Other")))
    app.config["CLOCK_OFFSET"] = doors_open(workshop)
    base = f"/organiser/workshops/{workshop.id}/checkin"
    page = signed_in.get(f"{base}?q=bradford").get_data(as_text=True)
    assert "Zoë Brontë" in page and "Ann Other" not in page
    assert "Check in<span class=\"govuk-visually-hidden\"> Zoë Brontë" in page
    response = signed_in.post(f"{base}/{zoe.id}", data={"q": "bradford"})
    assert response.status_code == 303 and "q=bradford" in response.headers["Location"]
    arrived = _fresh(zoe.id).checked_in_at
    assert arrived is not None
    page = signed_in.get(f"{base}?q=bradford").get_data(as_text=True)
    assert "Zoë Brontë checked in at" in page and "Checked in " in page
    assert "1 of 2" in page
    again = signed_in.post(f"{base}/{zoe.id}", follow_redirects=True).get_data(as_text=True)
    assert "already checked in" in again
    assert _fresh(zoe.id).checked_in_at == arrived


def _buttons(page: str) -> list[str]:
    """The words of the buttons in the page's main content, as a screen reader says them."""
    main = page[page.index("<main"):page.index("</main>")]
    return [" ".join(re.sub(r"<[^>]+>", "", label).split())
            for label in re.findall(r"<button[^>]*>(.*?)</button>", main, re.S)]


def test_search_finds_the_waiting_list_and_gives_a_free_place(app, signed_in, mailbox):
    """Someone on the waiting list who comes on the day: from the day freed places are not
    offered by email, so the desk gives them one."""
    workshop = make_workshop(capacity=1)
    booked, waiting = _book(workshop, 1, 2)
    _book(workshop, 3)  # waiting too, but not searched for
    app.config["CLOCK_OFFSET"] = doors_open(workshop)
    base = f"/organiser/workshops/{workshop.id}/checkin"
    assert "Delegate Number2" not in signed_in.get(base).text  # the list is who is expected
    page = signed_in.get(f"{base}?q=number2").text
    assert "On the waiting list" in page and "Delegate Number3" not in page
    assert "No place is free: its one place is taken, so Delegate Number2 cannot be given " \
           "one." in page
    assert _buttons(page) == ["Search"]
    refused = signed_in.post(f"{base}/{waiting.id}/give-place", data={"q": "number2"},
                             follow_redirects=True).text
    assert "No place is free" in refused and _fresh(waiting.id).status == "waiting"

    booking.cancel(booked.id)  # on the day: not offered to the waiting list
    page = signed_in.get(f"{base}?q=number2").text
    assert _buttons(page) == ["Search", "Give them a free place and check in for Delegate Number2"]
    mailbox.clear()
    response = signed_in.post(f"{base}/{waiting.id}/give-place", data={"q": "number2"})
    assert response.status_code == 303 and "q=number2" in response.headers["Location"]
    given = _fresh(waiting.id)
    assert given.status == "confirmed" and given.checked_in_at is not None
    page = signed_in.get(response.headers["Location"]).text
    assert "Delegate Number2 was given a place and checked in at" in page
    assert "1 of 1" in page  # now a confirmed delegate, counted with the others
    [confirmation] = mailbox.to("d2@example.org")
    assert "Your place is confirmed" in confirmation.get_body(("plain",)).get_content()
    # Someone else on the waiting list now finds the workshop full again.
    page = signed_in.get(f"{base}?q=number3").text
    assert "No place is free" in page and _buttons(page) == ["Search"]


def test_walk_in_page_points_a_waiting_list_entry_to_the_search(app, signed_in):
    workshop = make_workshop(capacity=1)
    booked, _waiting = _book(workshop, 1, 2)
    app.config["CLOCK_OFFSET"] = doors_open(workshop)
    booking.cancel(booked.id)  # a place is free, and not offered on the day
    response = signed_in.post(f"/organiser/workshops/{workshop.id}/walk-in",
                              data=_walk_in_form(email="d2@example.org"))
    assert "Search for the delegate on the check-in page instead, where someone on the " \
           "waiting list can be given a free place." in response.text
    found = signed_in.get(f"/organiser/workshops/{workshop.id}/checkin?q=d2@example.org").text
    assert "Delegate Number2" in found and "On the waiting list" in found


def test_undo_check_in_from_the_list(app, signed_in, organiser):
    workshop = make_workshop()
    came = _book(workshop, 1)[0]
    app.config["CLOCK_OFFSET"] = doors_open(workshop)
    base = f"/organiser/workshops/{workshop.id}/checkin"
    assert _buttons(signed_in.get(base).text)[1:] == ["Check in Delegate Number1"]
    checkin.check_in(came.id, actor=organiser)
    assert _buttons(signed_in.get(base).text)[1:] == ["Undo check-in for Delegate Number1"]
    page = signed_in.post(f"{base}/{came.id}/undo", follow_redirects=True).text
    assert "Check-in undone: Delegate Number1 is no longer recorded as having arrived." in page
    assert _fresh(came.id).checked_in_at is None
    assert _buttons(page)[1:] == ["Check in Delegate Number1"] and "0 of 1" in page
    again = signed_in.post(f"{base}/{came.id}/undo", follow_redirects=True).text
    assert "Delegate Number1 is not checked in. Nothing was changed." in again
    assert db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.action == "check-in undone")).all() == ["check-in undone"]
    # Once the attendance is final there is no button, and a stale form is refused.
    checkin.check_in(came.id, actor=organiser)
    app.config["CLOCK_OFFSET"] = clock_at(checkin.recording_ends(workshop))
    page = signed_in.get(base).text
    assert _buttons(page) == ["Search"] and "Checked in" in page
    refused = signed_in.post(f"{base}/{came.id}/undo", follow_redirects=True).text
    assert "Its attendance is now final" in refused
    assert _fresh(came.id).checked_in_at is not None


def test_no_shows_are_tagged_on_the_list_and_can_still_be_checked_in(app, signed_in,
                                                                      organiser):
    workshop = make_workshop()
    came, missed = _book(workshop, 1, 2)
    app.config["CLOCK_OFFSET"] = doors_open(workshop)
    checkin.check_in(came.id, actor=organiser)
    app.config["CLOCK_OFFSET"] = an_hour_into(workshop)
    base = f"/organiser/workshops/{workshop.id}/checkin"
    assert "No-show" not in signed_in.get(base).text
    attendance.mark_no_shows(workshop.id, actor=organiser)
    page = signed_in.get(base).text
    row = page[page.index("Delegate Number2"):]
    row = row[:row.index("</tr>")]
    assert "No-show" in row and "Check in" in row
    assert page.count("data-no-show") == 1  # not beside the one who came
    signed_in.post(f"{base}/{missed.id}")
    page = signed_in.get(base).text
    assert "No-show" not in page and _fresh(missed.id).no_show_at is None


def test_check_in_of_another_workshops_booking_is_404(app, signed_in):
    elsewhere = _book(make_workshop(), 1)[0]
    workshop = make_workshop()
    assert signed_in.post(
        f"/organiser/workshops/{workshop.id}/checkin/{elsewhere.id}").status_code == 404
    assert _fresh(elsewhere.id).checked_in_at is None


def _walk_in_form(**overrides) -> dict:
    data = {"name": "Walk In", "email": "walk@example.org", "organisation": "Gateshead Council",
            "job_title": "Social worker", "sector": "children-social-care",
            "idempotency_key": "key-1"}
    data.update(overrides)
    return data


def test_walk_in_page_registers_and_checks_in(app, signed_in):
    workshop = make_workshop()
    url = f"/organiser/workshops/{workshop.id}/walk-in"
    _book(workshop, 1)
    app.config["CLOCK_OFFSET"] = an_hour_into(workshop)
    assert "Register a walk-in" in signed_in.get(url).get_data(as_text=True)
    response = signed_in.post(url, data=_walk_in_form())
    assert response.status_code == 303
    made = db.session.scalar(select(Booking).where(Booking.email == "walk@example.org"))
    assert made.status == "confirmed" and made.checked_in_at is not None
    assert made.organisation == "Gateshead Council"
    # The workshop's list of bookings says who came without booking, and only them.
    page = signed_in.get(f"/organiser/workshops/{workshop.id}").get_data(as_text=True)
    assert page.count("data-walk-in") == 1
    row = page[page.index(made.reference):]
    assert row.index("Registered at the desk") < row.index("</tr>")


def test_before_the_day_the_pages_offer_no_walk_in_and_no_check_in(app, signed_in):
    workshop = make_workshop()
    one = _book(workshop, 1)[0]
    base = f"/organiser/workshops/{workshop.id}"
    assert "Register a walk-in" not in signed_in.get(base).get_data(as_text=True)
    page = signed_in.get(f"{base}/checkin").get_data(as_text=True)
    assert 'data-checkin="not-open"' in page and "Delegate Number1" in page
    assert "Check in<span" not in page and "Register someone who has not booked" not in page
    refused = signed_in.post(f"{base}/walk-in", data=_walk_in_form(), follow_redirects=True)
    said = refused.get_data(as_text=True)
    assert "Walk-ins are registered from when check-in opens" in said
    assert said.count("Check-in opens on") == 1  # the page's own notice, not said twice
    assert db.session.scalar(select(func.count()).select_from(Booking)) == 1
    tapped = signed_in.post(f"{base}/checkin/{one.id}", follow_redirects=True)
    assert "Check-in opens on" in tapped.get_data(as_text=True)
    assert _fresh(one.id).checked_in_at is None


def test_walk_in_page_errors_beside_fields(app, signed_in):
    workshop = make_workshop()
    app.config["CLOCK_OFFSET"] = doors_open(workshop)
    response = signed_in.post(f"/organiser/workshops/{workshop.id}/walk-in",
                              data=_walk_in_form(name="", email="not an email"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter the delegate’s full name" in page and "correct format" in page
    assert 'id="name-error"' in page and 'id="email-error"' in page


def test_walk_in_page_refused_when_full(app, signed_in):
    workshop = make_workshop(capacity=1)
    _book(workshop, 1)
    app.config["CLOCK_OFFSET"] = doors_open(workshop)
    url = f"/organiser/workshops/{workshop.id}/walk-in"
    assert "The workshop is full" in signed_in.get(url).get_data(as_text=True)
    response = signed_in.post(url, data=_walk_in_form())
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="walk-in-error"' in page and "all 1 places are taken" in page
    assert db.session.scalar(select(Booking).where(Booking.email == "walk@example.org")) is None


def test_walk_in_page_for_someone_already_booked(app, signed_in):
    workshop = make_workshop()
    _book(workshop, 1)
    app.config["CLOCK_OFFSET"] = doors_open(workshop)
    response = signed_in.post(f"/organiser/workshops/{workshop.id}/walk-in",
                              data=_walk_in_form(email="d1@example.org"))
    assert response.status_code == 422
    assert "Search for the delegate on the check-in page" in response.get_data(as_text=True)


def test_no_shows_page_confirms_then_marks(app, signed_in, organiser):
    workshop = make_workshop()
    came, missed = _book(workshop, 1, 2)
    app.config["CLOCK_OFFSET"] = doors_open(workshop)
    checkin.check_in(came.id, actor=organiser)
    url = f"/organiser/workshops/{workshop.id}/no-shows"
    early = signed_in.get(url, follow_redirects=True).get_data(as_text=True)
    assert "has not started yet" in early
    app.config["CLOCK_OFFSET"] = an_hour_into(workshop)
    page = signed_in.get(url).get_data(as_text=True)
    assert "Delegate Number2" in page and "Delegate Number1" not in page
    assert "Yes, mark 1 person as no-shows" in page
    assert _fresh(missed.id).no_show_at is None  # the confirmation page changes nothing
    response = signed_in.post(url, data={})
    assert response.status_code == 303
    assert _fresh(missed.id).no_show_at is not None
    workshop_page = signed_in.get(f"/organiser/workshops/{workshop.id}").get_data(as_text=True)
    assert _counted(workshop_page, "attended") == "1"
    assert _counted(workshop_page, "no-shows") == "1"


def _counted(page: str, name: str) -> str:
    """The number in the Attendance table's cell marked data-attendance=name."""
    start = page.index(f'data-attendance="{name}"')
    return page[page.index(">", start) + 1:page.index("<", start)].strip()


def test_finish_page_confirms_then_finishes(app, signed_in, organiser):
    workshop = make_workshop()
    came, _missed = _book(workshop, 1, 2)
    app.config["CLOCK_OFFSET"] = doors_open(workshop)
    checkin.check_in(came.id, actor=organiser)
    url = f"/organiser/workshops/{workshop.id}/finish"
    assert "has not started yet" in signed_in.get(url, follow_redirects=True).get_data(
        as_text=True)
    app.config["CLOCK_OFFSET"] = an_hour_into(workshop)
    page = signed_in.get(url).get_data(as_text=True)
    assert "Mark this workshop as finished?" in page and "Delegate Number1" in page
    assert "Delegate Number2" not in page
    # An hour in, finishing is allowed (it may have ended early), but the page says it runs on.
    assert f"The workshop is due to run until {time_of_day(workshop.ends_at)}. Finish it now " \
        "only if it has ended early" in page
    app.config["CLOCK_OFFSET"] = clock_at(workshop.ends_at + timedelta(minutes=5))
    assert "due to run until" not in signed_in.get(url).text
    with finished_with() as received:
        assert signed_in.post(url, data={}).status_code == 303
    assert received == [(workshop.id, [came.id])]
    db.session.expire_all()
    assert db.session.get(Workshop, workshop.id).status == "finished"
    again = signed_in.get(url, follow_redirects=True).get_data(as_text=True)
    assert "This workshop has finished: only a published workshop can be finished" in again


def test_workshop_page_shows_attendance(app, signed_in, organiser):
    workshop = make_workshop()
    came, _missed = _book(workshop, 1, 2)
    app.config["CLOCK_OFFSET"] = doors_open(workshop)
    checkin.check_in(came.id, actor=organiser)
    page = signed_in.get(f"/organiser/workshops/{workshop.id}").get_data(as_text=True)
    assert "Attendance" in page and "Check in delegates" in page
    assert _counted(page, "attended") == "1" and _counted(page, "no-shows") == "0"
    assert "Mark the rest as no-shows" not in page  # not before the start


# --- access ------------------------------------------------------------------------------

def _routes(workshop: Workshop, one: Booking) -> list[tuple[str, str]]:
    base = f"/organiser/workshops/{workshop.id}"
    return [("GET", f"{base}/checkin"), ("POST", f"{base}/checkin/{one.id}"),
            ("POST", f"{base}/checkin/{one.id}/give-place"),
            ("POST", f"{base}/checkin/{one.id}/undo"),
            ("GET", f"{base}/walk-in"), ("POST", f"{base}/walk-in"),
            ("GET", f"{base}/no-shows"), ("POST", f"{base}/no-shows"),
            ("GET", f"{base}/finish"), ("POST", f"{base}/finish")]


def test_anonymous_visitors_are_sent_to_sign_in_everywhere(app, client):
    workshop = make_workshop()
    one = _book(workshop, 1)[0]
    app.config["CLOCK_OFFSET"] = an_hour_into(workshop)
    for method, url in _routes(workshop, one):
        response = client.open(url, method=method, data=_walk_in_form())
        assert response.status_code == 302, (method, url)
        assert "/staff/login" in response.headers["Location"], (method, url)
    _nothing_changed(workshop, one)


def test_screeners_get_403_everywhere(app, client):
    workshop = make_workshop()
    one = _book(workshop, 1)[0]
    login(client, make_staff(Role.SCREENER))
    app.config["CLOCK_OFFSET"] = an_hour_into(workshop)
    for method, url in _routes(workshop, one):
        assert client.open(url, method=method, data=_walk_in_form()).status_code == 403, \
            (method, url)
    _nothing_changed(workshop, one)


def _nothing_changed(workshop: Workshop, one: Booking) -> None:
    db.session.expire_all()
    assert db.session.get(Workshop, workshop.id).status == "published"
    found = db.session.get(Booking, one.id)
    assert found.checked_in_at is None and found.no_show_at is None
    assert db.session.scalar(select(Booking).where(Booking.email == "walk@example.org")) is None
