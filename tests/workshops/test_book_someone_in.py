"""An organiser books someone in: by phone, after booking has closed, or a speaker."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import an_hour_into, doors_open, make_workshop
from workshops import booking, clock
from workshops.extensions import db
from workshops.models import AuditEntry, Booking, Workshop


def _form(**overrides) -> dict:
    data = {"name": "Grace Hopper", "email": "grace@example.org",
            "organisation": "Kent County Council", "job_title": "", "region": "south-east",
            "sector": "children-social-care", "access_needs": "Step-free route, please",
            "dietary_needs": "", "idempotency_key": "key-1"}
    data.update(overrides)
    return data


def _url(workshop: Workshop) -> str:
    return f"/organiser/workshops/{workshop.id}/bookings/new"


def _made(email: str = "grace@example.org") -> Booking | None:
    db.session.expire_all()
    return db.session.scalar(select(Booking).where(Booking.email == email))


def test_after_booking_closes_an_organiser_books_someone_in_and_they_are_emailed(
        app, signed_in, organiser, mailbox):
    workshop = make_workshop(booking_closes_at=clock.now() - timedelta(days=1))
    page = signed_in.get(f"/organiser/workshops/{workshop.id}").get_data(as_text=True)
    assert f'href="{_url(workshop)}"' in page  # the workshop page leads here
    form = signed_in.get(_url(workshop)).get_data(as_text=True)
    assert "Booking is closed to the public" in form and "20 places left" in form

    response = signed_in.post(_url(workshop), data=_form(), follow_redirects=True)
    made = _made()
    assert made.status == "confirmed" and made.access_needs == "Step-free route, please"
    assert made.region == "south-east" and not made.list_consent
    assert f"Grace Hopper has a place (reference {made.reference})" in response.get_data(
        as_text=True)
    [message] = mailbox.to("grace@example.org")
    assert message["Subject"].startswith("Place confirmed")
    said = message.get_body(("plain",)).get_content()
    assert "The workshop’s organisers have booked a place for you" in said
    assert "the workshop’s organisers booked a place for you" in said  # why it was sent
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity_id == made.id,
                                                       AuditEntry.entity == "booking"))
    assert entry.action == "booked" and entry.actor_id == organiser.id


def test_a_full_workshop_puts_them_on_the_waiting_list_and_says_so(app, signed_in, mailbox):
    workshop = make_workshop(capacity=1)
    booking.book(workshop.id, booking.Delegate(name="First In", email="first@example.org",
                                               organisation="Leeds City Council"))
    assert "anyone you book in joins the waiting list" in signed_in.get(
        _url(workshop)).get_data(as_text=True)
    response = signed_in.post(_url(workshop), data=_form(), follow_redirects=True)
    assert _made().status == "waiting"
    # On the day, freed places go to the door, not the waiting list: the page says so.
    app.config["CLOCK_OFFSET"] = doors_open(workshop)
    page = signed_in.get(_url(workshop)).text
    assert "places that come free now go to people at the door" in page
    assert "is offered the next place" not in page
    app.config["CLOCK_OFFSET"] = None
    assert "Grace Hopper is on the waiting list, number 1" in response.get_data(as_text=True)
    [message] = mailbox.to("grace@example.org")
    assert message["Subject"].startswith("Waiting list")
    assert "its organisers have put you on the waiting list: number 1" in message.get_body(
        ("plain",)).get_content()


def test_errors_are_beside_their_fields_and_nothing_is_booked(app, signed_in):
    workshop = make_workshop()
    response = signed_in.post(_url(workshop), data=_form(name="", email="grace at kent",
                                                         access_needs="x" * 2001))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="name-error"' in page and "Enter the delegate’s full name" in page
    assert 'id="email-error"' in page and "correct format" in page
    assert 'id="access_needs-error"' in page and "2,000 characters or fewer" in page
    assert _made() is None and _made("grace at kent") is None


def test_someone_already_booked_is_told_beside_the_email(app, signed_in):
    workshop = make_workshop()
    assert signed_in.post(_url(workshop), data=_form()).status_code == 303
    again = signed_in.post(_url(workshop), data=_form(idempotency_key="key-2"))
    assert again.status_code == 422
    page = again.get_data(as_text=True)
    assert 'id="email-error"' in page and "already has a booking" in page
    # The organiser is told which booking, to change it; not sent to 'Email me my links'.
    assert f"({_made().reference}, confirmed). Find it in the workshop’s bookings" in page
    assert "Email me my links" not in page.split('id="email-error"')[1][:400]


def test_the_same_form_sent_twice_books_once(app, signed_in):
    workshop = make_workshop()
    for _ in range(2):
        assert signed_in.post(_url(workshop), data=_form()).status_code == 303
    assert len(db.session.scalars(select(Booking).where(
        Booking.workshop_id == workshop.id)).all()) == 1


@pytest.mark.parametrize(("status", "standing"), [
    ("draft", "is a draft"), ("cancelled", "has been cancelled"), ("finished", "has finished")])
def test_only_a_published_workshop_takes_bookings(app, signed_in, status, standing):
    workshop = make_workshop(status=status)
    page = signed_in.get(f"/organiser/workshops/{workshop.id}").get_data(as_text=True)
    assert _url(workshop) not in page
    refused = signed_in.post(_url(workshop), data=_form(), follow_redirects=True)
    assert f"This workshop {standing}, so no one can be booked on it" in refused.get_data(
        as_text=True)
    assert _made() is None


def test_once_the_workshop_has_started_they_are_a_walk_in(app, signed_in):
    workshop = make_workshop()
    app.config["CLOCK_OFFSET"] = an_hour_into(workshop)
    refused = signed_in.post(_url(workshop), data=_form(), follow_redirects=True)
    assert "register anyone who turns up as a walk-in" in refused.get_data(as_text=True)
    assert _made() is None


def test_a_workshop_cancelled_meanwhile_takes_no_booking(app, organiser):
    """The status is read again under the workshop's lock, where cancelling takes it too."""
    workshop = make_workshop()
    workshop.status = "cancelled"
    db.session.commit()
    with pytest.raises(booking.BookingRefused, match="has been cancelled"):
        booking.book(workshop.id, booking.Delegate(name="Grace Hopper",
                                                   email="grace@example.org",
                                                   organisation="Kent"), actor=organiser)


def test_booking_before_it_opens_to_the_public(app, signed_in):
    workshop = make_workshop(booking_opens_at=clock.now() + timedelta(days=2))
    assert "until it opens" in signed_in.get(_url(workshop)).get_data(as_text=True)
    assert signed_in.post(_url(workshop), data=_form()).status_code == 303
    assert _made().status == "confirmed"
    # ...while the public are still told to wait.
    with pytest.raises(booking.BookingRefused, match="not opened yet"):
        booking.book(workshop.id, booking.Delegate(name="Ann Public", email="ann@example.org",
                                                   organisation="Kent"))


def test_the_list_of_bookings_says_who_booked_someone_in(app, signed_in, organiser):
    workshop = make_workshop()
    booking.book(workshop.id, booking.Delegate(name="Self Booked", email="self@example.org",
                                               organisation="Kent County Council"))
    assert signed_in.post(_url(workshop), data=_form()).status_code == 303
    page = signed_in.get(f"/organiser/workshops/{workshop.id}").get_data(as_text=True)
    assert page.count("data-booked-in") == 1
    bookings = page[page.index('id="bookings"'):]
    row = bookings[bookings.index("Grace Hopper"):]
    assert row.index(f"Booked in by {organiser.email}") < row.index("</tr>")
