"""The booking rules, through the domain functions and through the booking form."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import clock_at, delegate_form, make_staff, make_workshop
from workshops import booking, clock
from workshops.extensions import db
from workshops.models import AuditEntry, Booking, BookingStatus, OutboxMessage, Role


def _delegate(n: int, **overrides) -> booking.Delegate:
    values = dict(name=f"Delegate {n}", email=f"d{n}@example.org",
                  organisation=f"Council {n}", job_title="Social worker")
    values.update(overrides)
    return booking.Delegate(**values)


def test_books_a_place_until_full_then_waiting_list(app):
    workshop = make_workshop(capacity=2)
    made = [booking.book(workshop.id, _delegate(n)) for n in range(4)]
    assert [b.status for b in made] == ["confirmed", "confirmed", "waiting", "waiting"]
    assert booking.waiting_position(made[3]) == 2


def test_waiting_list_email_gives_each_newcomer_their_place_in_line(app):
    workshop = make_workshop(capacity=1)
    made = [booking.book(workshop.id, _delegate(n)) for n in range(4)]
    booking.cancel(made[2].id)  # second in line leaves: the next newcomer is third
    late = booking.book(workshop.id, _delegate(9))
    bodies = {m.recipient: m.text_body for m in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.subject.startswith("Waiting list")))}
    assert "number 1 in the queue" in bodies["d1@example.org"]
    assert "number 2 in the queue" in bodies["d2@example.org"]
    assert "number 3 in the queue" in bodies["d3@example.org"]
    assert "number 3 in the queue" in bodies["d9@example.org"]
    assert booking.waiting_position(late) == 3


def test_same_person_cannot_book_twice(app):
    workshop = make_workshop()
    booking.book(workshop.id, _delegate(1))
    with pytest.raises(booking.BookingRefused) as refused:
        booking.book(workshop.id, _delegate(2, email="D1@Example.org "))
    assert refused.value.field == "email"


def test_cancelled_person_can_book_again(app):
    workshop = make_workshop()
    first = booking.book(workshop.id, _delegate(1))
    booking.cancel(first.id)
    again = booking.book(workshop.id, _delegate(1))
    assert again.status == "confirmed" and again.id != first.id


def test_repeated_post_makes_one_booking(client, workshop):
    form = delegate_form()
    url = f"/series/{workshop.series.slug}/north-east/book"
    first = client.post(url, data=form)
    second = client.post(url, data=form)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert db.session.scalar(select(db.func.count()).select_from(Booking)) == 1


def test_per_organisation_limit(app):
    workshop = make_workshop(per_organisation_limit=2)
    booking.book(workshop.id, _delegate(1, organisation="Leeds City Council"))
    booking.book(workshop.id, _delegate(2, organisation="leeds  city council"))
    with pytest.raises(booking.BookingRefused) as refused:
        booking.book(workshop.id, _delegate(3, organisation="Leeds City Council"))
    assert refused.value.field == "organisation"
    assert "up to 2 places" in refused.value.message


def test_booking_window(client, app):
    now = clock.now()
    not_yet = make_workshop(booking_opens_at=now + timedelta(days=1))
    closed = make_workshop(region="london", booking_closes_at=now - timedelta(minutes=1))
    for workshop, message in ((not_yet, "has not opened yet"), (closed, "has closed")):
        with pytest.raises(booking.BookingRefused, match=message):
            booking.book(workshop.id, _delegate(1))
        page = client.get(f"/series/{workshop.series.slug}/{workshop.region}/book")
        assert b"Booking is not open" in page.data
        # The browser's tab and a screen reader's first words say so too, not "Book a place".
        assert f"<title>Booking is not open – {workshop.region_name}".encode() in page.data


def test_form_shows_messages_beside_fields(client, workshop):
    response = client.post(f"/series/{workshop.series.slug}/north-east/book",
                           data=delegate_form(name="", email="not-an-email"))
    assert response.status_code == 422
    page = response.data.decode()
    assert "There is a problem" in page
    assert 'id="name-error"' in page and "Enter your full name" in page
    assert 'id="email-error"' in page and "correct format" in page
    assert db.session.scalar(select(db.func.count()).select_from(Booking)) == 0


def test_answers_of_only_spaces_are_no_answers_and_pasted_spaces_are_dropped(client, workshop):
    path = f"/series/{workshop.series.slug}/north-east/book"
    response = client.post(path, data=delegate_form(name="   ", job_title="\t", organisation=" "))
    assert response.status_code == 422
    page = response.data.decode()
    for field, message in [("name", "Enter your full name"), ("job_title", "Enter your job title"),
                           ("organisation", "Enter your organisation")]:
        assert f'id="{field}-error"' in page and message in page
    assert db.session.scalar(select(db.func.count()).select_from(Booking)) == 0
    # An address copied with a space either side is the address.
    response = client.post(path, data=delegate_form(email="  Sian@Example.org ",
                                                    name=" Siân Jones "))
    assert response.status_code == 303
    made = db.session.scalar(select(Booking))
    assert (made.email, made.email_key, made.name) == ("Sian@Example.org", "sian@example.org",
                                                       "Siân Jones")


def test_blank_form_is_the_same_for_everyone_but_its_tokens(app, workshop):
    """The blank fields are rendered once and kept (views.public._blank_fields): nobody's
    answers or errors may leak into them, each visitor still gets their own CSRF token and
    idempotency key, and a full workshop's form says so."""
    from tests.live_server import hidden_inputs

    path = f"/series/{workshop.series.slug}/north-east/book"
    first, second = app.test_client(), app.test_client()
    blank = first.get(path).data.decode()
    sent_back = first.post(path, data=delegate_form(name="Leaky Name", email="not-an-email"))
    assert sent_back.status_code == 422 and "Leaky Name" in sent_back.data.decode()

    again = second.get(path).data.decode()
    assert "Leaky Name" not in again and "There is a problem" not in again
    assert 'value="north-east" selected' in again and "Book a place" in again
    # (The suite's app has CSRF off; tests/security covers the token on every form.)
    keys = [hidden_inputs(page)["idempotency_key"] for page in (blank, again)]
    assert all(keys) and keys[0] != keys[1]
    # Apart from the key, the page is the same page.
    assert again.replace(keys[1], "") == blank.replace(keys[0], "")

    for n in range(workshop.capacity):
        booking.book(workshop.id, _delegate(n))
    button = re.compile(r'<button type="submit"[^>]*>\s*([^<]*?)\s*</button>')
    assert button.findall(again) == ["Book a place"]
    assert "confirmation and calendar invite" in again
    full = app.test_client().get(path).data.decode()
    assert button.findall(full) == ["Join the waiting list"]
    # No invite comes with a place on the waiting list, so the form does not promise one.
    assert "calendar invite" not in full and "about your place on the waiting list" in full


