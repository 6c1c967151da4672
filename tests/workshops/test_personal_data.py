"""An administrator answers a person's request about their data: find, copy, erase."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from feedback import submissions
from feedback.models import Evaluation, EvidenceFile, Submission
from tests.conftest import login, make_staff, make_workshop
from tests.feedback.support import complete_answers
from workshops import booking, clock, uploads
from workshops.extensions import db
from workshops.models import AuditEntry, Booking, OutboxMessage, Role

PAGE = "/admin/personal-data/"
ANA = "ana.pereira@example.org"


@pytest.fixture()
def admin_client(client: FlaskClient) -> FlaskClient:
    login(client, make_staff(Role.ADMIN, "admin@example.org"))
    return client


def _book(workshop, email: str = ANA, **details) -> Booking:  # noqa: ANN001
    return booking.book(workshop.id, booking.Delegate(
        name=details.pop("name", "Ana Pereira"), email=email,
        organisation="Leeds City Council", access_needs="A hearing loop", **details))


def _past_workshop():  # noqa: ANN202
    return make_workshop(region="london", starts_at=clock.now() + timedelta(days=2))


def _finished(workshop) -> None:  # noqa: ANN001
    # Moved into the past after booking: the booking window would refuse it there.
    workshop.starts_at = clock.now() - timedelta(days=30)
    workshop.ends_at = workshop.starts_at + timedelta(hours=6)
    db.session.commit()


def test_the_page_finds_bookings_and_practice_under_an_address(app, admin_client) -> None:
    first, second = make_workshop(), _past_workshop()
    _book(first)
    _book(second, email="Ana.Pereira@Example.org")
    _book(first, email="someone.else@example.org", name="Someone Else")
    practice = submissions.confirm_email(submissions.start_public(ANA))
    db.session.commit()

    page = admin_client.get(PAGE)
    assert page.status_code == 200 and "Personal data requests" in page.text
    found = admin_client.post(PAGE, data={"email": " ANA.Pereira@example.org "})
    assert found.status_code == 200
    assert found.headers["Cache-Control"] == "private, no-store"
    text = found.text
    assert "Held under ana.pereira@example.org" in text
    assert "Bookings (2)" in text and "A hearing loop" in text
    assert first.display_title in text and second.display_title in text
    assert "Practice submissions (1)" in text and practice.token not in text
    assert "Someone Else" not in text
    # Both bookings are still to come: erasing is not offered until they are cancelled.
    assert "Cancel it first" in text and "Erase their personal data" not in text


def test_the_form_says_what_is_wrong_beside_the_field(app, admin_client) -> None:
    for typed, message in (("", "Enter the email address the request is about"),
                           ("ana at leeds", "Enter an email address in the correct format")):
        response = admin_client.post(PAGE, data={"email": typed})
        assert response.status_code == 422
        assert 'id="email-error"' in response.text and message in response.text


def test_nothing_held_says_so(app, admin_client) -> None:
    response = admin_client.post(PAGE, data={"email": "nobody@example.org"})
    assert "Nothing is held under this address" in response.text
    assert "Download a copy" not in response.text


def test_a_copy_holds_every_booking_and_every_answer(app, admin_client) -> None:
    workshop = make_workshop()
    made = _book(workshop)
    db.session.add(Evaluation(booking_id=made.id, workshop_id=workshop.id,
                              answers={"content": 4}))
    db.session.commit()
    other = _book(workshop, email="someone.else@example.org", name="Someone Else")
    db.session.add(Evaluation(booking_id=other.id, workshop_id=workshop.id,
                              answers={"content": 1}))
    db.session.commit()
    draft = submissions.confirm_email(submissions.start_public(ANA))
    draft.answers = {**draft.answers, "title": "Chronology clinic",
                     "region": "yorkshire-and-the-humber"}
    db.session.commit()
    response = admin_client.post(f"{PAGE}copy", data={"email": ANA})
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="personal-data.json"'
    copy = json.loads(response.data)
    assert copy["email"] == ANA
    holdings = {h["title"]: h["records"] for h in copy["holdings"]}
    [booked] = holdings["Bookings"]
    assert booked["Name"] == "Ana Pereira" and booked["Access needs"] == "A hearing loop"
    [practice] = holdings["Practice submissions"]
    assert practice["Title of the practice"] == "Chronology clinic"
    assert practice["Reference"] == "Not sent yet"
    assert "Yorkshire and the Humber" in practice.values()  # as the form offered it
    # The evaluation of the day: nameless to organisers, but kept with the booking.
    [evaluation] = holdings["Evaluations of workshops"]
    assert evaluation["Content"] == "4" and evaluation["Workshop"] == workshop.display_title
    # Taking a copy of someone's data is logged, without the address (the log outlives it).
    [logged] = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "copied personal data on request")).all()
    assert logged.actor_label.startswith("admin") and ANA not in str(logged.details)


def test_erasing_is_refused_while_a_booking_holds_a_place(app, admin_client) -> None:
    made = _book(make_workshop())
    response = admin_client.post(f"{PAGE}erase", data={"email": ANA, "confirm": "yes"})
    assert response.status_code == 409
    assert f"Still booked: {made.workshop.display_title} ({made.reference}, confirmed)" \
        in response.text
    db.session.expire_all()
    assert db.session.get(Booking, made.id).name == "Ana Pereira"


def test_erasing_after_the_workshop_anonymises_the_bookings_only(app, admin_client,
                                                                 mailbox) -> None:
    workshop = make_workshop()
    made = _book(workshop)
    cancelled = _book(_past_workshop())
    booking.cancel(cancelled.id)
    other = _book(workshop, email="someone.else@example.org", name="Someone Else")
    booking.send_links(ANA)
    _finished(workshop)
    assert db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == ANA)).all()

    confirm = admin_client.post(f"{PAGE}erase", data={"email": ANA})
    assert confirm.status_code == 200
    assert f"Erase the personal data held under {ANA}?" in confirm.text
    assert "Bookings (2): Erased: name" in confirm.text
    done = admin_client.post(f"{PAGE}erase", data={"email": ANA, "confirm": "yes"})
    assert done.status_code == 200
    assert f"Erased the details of 2 bookings made with {ANA}" in done.text
    assert "Nothing is held under this address" in done.text

    db.session.expire_all()
    for erased in (db.session.get(Booking, made.id), db.session.get(Booking, cancelled.id)):
        assert erased.name == "Erased delegate" and erased.access_needs == ""
        assert ANA not in erased.email and erased.reference  # the count's record stays
    assert db.session.get(Booking, made.id).status == "confirmed"
    assert db.session.get(Booking, other.id).name == "Someone Else"
    assert not db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.recipient == ANA)).all()
    assert db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.recipient == "someone.else@example.org")).all()
    entries = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "erased personal data on request")).all()
    assert sorted(e.entity_id for e in entries) == sorted([made.id, cancelled.id])
    assert all(e.actor_label == "admin@example.org" for e in entries)
    assert all(ANA not in json.dumps(e.details) for e in entries)


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_erasing_deletes_unsent_drafts_and_their_evidence_but_keeps_sent_practice(
        app, admin_client) -> None:
    """Someone who never booked, only began to share practice: there is still something to
    erase, and the page offers it."""
    draft = submissions.confirm_email(submissions.start_public(ANA))
    evidence = submissions.add_evidence(draft, "our-chronology.pdf", PDF)
    stored = uploads.path_of(evidence.stored_name)
    unconfirmed = submissions.start_public(ANA.upper())
    sent = submissions.confirm_email(submissions.start_public(ANA))
    sent.answers = complete_answers(contact_email=ANA)
    submissions.submit(sent)
    other = submissions.confirm_email(submissions.start_public("someone.else@example.org"))
    ids = [draft.id, unconfirmed.id]
    assert stored.exists()

    found = admin_client.post(PAGE, data={"email": ANA}).text
    assert "Practice submissions (3)" in found and "Erase their personal data" in found
    confirm = admin_client.post(f"{PAGE}erase", data={"email": ANA}).text
    assert "Practice submissions (3): Unsent drafts are deleted, with their evidence" in confirm
    done = admin_client.post(f"{PAGE}erase", data={"email": ANA, "confirm": "yes"})
    assert f"Erased the details of 2 unsent practice submissions made with {ANA}." in done.text

    db.session.expire_all()
    assert db.session.scalars(select(Submission.id).where(Submission.id.in_(ids))).all() == []
    assert db.session.get(EvidenceFile, evidence.id) is None and not stored.exists()
    assert db.session.get(Submission, sent.id).reference  # the programme's record stays
    assert db.session.get(Submission, other.id) is not None
    started = db.session.scalars(select(AuditEntry).where(
        AuditEntry.entity == "submission", AuditEntry.entity_id.in_(ids))).all()
    assert {e.action for e in started} >= {"practice_started", "email_confirmed",
                                           "evidence_added"}  # that it happened stays
    assert all(ANA not in (e.actor_label + json.dumps(e.details)).lower() for e in started)
    # Nothing unsent is left: erasing is no longer offered.
    assert "Erase their personal data" not in admin_client.post(PAGE, data={"email": ANA}).text


def test_only_administrators_reach_it(app, client: FlaskClient) -> None:
    login(client, make_staff(Role.ORGANISER))
    assert client.get(PAGE).status_code == 403
    assert client.post(f"{PAGE}copy", data={"email": ANA}).status_code == 403


def test_the_privacy_notice_says_how_to_ask(app, client: FlaskClient) -> None:
    page = client.get("/privacy").text
    assert "Your rights" in page and "ask for a copy of the personal data" in page
