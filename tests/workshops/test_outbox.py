"""Mail through the outbox, against a real SMTP server, including an outage."""

from __future__ import annotations

from datetime import timedelta
from email.utils import parsedate_to_datetime

import pytest
from sqlalchemy import select

from tests.conftest import delegate_form, make_workshop, outbox_as_committed
from workshops import booking, mail, tasks
from workshops.extensions import db
from workshops.models import OutboxMessage, OutboxStatus


def _book(workshop, n: int = 1):  # noqa: ANN001, ANN202
    return booking.book(workshop.id, booking.Delegate(
        name=f"Łukasz Żółć {n}", email=f"lukasz{n}@example.org",
        organisation="Hackney Council"))


def _deliver_until_given_up(app, row_id: int) -> OutboxMessage:  # noqa: ANN001
    """Every attempt the outbox allows (and one more), each six hours after the last."""
    for hours in range(1, mail.MAX_ATTEMPTS + 2):
        app.config["CLOCK_OFFSET"] = timedelta(hours=6 * hours)
        mail.deliver(app, row_id)
    db.session.expire_all()
    return db.session.get(OutboxMessage, row_id)


def test_confirmation_has_plain_text_html_and_says_why(app, mailbox):
    made = _book(make_workshop())
    [message] = mailbox.to("lukasz1@example.org")
    assert message["Subject"].startswith("Place confirmed")
    plain = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert made.reference in plain and made.reference in html
    assert "Łukasz Żółć 1" in plain
    assert "because you booked a place" in plain and "because you booked a place" in html
    assert f"http://workshops.test/booking/{made.token}" in plain
    row = db.session.scalar(select(OutboxMessage))
    assert row.status == OutboxStatus.SENT and row.attempts == 1


def test_every_message_is_dated_when_it_was_written_even_if_sent_later(app, mailbox,
                                                                      smtp_server):
    smtp_server.stop()
    try:
        made = _book(make_workshop())
    finally:
        smtp_server.start()
    written = db.session.scalar(select(OutboxMessage)).created_at
    app.config["CLOCK_OFFSET"] = timedelta(hours=3)  # the server came back three hours on
    tasks.flush_outbox()
    [message] = mailbox.to("lukasz1@example.org")
    assert made.reference in message.get_body(("plain",)).get_content()
    assert abs(parsedate_to_datetime(message["Date"]) - written) < timedelta(seconds=1)


def test_the_inline_invitation_keeps_an_accented_name(app, mailbox):
    _book(make_workshop())
    [message] = mailbox.to("lukasz1@example.org")
    [inline] = [part for part in message.walk()
                if part.get_content_type() == "text/calendar"]
    assert inline.get_content_charset() == "utf-8"
    assert 'CN="Łukasz Żółć 1"' in inline.get_content()


def test_confirmation_links_to_the_pack_and_the_practice_form(app, mailbox):
    # The email a delegate keeps: what the booking page offers, from the plugins, absolute.
    made = _book(make_workshop())
    [message] = mailbox.to("lukasz1@example.org")
    plain = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for link in (f"Download your delegate pack (PDF): http://workshops.test/packs/booking/"
                 f"{made.token}.pdf",
                 "Download the practice form to fill in offline (PDF): http://workshops.test"
                 f"/packs/booking/{made.token}/practice-form.pdf",
                 "Share your practice online, or upload the filled-in form: "
                 f"http://workshops.test/feedback/booking/{made.token}"):
        assert link in plain
        assert link.rpartition(": ")[2] in html
    # In the order they are used: the pack, the form, then sharing (or uploading that form).
    order = [plain.index(label) for label in ("delegate pack", "practice form", "Share your")]
    assert order == sorted(order)
    # Set apart from the workshop's details, not run on from the booking reference.
    assert f"Booking reference: {made.reference}\n\n" in plain.replace("\r\n", "\n")


def test_mail_is_written_with_the_change_and_not_without_it(app, mailbox):
    workshop = make_workshop()
    _book(workshop)
    with pytest.raises(booking.BookingRefused):
        booking.book(workshop.id, booking.Delegate(name="Twin", email="lukasz1@example.org",
                                                   organisation="X"))
    # The refused booking rolled back, and with it any mail it might have queued.
    assert db.session.scalar(select(db.func.count()).select_from(OutboxMessage)) == 1
    assert len(mailbox.messages) == 1