def test_freed_place_is_offered_to_next_in_line_and_can_be_accepted(app, mailbox):
    workshop = make_workshop(capacity=1, offer_hours=24)
    first = booking.book(workshop.id, _delegate(1))
    second = booking.book(workshop.id, _delegate(2))
    third = booking.book(workshop.id, _delegate(3))
    booking.cancel(first.id)
    db.session.refresh(second)
    db.session.refresh(third)
    assert second.status == "offered" and third.status == "waiting"
    assert second.offer_expires_at - clock.now() == pytest.approx(timedelta(hours=24),
                                                                   abs=timedelta(minutes=1))
    offer_mail = mailbox.to("d2@example.org")[-1]
    assert "A place is free" in offer_mail["Subject"]
    assert f"/booking/{second.token}/offer" in offer_mail.get_body(("plain",)).get_content()
    accepted = booking.accept_offer(second.id)
    assert accepted.status == "confirmed"
    assert "Place confirmed" in mailbox.to("d2@example.org")[-1]["Subject"]


def test_expired_offer_passes_to_the_next(app, mailbox):
    workshop = make_workshop(capacity=1, offer_hours=48)
    first = booking.book(workshop.id, _delegate(1))
    second = booking.book(workshop.id, _delegate(2))
    third = booking.book(workshop.id, _delegate(3))
    booking.cancel(first.id)
    app.config["CLOCK_OFFSET"] = timedelta(hours=49)
    assert booking.expire_offers() == 1
    db.session.refresh(second)
    db.session.refresh(third)
    assert second.status == "expired" and third.status == "offered"
    with pytest.raises(booking.BookingRefused):
        booking.accept_offer(second.id)
    assert "Offer expired" in mailbox.to("d2@example.org")[-1]["Subject"]


def test_an_offer_never_outlasts_the_start(app, mailbox):
    workshop = make_workshop(capacity=1, offer_hours=48)
    first = booking.book(workshop.id, _delegate(1))
    second = booking.book(workshop.id, _delegate(2))
    # A day and a half before the start: 48 hours would run past it.
    app.config["CLOCK_OFFSET"] = clock_at(workshop.starts_at - timedelta(hours=36))
    booking.cancel(first.id)
    db.session.refresh(second)
    assert second.status == "offered" and second.offer_expires_at == workshop.starts_at
    assert clock.london(workshop.starts_at).strftime("%-d %B") in \
        mailbox.to("d2@example.org")[-1].get_body(("plain",)).get_content()


