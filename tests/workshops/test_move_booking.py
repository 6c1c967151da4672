"""A delegate moves their booking to another workshop of the same series."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import login, make_staff, make_workshop
from workshops import booking, clock
from workshops.extensions import db
from workshops.models import AuditEntry, Booking, Role

ADA = "ada@example.org"


def _book(workshop, email: str = ADA, name: str = "Ada Lovelace") -> Booking:  # noqa: ANN001
    return booking.book(workshop.id, booking.Delegate(
        name=name, email=email, organisation="Leeds City Council", dietary_needs="Vegan"))


@pytest.fixture()
def series_pair():  # noqa: ANN201
    """Newcastle (full, with one person waiting) and Leeds, a week later, of one series."""
    newcastle = make_workshop(capacity=1)
    leeds = make_workshop(series=newcastle.series, region="yorkshire-and-the-humber",
                          starts_at=newcastle.starts_at + timedelta(days=7), capacity=5)
    return newcastle, leeds


def _fresh(made: Booking) -> Booking:
    db.session.expire_all()
    return db.session.get(Booking, made.id)


def test_moving_a_place_frees_it_for_the_next_in_line(app, client, mailbox, series_pair) -> None:
    newcastle, leeds = series_pair
    mine = _book(newcastle)
    waiting = _book(newcastle, email="next@example.org", name="Next In Line")
    assert waiting.status == "waiting"
    mailbox.clear()

    manage = client.get(f"/booking/{mine.token}").text
    assert f'href="/booking/{mine.token}/move"' in manage
    page = client.get(f"/booking/{mine.token}/move")
    assert page.status_code == 200
    assert "Yorkshire and the Humber" in page.text and "5 places left" in page.text
    response = client.post(f"/booking/{mine.token}/move", data={"workshop": str(leeds.id)})
    assert response.status_code == 303

    moved = db.session.scalar(select(Booking).where(Booking.workshop_id == leeds.id))
    assert response.headers["Location"] == f"/booking/{moved.token}/confirmed"
    assert moved.status == "confirmed" and moved.name == "Ada Lovelace"
    assert moved.dietary_needs == "Vegan" and moved.token != mine.token
    assert _fresh(mine).status == "cancelled"
    assert _fresh(waiting).status == "offered", "the freed place goes to the next in line"
    # The old link says where the booking went.
    old_page = client.get(f"/booking/{mine.token}").text
    assert (f"This booking was moved to {leeds.display_title} (booking {moved.reference})"
            in old_page)
    # Its status says the same, not "Cancelled" under a banner saying it moved.
    tags = re.findall(r'class="govuk-tag[^"]*">\s*([^<]+?)\s*<', old_page)
    assert tags == [f"Moved to {leeds.region_name}"]

    subjects = sorted(str(m["Subject"]).split(":")[0] for m in mailbox.to(ADA))
    assert subjects == ["Booking cancelled", "Place confirmed"]
    [confirmation] = [m for m in mailbox.to(ADA) if "confirmed" in str(m["Subject"])]
    said = confirmation.get_body(("plain",)).get_content()
    assert f"Your booking has moved from {newcastle.display_title} to this workshop" in said
    [cancellation] = [m for m in mailbox.to(ADA) if "cancelled" in str(m["Subject"])]
    assert f"because you moved it to {leeds.display_title}" in cancellation.get_body(
        ("plain",)).get_content()
    assert mailbox.to("next@example.org"), "the next in line is offered the place"
    actions = db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.entity == "booking", AuditEntry.entity_id.in_([mine.id, moved.id]))).all()
    assert "moved to another workshop" in actions
    assert "booked, moved from another workshop" in actions


def test_from_the_waiting_list_to_a_free_place(app, client, series_pair) -> None:
    newcastle, leeds = series_pair
    _book(newcastle, email="first@example.org", name="First In")
    mine = _book(newcastle)
    assert mine.status == "waiting"
    moved = booking.move(mine.id, leeds.id)
    assert moved.status == "confirmed" and _fresh(mine).status == "cancelled"


def test_only_a_workshop_with_a_free_place_is_offered(app, client, series_pair) -> None:
    newcastle, leeds = series_pair
    mine = _book(leeds)
    # Newcastle is full: it is not among the choices, and a forged choice is refused.
    _book(newcastle, email="first@example.org", name="First In")
    page = client.get(f"/booking/{mine.token}/move").text
    assert "No other workshop in this series has a place free" in page
    with pytest.raises(booking.BookingRefused, match="just filled up"):
        booking.move(mine.id, newcastle.id)
    assert _fresh(mine).status == "confirmed"


@pytest.mark.parametrize(("change", "message"), [
    ("other series", "Choose another workshop in the same series"),
    ("draft", "This workshop is a draft, so no one can be booked on it"),
    ("window closed", "Booking for that workshop is not open"),
    ("already booked", "already has a booking for that workshop"),
])
def test_a_move_is_refused_with_a_reason_beside_the_choice(app, client, series_pair, change,
                                                           message) -> None:
    newcastle, leeds = series_pair
    mine = _book(newcastle)
    target = leeds
    if change == "other series":
        target = make_workshop(region="london")
    elif change == "draft":
        leeds.status = "draft"
    elif change == "window closed":
        leeds.booking_closes_at = clock.now() - timedelta(hours=1)
    else:
        _book(leeds)  # the same address, booked there already
    db.session.commit()
    with pytest.raises(booking.BookingRefused, match=message):
        booking.move(mine.id, target.id)
    # Through the page, nothing moves: Leeds is offered only while a move there could work,
    # and a workshop that was never offered is refused beside the choice.
    response = client.post(f"/booking/{mine.token}/move", data={"workshop": str(target.id)})
    assert _fresh(mine).status == "confirmed"
    if change == "other series":
        assert response.status_code == 422
        assert 'id="workshop-error"' in response.text and message in response.text
    else:
        assert response.status_code == 200
        assert "No other workshop in this series has a place free" in response.text


def test_the_form_needs_a_choice_and_takes_no_nonsense(app, client, series_pair) -> None:
    newcastle, _leeds = series_pair
    mine = _book(newcastle)
    for data, message in (({}, "Choose the workshop to move to"),
                          ({"workshop": "99999999999"}, "Choose the workshop to move to"),
                          ({"workshop": "<script>"}, "Choose the workshop to move to")):
        response = client.post(f"/booking/{mine.token}/move", data=data)
        assert response.status_code == 422, data
        assert 'id="workshop-error"' in response.text and message in response.text
    assert _fresh(mine).status == "confirmed"


def test_a_cancelled_or_started_booking_is_not_moved(app, client, series_pair) -> None:
    newcastle, leeds = series_pair
    mine = _book(newcastle)
    booking.cancel(mine.id)
    response = client.get(f"/booking/{mine.token}/move", follow_redirects=True)
    assert "can no longer be moved" in response.text
    with pytest.raises(booking.BookingRefused, match="can no longer be moved"):
        booking.move(mine.id, leeds.id)


def test_an_organiser_moves_someone_even_where_public_booking_has_closed(
        app, client, mailbox, series_pair) -> None:
    newcastle, leeds = series_pair
    leeds.booking_closes_at = clock.now() - timedelta(hours=1)
    db.session.commit()
    mine = _book(newcastle)
    organiser = make_staff(Role.ORGANISER)
    login(client, organiser)
    mailbox.clear()
    edit = client.get(f"/organiser/bookings/{mine.id}/edit").text
    assert f'href="/organiser/bookings/{mine.id}/move"' in edit
    page = client.get(f"/organiser/bookings/{mine.id}/move").text
    assert "Which workshop should Ada Lovelace go to instead?" in page
    for nonsense in ("", "not a workshop", "99999999999"):
        refused = client.post(f"/organiser/bookings/{mine.id}/move", data={"workshop": nonsense})
        assert refused.status_code == 422, nonsense
        assert 'id="workshop-error"' in refused.text and "Choose the workshop" in refused.text
    response = client.post(f"/organiser/bookings/{mine.id}/move",
                           data={"workshop": str(leeds.id)}, follow_redirects=True)
    moved = db.session.scalar(select(Booking).where(Booking.workshop_id == leeds.id))
    assert f"Ada Lovelace moved to {leeds.display_title} (new reference {moved.reference})" \
        in response.text
    [confirmation] = [m for m in mailbox.to(ADA) if "confirmed" in str(m["Subject"])]
    assert "The workshop’s organisers have moved your booking from" in confirmation.get_body(
        ("plain",)).get_content()
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "moved to another workshop", AuditEntry.entity_id == mine.id))
    assert entry.actor_id == organiser.id
    # Each workshop's list of bookings says where the booking went, or came from.
    assert "Moved to Yorkshire and the Humber" in client.get(
        f"/organiser/workshops/{newcastle.id}").text
    assert "Moved from North East" in client.get(f"/organiser/workshops/{leeds.id}").text
