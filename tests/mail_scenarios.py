"""Every kind of email the core sends, sent as users' actions send them, for the tests that
read them all: their accessibility in a browser, their layout as text. The plugins' emails are
sent by the demo, but for the one the core's retention run has a plugin send, which no replay
of 2010 reaches (send_the_draft_deletion_warning)."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from feedback import submissions
from tests.conftest import make_workshop
from workshops import (
    booking,
    messaging,
    password_reset,
    reminders,
    retention,
    scheduling,
    signals,
    staff,
)
from workshops.extensions import db
from workshops.models import Role, User
from workshops.models.messages import Audience


def _delegate(n: int, **changes: str) -> booking.Delegate:
    return booking.Delegate(**{"name": f"Delegate Number{n}", "email": f"d{n}@example.org",
                               "organisation": "Leeds City Council", **changes})


def send_the_booking_emails() -> None:
    """The core's emails, each sent by the domain function a user's action calls.

    A delegate books, another waits; the first changes their details (their address too, so
    the old one is told) and cancels, so the place
    is offered; links are asked for (by the second, and by the first, whose only booking is
    cancelled); the organiser writes to the delegates, moves the workshop
    and cancels it; an administrator invites a colleague; a workshop days away sends its
    reminders; the administrator forgets their password, and changes it; a delegate moves to
    another region; someone offered a place declines it. An administrator must exist."""
    admin = db.session.scalar(select(User).where(User.role == Role.ADMIN))
    workshop = make_workshop(capacity=1)
    first = booking.book(workshop.id, _delegate(1))
    second = booking.book(workshop.id, _delegate(2))
    booking.change_details(first.id, _delegate(1, organisation="Bradford Council",
                                              email="d1.bradford@example.org"))
    booking.cancel(first.id)
    booking.send_links(second.email)
    booking.send_links("d1.bradford@example.org")
    third = make_workshop(series=workshop.series, region="london", capacity=1)
    booking.book(third.id, _delegate(3))
    booking.book(third.id, _delegate(4))
    messaging.send_message(third, Audience.CONFIRMED, "Parking at the venue",
                           "There is no parking at the venue.\n\nPlease come by train.", admin)
    scheduling.update_workshop(third.id, {"starts_at": third.starts_at + timedelta(days=7),
                                          "ends_at": third.ends_at + timedelta(days=7)},
                               actor=admin)
    scheduling.cancel_workshop(third.id, actor=admin,
                               reason="The venue has flooded.\nWe will write when it is moved.")
    staff.invite("new.colleague@example.org", "New Colleague", Role.SCREENER, actor=admin)
    password_reset.request_reset(admin.email)
    staff.change_password(admin, "a long new passphrase")
    soon = make_workshop(series=workshop.series, region="north-west",
                         starts_at=workshop.starts_at - timedelta(days=7))
    booking.book(soon.id, _delegate(5))
    reminders.send_due_reminders()
    east = make_workshop(series=workshop.series, region="east-midlands", capacity=3)
    west = make_workshop(series=workshop.series, region="west-midlands", capacity=3)
    booking.move(booking.book(east.id, _delegate(6)).id, west.id)
    # Someone offered a freed place declines it.
    south = make_workshop(series=workshop.series, region="south-east", capacity=1)
    held, waiting = booking.book(south.id, _delegate(7)), booking.book(south.id, _delegate(8))
    booking.cancel(held.id)
    booking.decline_offer(waiting.id)


def send_the_draft_deletion_warning() -> None:
    """The feedback plugin's warning that an unsent draft is to be deleted, sent as the core's
    retention run has it sent (`signals.retention_due`), two weeks before the draft's period
    ends. Only the plugin's part of the run: the whole run would erase the demo's bookings."""
    draft = submissions.confirm_email(submissions.start_public("drafter@example.org"))
    now = retention.months_after(draft.updated_at, retention.months()) - timedelta(days=14)
    signals.retention_due.send(current_app._get_current_object(), now=now, dry_run=False)
    db.session.commit()