def test_on_the_day_a_freed_place_is_for_the_door_not_the_waiting_list(app, mailbox):
    workshop = make_workshop(capacity=1)
    first = booking.book(workshop.id, _delegate(1))
    waiting = booking.book(workshop.id, _delegate(2))
    organiser = make_staff(Role.ORGANISER)
    app.config["CLOCK_OFFSET"] = clock_at(workshop.day_starts_at + timedelta(hours=7))
    booking.cancel(first.id, actor=organiser)
    db.session.refresh(waiting)
    assert waiting.status == "waiting" and waiting.offer_expires_at is None
    assert not [m for m in mailbox.to("d2@example.org") if "A place is free" in m["Subject"]]
    at_the_door = booking.book(workshop.id, _delegate(3), walk_in=True, actor=organiser)
    assert at_the_door.status == "confirmed"
    # Expiring offers and a raised capacity offer nothing either: both go through one rule.
    assert booking.offer_next(workshop.id) == []


def test_declined_offer_passes_to_the_next(app):
    workshop = make_workshop(capacity=1)
    first = booking.book(workshop.id, _delegate(1))
    second = booking.book(workshop.id, _delegate(2))
    third = booking.book(workshop.id, _delegate(3))
    booking.cancel(first.id)
    booking.decline_offer(second.id)
    db.session.refresh(third)
    assert third.status == "offered"


def test_every_change_is_audited(app):
    workshop = make_workshop()
    made = booking.book(workshop.id, _delegate(1))
    booking.change_details(made.id, _delegate(1, job_title="Service manager"))
    booking.cancel(made.id)
    actions = db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.entity == "booking", AuditEntry.entity_id == made.id)
        .order_by(AuditEntry.id)).all()
    assert actions == ["booked", "changed details", "cancelled"]


def test_transition_table_refuses_cancelling_twice(app):
    workshop = make_workshop()
    made = booking.book(workshop.id, _delegate(1))
    booking.cancel(made.id)
    from workshops.transitions import TransitionNotAllowed

    with pytest.raises(TransitionNotAllowed):
        booking.cancel(made.id)
    assert db.session.get(Booking, made.id).status == BookingStatus.CANCELLED


def test_concurrent_twins_of_one_post_make_one_booking(app):
    """A double click sends two identical POSTs at once: both get the one booking."""
    from concurrent.futures import ThreadPoolExecutor

    workshop = make_workshop()
    workshop_id = workshop.id

    def submit(_: int) -> int:
        with app.app_context():
            made = booking.book(workshop_id, _delegate(1), idempotency_key="same-form-render")
            return made.id

    with ThreadPoolExecutor(max_workers=6) as pool:
        ids = set(pool.map(submit, range(6)))
    assert len(ids) == 1
    assert db.session.scalar(select(db.func.count()).select_from(Booking)) == 1


def test_walk_in_booking_is_marked_and_never_joins_the_waiting_list(app):
    workshop = make_workshop(capacity=2)
    ahead = booking.book(workshop.id, _delegate(1))
    at_the_door = booking.book(workshop.id, _delegate(2), walk_in=True)
    assert (ahead.walk_in, at_the_door.walk_in) == (False, True)
    with pytest.raises(booking.WorkshopFull):
        booking.book(workshop.id, _delegate(3), walk_in=True)
    assert db.session.scalar(select(db.func.count()).select_from(Booking)) == 2


def test_taking_the_booking_lock_does_not_count_as_editing_the_workshop(app):
    """booking_lock is bumped by every booking; updated_at must still mean "the workshop's
    details changed" (the print file is fingerprinted on them)."""
    workshop = make_workshop(capacity=1)
    before = workshop.updated_at
    booking.book(workshop.id, _delegate(1))
    booking.book(workshop.id, _delegate(2))  # joins the waiting list
    db.session.expire_all()
    assert db.session.get(type(workshop), workshop.id).updated_at == before


def test_references_spell_no_words(monkeypatch) -> None:
    """Printed on badges and read out over the phone: no vowels, and the few vowelless
    words are drawn again."""
    from workshops.models import bookings

    drawn = iter("WTF23456" + "BCD23456")
    monkeypatch.setattr(bookings.secrets, "choice", lambda _alphabet: next(drawn))
    assert bookings.new_reference() == "BCD23456"  # the first draw spelt something
    monkeypatch.undo()
    made = {bookings.new_reference() for _ in range(2000)}
    assert len(made) == 2000
    assert not set("".join(made)) & set("AEIOUY01L")


@pytest.mark.parametrize(("name", "surname"), [
    ("Aoife Mac Giolla", "Mac Giolla"), ("Ana de la Cruz", "de la Cruz"),
    ("Siân Ó Súilleabháin", "Ó Súilleabháin"), ("Ludwig van Beethoven", "van Beethoven"),
    ("Zoë Hall", "Hall"), ("Cher", "Cher"), ("De Smith", "Smith"), ("", ""),
])
def test_a_family_name_keeps_its_particles(name: str, surname: str) -> None:
    assert Booking(name=name).surname == surname
