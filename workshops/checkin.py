"""Checking delegates in on the day, from the QR code on their pack and badge."""

from __future__ import annotations

from dataclasses import dataclass

from workshops import audit, booking, clock
from workshops.extensions import db
from workshops.formatting import day
from workshops.models import Booking, BookingStatus, User, Workshop


@dataclass(frozen=True)
class CheckIn:
    booking: Booking
    already: bool  # checked in before: nothing was changed


def is_open(workshop: Workshop) -> bool:
    """From the start of the workshop's day (Workshop.day_starts_at), and ever after.

    An arrival recorded before then has not happened: a badge scanned while packs are being
    checked, or a name tapped on the list the week before, would count someone as attending.
    Later is fine: organisers often copy the paper sign-in sheet in after the day.
    """
    return clock.now() >= workshop.day_starts_at


def not_open_message(workshop: Workshop) -> str:
    return f"Check-in opens on {day(workshop.starts_at)}, the day of the workshop."


def check_in(booking_id: int, *, actor: User) -> CheckIn:
    """Record arrival once; a second scan says so and changes nothing."""

    def work() -> CheckIn:
        found = db.session.get(Booking, booking_id, populate_existing=True)
        if found is None:
            raise booking.BookingRefused("This booking does not exist.")
        if found.checked_in_at is not None:
            return CheckIn(found, already=True)
        if found.status != BookingStatus.CONFIRMED:
            raise booking.BookingRefused(
                f"This booking is {found.status}, so the delegate cannot be checked in.")
        if not is_open(found.workshop):
            raise booking.BookingRefused(not_open_message(found.workshop))
        found.checked_in_at = clock.now()
        audit.record("checked in", "booking", found.id, workshop_id=found.workshop_id,
                     actor=actor)
        return CheckIn(found, already=False)

    return booking.with_retries(work)
