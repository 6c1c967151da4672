"""Mail the server refuses for good is given up on at once, logged as an error without the
address, and shown to the organisers; a refusal that may pass is still retried."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select

from tests.conftest import login, make_staff, make_workshop
from workshops import booking, mail
from workshops.extensions import db
from workshops.models import OutboxMessage, OutboxStatus, Role


def _book(workshop, email: str, name: str = "José Núñez"):  # noqa: ANN001, ANN202
    return booking.book(workshop.id, booking.Delegate(name=name, email=email,
                                                      organisation="Hackney Council"))


def _row() -> OutboxMessage:
    db.session.expire_all()
    return db.session.scalar(select(OutboxMessage))


def test_an_address_needing_smtputf8_is_given_up_at_once_and_shown(app, client, plain_mailbox,
                                                                   caplog):
    # Booked before the forms refused such addresses, through a server that, like most, does
    # not offer SMTPUTF8: retried for days, it had looked like a message on its way.
    workshop = make_workshop()
    caplog.set_level(logging.INFO, logger="workshops.mail")
    _book(workshop, "josé.núñez@example.com")
    row = _row()
    assert (row.status, row.attempts) == (OutboxStatus.FAILED, 1)
    app.config["CLOCK_OFFSET"] = timedelta(days=1)
    assert mail.flush(app) == 0
    assert _row().attempts == 1 and not plain_mailbox.messages

    [record] = [r for r in caplog.records if r.name == "workshops.mail"]
    assert record.levelno == logging.ERROR and "SMTPUTF8" in record.getMessage()
    assert "núñez" not in record.getMessage().lower()

    login(client, make_staff(Role.ORGANISER))
    page = client.get(f"/organiser/workshops/{workshop.id}/messages").get_data(as_text=True)
    assert "Emails not delivered (1)" in page
    assert "José Núñez" in page and "josé.núñez@example.com" in page
    assert "The address has letters with accents before the @" in page


def test_a_refused_recipient_is_given_up_but_a_busy_one_is_retried(app, mailbox, monkeypatch):
    replies = {"gone@example.org": "550 5.1.1 mailbox unavailable",
               "busy@example.org": "450 4.2.1 mailbox busy, try later"}

    async def handle_RCPT(server, session, envelope, address, rcpt_options):  # noqa: ANN001, ANN202, N802
        return replies[address]

    monkeypatch.setattr(mailbox, "handle_RCPT", handle_RCPT, raising=False)
    workshop = make_workshop()
    _book(workshop, "gone@example.org", "Gone Person")
    _book(workshop, "busy@example.org", "Busy Person")
    db.session.expire_all()
    rows = {r.recipient: r for r in db.session.scalars(select(OutboxMessage))}
    assert (rows["gone@example.org"].status, rows["gone@example.org"].attempts) == (
        OutboxStatus.FAILED, 1)
    assert mail.why_not_delivered(rows["gone@example.org"]) == \
        "The mail server refused the address"
    assert rows["busy@example.org"].status == OutboxStatus.PENDING
