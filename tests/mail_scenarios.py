"""Every kind of email the core sends, sent as users' actions send them, for the tests that
read them all: their accessibility in a browser, their layout as text."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.conftest import make_workshop
from workshops import booking, messaging, password_reset, reminders, scheduling, staff
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
