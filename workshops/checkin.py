"""Checking delegates in on the day, from the QR code on their pack and badge."""

from __future__ import annotations

from dataclasses import dataclass

from workshops import audit, booking, clock
from workshops.extensions import db
from workshops.models import Booking, BookingStatus, User


@dataclass(frozen=True)
class CheckIn:
    booking: Booking
    already: bool  # checked in before: nothing was changed


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
        found.checked_in_at = clock.now()
        audit.record("checked in", "booking", found.id, workshop_id=found.workshop_id,
                     actor=actor)
        return CheckIn(found, already=False)

    return booking._with_retries(work)
