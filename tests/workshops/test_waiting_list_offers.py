"""A place offered from the waiting list, as the person offered it meets it: the email, the
offer page, and what they see once the offer has ended."""

from __future__ import annotations

from datetime import timedelta

from flask.testing import FlaskClient

from tests.conftest import Mailbox, clock_at, make_workshop
from workshops import booking
from workshops.extensions import db
from workshops.formatting import date_time
from workshops.models import Booking, Workshop


def _delegate(n: int) -> booking.Delegate:
    return booking.Delegate(name=f"Delegate {n}", email=f"d{n}@example.org",
                            organisation=f"Council {n}", job_title="Social worker")


def _offered(workshop: Workshop, *, waiting_behind: int = 1) -> Booking:
    """The second delegate offered the first's place, with `waiting_behind` more in line."""
    first = booking.book(workshop.id, _delegate(1))
    second = booking.book(workshop.id, _delegate(2))
    for n in range(3, 3 + waiting_behind):
        booking.book(workshop.id, _delegate(n))
    booking.cancel(first.id)
    db.session.refresh(second)
    assert second.status == "offered"
    return second


def test_the_offer_email_says_first_what_happens_if_it_is_not_accepted(app, mailbox: Mailbox):
    offered = _offered(make_workshop(capacity=1))
    [mail] = [m for m in mailbox.to("d2@example.org") if "A place is free" in m["Subject"]]
    until = date_time(offered.offer_expires_at)
    for body in (mail.get_body(("plain",)).get_content(),
                 mail.get_body(("html",)).get_content()):
        # Before the link to answer it: the deadline and what missing it means.
        said = body.index("If you do not accept it by then, it goes to the next person on "
                          "the waiting list and you leave the waiting list.")
        assert body.index(until) < said < body.index("Accept or decline the place")
        assert "If you do nothing" not in body


def test_joining_the_waiting_list_says_what_missing_an_offer_means(app, client: FlaskClient,
                                                                    mailbox: Mailbox):
    workshop = make_workshop(capacity=1)
    booking.book(workshop.id, _delegate(1))
    missed = "If you do not accept it in time, it goes to the next person and you leave the " \
        "waiting list."
    assert missed in client.get(f"/series/{workshop.series.slug}/north-east/book").text
    waiting = booking.book(workshop.id, _delegate(2))
    assert missed in client.get(f"/booking/{waiting.token}/confirmed").text
    [mail] = mailbox.to("d2@example.org")
    assert missed in mail.get_body(("plain",)).get_content()


def test_an_offer_past_its_time_is_read_as_expired_before_the_sweep_runs(
        app, client: FlaskClient, mailbox: Mailbox):
    workshop = make_workshop(capacity=1)
    offered = _offered(workshop)
    until = offered.offer_expires_at
    app.config["CLOCK_OFFSET"] = clock_at(until + timedelta(minutes=1))
    # The sweep (booking.expire_offers) has not run: the offer link alone finds it lapsed.
    response = client.get(f"/booking/{offered.token}/offer")
    assert response.headers["Location"] == f"/booking/{offered.token}"
    page = client.get(response.headers["Location"]).text
    assert "Accept the place" not in page and "A place is being held" not in page
    assert (f"We held a place for you until <strong>{date_time(until)}</strong>. It was not "
            "accepted in time, so it went to the next person on the waiting list, and you "
            "are no longer on the waiting list.") in page
    assert "Offer expired" in page
    # Next steps: the workshop is full again (the place went on), so its waiting list.
    assert "What you can do now" in page
    assert (f'href="/series/{workshop.series.slug}/north-east/book">Join the waiting list for '
            "this workshop</a>") in page
    assert f'href="/series/{workshop.series.slug}">Find this workshop in another region' in page
    # The place went on to the next in line, who was told; the lapsed one was told too.
    assert [b.status for b in db.session.scalars(
        db.select(Booking).where(Booking.workshop_id == workshop.id).order_by(Booking.id))] \
        == ["cancelled", "expired", "offered"]
    assert any("A place is free" in m["Subject"] for m in mailbox.to("d3@example.org"))
    [expired] = [m for m in mailbox.to("d2@example.org") if "Offer expired" in m["Subject"]]
    assert f"/series/{workshop.series.slug}" in expired.get_body(("plain",)).get_content()


def test_an_offer_still_open_can_be_accepted_up_to_its_time(app, client: FlaskClient):
    offered = _offered(make_workshop(capacity=1))
    app.config["CLOCK_OFFSET"] = clock_at(offered.offer_expires_at - timedelta(minutes=1))
    page = client.get(f"/booking/{offered.token}/offer").text
    assert "Accept the place" in page
    assert "you leave the waiting list" in page


def test_declining_asks_first_and_says_it_ends_the_place_on_the_waiting_list(
        app, client: FlaskClient, mailbox: Mailbox):
    workshop = make_workshop(capacity=1)
    offered = _offered(workshop)
    offer = client.get(f"/booking/{offered.token}/offer").text
    # Decline leads to a question; the offer page itself declines nothing.
    assert f'href="/booking/{offered.token}/decline"' in offer
    assert "decline-submit" not in offer
    ask = client.get(f"/booking/{offered.token}/decline").text
    assert "Are you sure you want to decline the place?" in ask
    assert "You also leave the waiting list, so you will not be offered another place at " \
        "this workshop." in ask
    assert "You cannot undo this." in ask
    assert "Yes, decline the place" in ask
    assert f'href="/booking/{offered.token}/offer">No, go back to the offer</a>' in ask
    db.session.expire_all()
    assert db.session.get(Booking, offered.id).status == "offered"  # asking changes nothing
    response = client.post(f"/booking/{offered.token}/decline", data={})
    assert response.headers["Location"] == f"/booking/{offered.token}"
    assert "You have declined the place." in client.get(response.headers["Location"]).text
    db.session.expire_all()
    assert db.session.get(Booking, offered.id).status == "declined"
    assert [b.status for b in db.session.scalars(db.select(Booking).where(
        Booking.workshop_id == workshop.id).order_by(Booking.id))] \
        == ["cancelled", "declined", "offered"]
    # The email is their record of it, with where else to go, as every other change has.
    [told] = [m for m in mailbox.to("d2@example.org") if m["Subject"].startswith("Place declined")]
    said = told.get_body(("plain",)).get_content()
    assert "You have declined the place we offered you." in said
    assert "you are no longer on the waiting list" in said
    assert f"/series/{workshop.series.slug}" in said and f"/booking/{offered.token}" in said


def test_a_decline_sent_after_the_place_was_accepted_says_it_was_accepted(
        app, client: FlaskClient):
    offered = _offered(make_workshop(capacity=1))
    asked = client.get(f"/booking/{offered.token}/decline")  # one tab asks to decline...
    assert asked.status_code == 200
    accepted = client.post(f"/booking/{offered.token}/offer", data={"accept-submit": "1"})
    assert accepted.headers["Location"] == f"/booking/{offered.token}/confirmed"  # ...one accepts
    response = client.post(f"/booking/{offered.token}/decline", data={}, follow_redirects=True)
    assert response.request.path == f"/booking/{offered.token}"
    assert "You have already accepted this place." in response.text
    assert "Confirmed" in response.text
    db.session.expire_all()
    assert db.session.get(Booking, offered.id).status == "confirmed"
