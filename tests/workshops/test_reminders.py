"""The reminder before a workshop: once per booking, to confirmed delegates only, over SMTP."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import (
    Mailbox,
    doors_open,
    make_staff,
    make_workshop,
    outbox_as_committed,
)
from workshops import booking, checkin, reminders, scheduling, tasks
from workshops.extensions import db
from workshops.models import AuditEntry, Booking, Role, Workshop

REMINDER = "Reminder: "


def _delegate(n: int) -> booking.Delegate:
    return booking.Delegate(name=f"Delegate Number{n}", email=f"d{n}@example.org",
                            organisation=f"Council {n}")


def _book(workshop: Workshop, *numbers: int) -> list[Booking]:
    return [booking.book(workshop.id, _delegate(n)) for n in numbers]


def _in_days(days: float) -> datetime:
    return datetime.now(UTC).replace(microsecond=0) + timedelta(days=days)


def _reminded(mailbox: Mailbox) -> list[str]:
    """Who has been sent a reminder, in order, once per email."""
    return sorted(m["To"] for m in mailbox.messages if _subject(m).startswith(REMINDER))


def _subject(message) -> str:  # noqa: ANN001
    return str(message["Subject"])


def _plain(message) -> str:  # noqa: ANN001
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def test_each_confirmed_delegate_is_reminded_once(app, mailbox):
    workshop = make_workshop(starts_at=_in_days(5))
    first, second = _book(workshop, 1, 2)
    mailbox.clear()
    assert reminders.send_due_reminders() == 2
    assert _reminded(mailbox) == ["d1@example.org", "d2@example.org"]
    assert reminders.send_due_reminders() == 0, "a second run sends nothing more"
    assert tasks.send_reminders() is not None  # the periodic task, in huey's immediate mode
    assert _reminded(mailbox) == ["d1@example.org", "d2@example.org"]
    db.session.expire_all()
    assert all(db.session.get(Booking, b.id).reminder_sent_at is not None
               for b in (first, second))
    assert len(db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "sent reminder")).all()) == 2


def test_the_reminder_carries_the_invite_the_pack_and_the_booking_link(app, mailbox):
    workshop = make_workshop(starts_at=_in_days(5))
    [made] = _book(workshop, 1)
    mailbox.clear()
    reminders.send_due_reminders()
    [message] = mailbox.to("d1@example.org")
    assert _subject(message).startswith(f"Reminder: {workshop.display_title}, ")
    calendars = [part for part in message.walk() if part.get_content_type() == "text/calendar"]
    assert calendars, "the calendar invite is attached"
    invite = calendars[0].get_content()
    assert "METHOD:REQUEST" in invite and workshop.calendar_uid in invite
    plain = _plain(message)
    html = message.get_body(("html",)).get_content()
    # The pack link comes from the packs plugin through `booking_links`, made absolute.
    pack = re.search(r"Download your delegate pack \(PDF\): (\S+)", plain)
    assert pack and pack.group(1) == f"http://workshops.test/packs/booking/{made.token}.pdf"
    assert pack.group(1) in html
    assert f"Manage your booking: http://workshops.test/booking/{made.token}" in plain
    assert "your workshop is in 5 days" in plain
    # The details stand apart from what follows them.
    assert f"Booking reference: {made.reference}\n\n" in plain.replace("\r\n", "\n")
    assert f"/booking/{made.token}\n\nIf you can no longer come" in plain.replace("\r\n", "\n")
    assert "You are receiving this email because you have a place at this workshop" in plain


def test_reminders_are_queued_under_the_lock_and_written_by_the_worker(app, mailbox):
    # A workshop's reminders are queued while its lock is held, every booking for it waiting:
    # the commit carries who and why, and the worker writes each email when it sends it.
    workshop = make_workshop(starts_at=_in_days(5))
    _book(workshop, 1, 2)
    mailbox.clear()
    with outbox_as_committed() as seen:
        assert reminders.send_due_reminders() == 2
    assert [(subject, text, html, calendar, template) for subject, text, html, calendar,
            template, _ in seen] == [(None, None, None, None, "workshop_reminder")] * 2
    assert _reminded(mailbox) == ["d1@example.org", "d2@example.org"]


def test_the_pack_link_opens_the_delegates_pack(app, client, mailbox):
    workshop = make_workshop(starts_at=_in_days(5))
    _book(workshop, 1)
    mailbox.clear()
    reminders.send_due_reminders()
    link = re.search(r"delegate pack \(PDF\): http://workshops\.test(\S+)",
                     _plain(mailbox.to("d1@example.org")[0])).group(1)
    response = client.get(link)
    assert response.status_code == 200 and response.mimetype == "application/pdf"


def test_nothing_before_the_window_and_reminder_days_is_respected(app, mailbox):
    workshop = make_workshop(starts_at=_in_days(10))
    _book(workshop, 1)
    mailbox.clear()
    assert reminders.send_due_reminders() == 0  # 10 days ahead, REMINDER_DAYS is 7
    app.config["CLOCK_OFFSET"] = timedelta(days=2, hours=23)  # now 7 days and an hour ahead
    assert reminders.send_due_reminders() == 0
    app.config["CLOCK_OFFSET"] = timedelta(days=3, hours=1)  # now just under 7 days ahead
    assert reminders.send_due_reminders() == 1
    assert _reminded(mailbox) == ["d1@example.org"]


def test_a_longer_reminder_window_from_the_config(app, mailbox):
    app.config["REMINDER_DAYS"] = 14
    workshop = make_workshop(starts_at=_in_days(10))
    _book(workshop, 1)
    mailbox.clear()
    assert reminders.send_due_reminders() == 1
    assert "your workshop is in 10 days" in _plain(mailbox.to("d1@example.org")[0])


def test_cancelled_bookings_waiting_lists_and_cancelled_workshops_get_none(app, mailbox):
    organiser = make_staff(Role.ORGANISER)
    going = make_workshop(starts_at=_in_days(3), capacity=2)
    cancelled_booking, _kept, _waiting = _book(going, 1, 2, 3)
    booking.cancel(cancelled_booking.id)  # d3 is offered the place: not confirmed yet
    called_off = make_workshop(starts_at=_in_days(3), region="london", series=going.series)
    _book(called_off, 4)
    scheduling.cancel_workshop(called_off.id, actor=organiser)
    draft = make_workshop(starts_at=_in_days(3), region="london", status="draft")
    db.session.add(Booking(workshop=draft, status="confirmed", name="Draft Person",
                           email="d5@example.org", email_key="d5@example.org",
                           organisation="X"))
    db.session.commit()
    mailbox.clear()
    assert reminders.send_due_reminders() == 1
    assert _reminded(mailbox) == ["d2@example.org"]


def test_workshops_that_have_started_get_none(app, mailbox):
    workshop = make_workshop(starts_at=_in_days(1))
    _book(workshop, 1)
    mailbox.clear()
    app.config["CLOCK_OFFSET"] = timedelta(days=1, minutes=1)
    assert reminders.send_due_reminders() == 0 and not mailbox.messages


def test_on_the_day_no_one_there_or_just_booked_is_reminded(app, mailbox):
    workshop = make_workshop(starts_at=_in_days(10))
    there, expected = _book(workshop, 1, 2)  # booked long before, never reminded
    app.config["CLOCK_OFFSET"] = doors_open(workshop)
    checkin.check_in(there.id, actor=make_staff(Role.ORGANISER))
    _book(workshop, 3)  # booked at the door: their confirmation has just gone
    mailbox.clear()
    assert reminders.send_due_reminders() == 1
    assert _reminded(mailbox) == ["d2@example.org"]
    assert "your workshop is today" in _plain(mailbox.to("d2@example.org")[0])


def test_someone_who_books_inside_the_window_is_reminded_once(app, mailbox):
    workshop = make_workshop(starts_at=_in_days(4), capacity=1)
    first, waiting = _book(workshop, 1, 2)
    assert reminders.send_due_reminders() == 1
    booking.cancel(first.id)
    booking.accept_offer(waiting.id)  # d2 has a place now, after the reminders went out
    _book(make_workshop(starts_at=_in_days(4), region="london", series=workshop.series), 3)
    mailbox.clear()
    assert reminders.send_due_reminders() == 2
    assert _reminded(mailbox) == ["d2@example.org", "d3@example.org"]
    assert reminders.send_due_reminders() == 0
    assert len(_reminded(mailbox)) == 2


@pytest.mark.parametrize(("days", "phrase"), [(0.2, "today"), (1, "tomorrow"), (6, "in 6 days")])
def test_when_is_counted_in_london_days(app, days, phrase):
    now = datetime(2010, 3, 10, 8, 0, tzinfo=UTC)
    assert reminders.when(now + timedelta(days=days), now) == phrase
