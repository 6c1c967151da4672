"""An organiser changes a booking's details for a delegate who asks by phone or email."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import make_workshop
from workshops import booking
from workshops.extensions import db
from workshops.models import AuditEntry, Booking


def _booked(workshop, email: str = "ada@example.org", **details) -> Booking:  # noqa: ANN001
    return booking.book(workshop.id, booking.Delegate(
        name=details.pop("name", "Ada Lovelas"), email=email,
        organisation="Leeds City Council", sector="children-social-care",
        list_consent=True, **details))


def _form(made: Booking, **overrides) -> dict:
    data = {"name": made.name, "email": made.email, "organisation": made.organisation,
            "job_title": made.job_title, "region": made.region, "sector": made.sector,
            "access_needs": made.access_needs, "dietary_needs": made.dietary_needs}
    data.update(overrides)
    return data


def _url(made: Booking) -> str:
    return f"/organiser/bookings/{made.id}/edit"


def _fresh(made: Booking) -> Booking:
    db.session.expire_all()
    return db.session.get(Booking, made.id)


def test_an_organiser_corrects_a_name_and_adds_an_access_need(app, signed_in, organiser,
                                                               mailbox):
    workshop = make_workshop()
    made = _booked(workshop)
    mailbox.clear()
    page = signed_in.get(f"/organiser/workshops/{workshop.id}").get_data(as_text=True)
    assert f'href="{_url(made)}"' in page  # the bookings table leads here
    form = signed_in.get(_url(made))
    assert form.status_code == 200
    assert 'value="Ada Lovelas"' in form.get_data(as_text=True)  # filled in from the booking

    response = signed_in.post(_url(made), data=_form(
        made, name="Ada Lovelace", access_needs="A hearing loop"), follow_redirects=True)
    assert response.status_code == 200
    assert (f"Booking {made.reference} updated (name, access needs). Ada Lovelace has been "
            "emailed the new details.") in response.get_data(as_text=True)
    changed = _fresh(made)
    assert changed.name == "Ada Lovelace" and changed.access_needs == "A hearing loop"
    assert changed.status == "confirmed" and changed.list_consent, "consent is theirs to give"

    [message] = mailbox.to("ada@example.org")
    assert message["Subject"].startswith("Booking updated")
    said = message.get_body(("plain",)).get_content()
    assert "The workshop’s organisers have updated your booking details" in said
    assert "the workshop’s organisers changed the details of your booking" in said
    assert "A hearing loop" in said
    assert any(part.get_content_type() == "text/calendar" for part in message.walk())
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.entity == "booking", AuditEntry.entity_id == made.id,
        AuditEntry.action == "changed details"))
    assert entry.actor_id == organiser.id
    assert entry.details["fields"] == ["access_needs", "name"]


def test_an_organiser_moving_a_booking_to_another_address_tells_the_old_one(
        app, signed_in, mailbox):
    made = _booked(make_workshop())
    mailbox.clear()
    signed_in.post(_url(made), data=_form(made, email="ada.new@example.org"))
    assert _fresh(made).email == "ada.new@example.org"
    [told] = mailbox.to("ada@example.org")
    assert "The workshop’s organisers have changed the email address of your booking" in \
        told.get_body(("plain",)).get_content()
    assert [m["Subject"][:15] for m in mailbox.to("ada.new@example.org")] == ["Booking updated"]


def test_errors_are_beside_their_fields_and_nothing_changes(app, signed_in, mailbox):
    workshop = make_workshop()
    made = _booked(workshop)
    _booked(workshop, email="taken@example.org", name="Someone Else")
    mailbox.clear()
    for overrides, field, message in (
            ({"name": ""}, "name", "Enter the delegate’s full name"),
            ({"email": "ada at leeds"}, "email", "correct format"),
            ({"email": "Taken@Example.org"}, "email",
             "Another booking for this workshop already uses this email address"),
            ({"dietary_needs": "x" * 2001}, "dietary_needs", "")):
        response = signed_in.post(_url(made), data=_form(made, **overrides))
        page = response.get_data(as_text=True)
        assert response.status_code == 422, overrides
        assert f'id="{field}-error"' in page and message in page, overrides
        # What was typed is kept.
        typed = next(iter(overrides.values()))
        if typed and len(typed) < 100:
            assert f'value="{typed}"' in page, overrides
    assert _fresh(made).email == "ada@example.org" and _fresh(made).name == "Ada Lovelas"
    assert not mailbox.messages


def test_saving_without_a_change_sends_nothing(app, signed_in, mailbox):
    made = _booked(make_workshop())
    mailbox.clear()
    response = signed_in.post(_url(made), data=_form(made), follow_redirects=True)
    assert f"Nothing was changed in booking {made.reference}" in response.get_data(as_text=True)
    assert not mailbox.messages


def test_a_cancelled_booking_cannot_be_changed(app, signed_in, mailbox):
    made = _booked(make_workshop())
    booking.cancel(made.id)
    mailbox.clear()
    for response in (signed_in.get(_url(made), follow_redirects=True),
                     signed_in.post(_url(made), data=_form(made, name="Someone New"),
                                    follow_redirects=True)):
        assert (f"Booking {made.reference} is cancelled: its details can no longer be changed"
                in response.get_data(as_text=True))
    assert _fresh(made).name == "Ada Lovelas" and not mailbox.messages


def test_someone_on_the_waiting_list_is_told_without_a_calendar_invite(app, signed_in,
                                                                      mailbox):
    workshop = make_workshop(capacity=1)
    _booked(workshop, email="first@example.org", name="First In")
    waiting = _booked(workshop)
    assert waiting.status == "waiting"
    mailbox.clear()
    signed_in.post(_url(waiting), data=_form(waiting, organisation="Bradford Council"))
    assert _fresh(waiting).organisation == "Bradford Council"
    [message] = mailbox.to("ada@example.org")
    assert not any(part.get_content_type() == "text/calendar" for part in message.walk())