def test_a_booking_queues_what_to_write_and_the_worker_writes_it(app, mailbox):
    # Under the workshop's lock the booking commits only who is written to and why; the
    # bodies and the invite, most of an email's cost, are the sending worker's work.
    with outbox_as_committed() as seen:
        made = _book(make_workshop())
    assert seen == [(None, None, None, None, "booking_confirmed",
                     {"links": True, "booked_by": "delegate"})]
    # Sent (the test queue runs at once) with everything the email has always had.
    [message] = mailbox.to("lukasz1@example.org")
    assert message["Subject"].startswith("Place confirmed")
    plain = message.get_body(("plain",)).get_content()
    assert made.reference in plain and "because you booked a place" in plain
    assert f"http://workshops.test/packs/booking/{made.token}.pdf" in plain
    invite = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    assert "METHOD:REQUEST" in invite.get_content() and "lukasz1@example.org" in \
        invite.get_content()
    row = db.session.scalar(select(OutboxMessage))
    assert row.status == OutboxStatus.SENT and made.reference in row.text_body


def test_links_written_later_point_at_the_address_the_delegate_booked_on(app, client, mailbox):
    # As when the email was rendered in the request: not PUBLIC_URL (workshops.test here).
    workshop = make_workshop()
    response = client.post(f"/series/{workshop.series.slug}/{workshop.region}/book",
                           data=delegate_form(), base_url="https://bookings.example.org")
    token = response.headers["Location"].split("/")[2]
    [message] = mailbox.to("sian@example.org")
    plain = message.get_body(("plain",)).get_content()
    assert f"https://bookings.example.org/booking/{token}" in plain
    assert f"https://bookings.example.org/packs/booking/{token}.pdf" in plain
    assert "workshops.test" not in plain


def test_a_message_that_cannot_be_written_is_retried_then_given_up(app, mailbox, caplog):
    # Its booking gone before the worker came to it: logged, retried with the backoff like a
    # refused send, given up after the last attempt, and nothing half-written is sent.
    workshop = make_workshop()
    mail.queue_mail_later("gone@example.org", "booking_confirmed",
                          composer="booking", reason="you booked a place",
                          workshop_id=workshop.id, booking_id=999_999)
    db.session.commit()
    row = db.session.scalar(select(OutboxMessage))
    assert row.status == OutboxStatus.PENDING and row.attempts == 1
    assert row.text_body is None and row.last_error.startswith("LookupError: booking 999999")
    assert "could not be composed" in caplog.text
    row = _deliver_until_given_up(app, row.id)
    assert row.status == OutboxStatus.FAILED and row.attempts == mail.MAX_ATTEMPTS
    assert mailbox.messages == []


def test_smtp_outage_loses_nothing_and_sends_once(app, mailbox, smtp_server):
    workshop = make_workshop()
    smtp_server.stop()
    made = [_book(workshop, n) for n in range(3)]
    # The bookings stand while the server is down; their mail waits with a retry time.
    assert all(b.status == "confirmed" for b in made)
    rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [r.status for r in rows] == ["pending"] * 3
    assert all(r.attempts == 1 and "Connection refused" in r.last_error for r in rows)
    # Nothing is retried before its time, even by the sweep.
    assert mail.flush(app) == 0

    smtp_server.start()
    app.config["CLOCK_OFFSET"] = timedelta(minutes=5)
    tasks.flush_outbox()  # the periodic task, through the (immediate) queue
    assert mail.flush(app) == 0  # a second sweep sends nothing twice
    for n in range(3):
        assert len(mailbox.to(f"lukasz{n}@example.org")) == 1
    db.session.expire_all()
    assert {r.status for r in db.session.scalars(select(OutboxMessage))} == {"sent"}


def test_a_claimed_message_is_not_sent_by_a_second_worker(app, mailbox):
    _book(make_workshop())
    row = db.session.scalar(select(OutboxMessage))
    # Already sent: delivering it again (a duplicate task) is a no-op.
    assert mail.deliver(app, row.id) == "sent"
    assert len(mailbox.messages) == 1


def test_backoff_grows_and_is_capped() -> None:
    assert [mail.backoff(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert mail.backoff(30) == timedelta(hours=6)


def test_gives_up_after_many_attempts_but_keeps_the_row(app, mailbox, smtp_server):
    smtp_server.stop()
    _book(make_workshop())
    row = _deliver_until_given_up(app, db.session.scalar(select(OutboxMessage.id)))
    assert row.status == OutboxStatus.FAILED and row.attempts == mail.MAX_ATTEMPTS


def test_first_attempt_is_not_held_back_by_a_clock_ahead_of_the_senders(app, mailbox,
                                                                          smtp_server):
    # The web host's clock runs ahead of the consumer's: the row looks "not yet due".
    smtp_server.stop()
    app.config["CLOCK_OFFSET"] = timedelta(minutes=10)
    _book(make_workshop())
    row = db.session.scalar(select(OutboxMessage))
    smtp_server.start()
    # As if the consumer were only now picking up the hand-off: never attempted.
    db.session.execute(db.update(OutboxMessage).values(attempts=0, status="pending"))
    db.session.commit()
    app.config["CLOCK_OFFSET"] = timedelta(0)
    assert mail.deliver(app, row.id) == "sent"
    assert len(mailbox.to("lukasz1@example.org")) == 1
