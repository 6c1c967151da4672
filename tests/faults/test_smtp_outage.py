"""The mail server is down: bookings and practice submissions still go through, and their
mail waits in the outbox until the server returns, then goes exactly once."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from feedback import submissions
from feedback.models import Submission, SubmissionStatus
from tests.conftest import SMTPServer, delegate_form, make_workshop
from tests.feedback.support import attended, complete_answers, finish
from workshops import mail, tasks
from workshops.extensions import db
from workshops.models import Booking, OutboxMessage, OutboxStatus
from workshops.practice_form import PRACTICE_FORM


@pytest.fixture()
def app_overrides(tmp_path: Path) -> dict:
    return {"EVIDENCE_FOLDER": str(tmp_path / "evidence")}


def _outbox() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_booking_and_submission_survive_an_outage_and_mail_goes_once(
        app, client, mailbox, smtp_server: SMTPServer) -> None:
    # A finished workshop with an attendee who will submit practice, made while mail works.
    past = make_workshop()
    attendee = attended(past, 1, email="attendee@example.org")
    finish(past)
    draft = submissions.draft_for_booking(attendee)
    for section in PRACTICE_FORM.sections:
        submissions.save_section(draft, section.key, {
            q.key: complete_answers().get(q.key) for q in section.questions})
    before = {row.id for row in _outbox()}
    mailbox.clear()

    smtp_server.stop()
    upcoming = make_workshop()
    response = client.post(f"/series/{upcoming.series.slug}/{upcoming.region}/book",
                           data=delegate_form(email="booker@example.org"))
    assert response.status_code == 303, response.get_data(as_text=True)[:1000]
    assert "/confirmed" in response.headers["Location"]
    response = client.post(f"/feedback/practice/{draft.token}/check", data={})
    assert response.status_code == 303, response.get_data(as_text=True)[:1000]

    db.session.expire_all()
    made = db.session.scalar(select(Booking).where(Booking.email == "booker@example.org"))
    assert made is not None and made.status == "confirmed"
    sent = db.session.get(Submission, draft.id)
    assert sent.status == SubmissionStatus.SUBMITTED and sent.reference
    waiting = [row for row in _outbox() if row.id not in before]
    recipients = sorted(row.recipient for row in waiting)
    assert recipients == ["attendee@example.org", "booker@example.org"]
    # Each was tried once (the hand-off after commit) and waits for its retry time.
    assert all(row.status == OutboxStatus.PENDING and row.attempts == 1
               and row.last_error for row in waiting), [(r.status, r.attempts) for r in waiting]
    assert mailbox.messages == []

    smtp_server.start()
    app.config["CLOCK_OFFSET"] = timedelta(minutes=5)  # past the first backoff
    tasks.flush_outbox()  # the periodic sweep, through the (immediate) queue
    assert mail.flush(app) == 0  # a second sweep sends nothing twice
    assert {row.status for row in _outbox()} == {OutboxStatus.SENT}

    [confirmation] = mailbox.to("booker@example.org")
    assert made.reference in confirmation.get_body(("plain",)).get_content()
    [receipt] = mailbox.to("attendee@example.org")
    assert sent.reference in receipt["Subject"]
    [pdf] = [p for p in receipt.iter_attachments() if p.get_content_type() == "application/pdf"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.get_content())).pages)
    assert sent.reference in text
    assert len(mailbox.messages) == 2

    # Later sweeps, even well past every backoff, still send nothing more.
    app.config["CLOCK_OFFSET"] = timedelta(days=2)
    assert mail.flush(app) == 0
    assert len(mailbox.messages) == 2
