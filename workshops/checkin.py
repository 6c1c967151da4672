"""Checking delegates in on the day, from the QR code on their pack and badge."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from workshops import audit, booking, clock, signals
from workshops.formatting import day
from workshops.models import Booking, BookingStatus, User, Workshop


@dataclass(frozen=True)
class CheckIn:
    """What a change at the desk did: `already` when it had been done (a second tap, or a
    colleague was quicker), so nothing was changed."""

    booking: Booking
    already: bool


# Waiting-list entries: found at the desk so that someone who came can be given a free place.
ON_WAITING_LIST = (BookingStatus.WAITING, BookingStatus.OFFERED)


# Organisers copy the paper sign-in sheet in after the day, often once the workshop has been
# finished (the consumer finishes it the next morning); after this long the attendance is the
# programme's record and no longer changes (a stray tap months on would rewrite its figures).
RECORDING_DAYS = 14


BEFORE, OPEN, FINAL = "before", "open", "final"


def window(workshop: Workshop) -> str:
    """Where now falls against the time arrivals are recorded: BEFORE the workshop's day
    (Workshop.day_starts_at), OPEN, or FINAL from RECORDING_DAYS after it ends.

    An arrival recorded before then has not happened: a badge scanned while packs are being
    checked, or a name tapped on the list the week before, would count someone as attending.
    Later is fine for a while: organisers often copy the paper sign-in sheet in after the day.
    """
    now = clock.now()
    if now < workshop.day_starts_at:
        return BEFORE
    return OPEN if now < recording_ends(workshop) else FINAL


def is_open(workshop: Workshop) -> bool:
    return window(workshop) == OPEN


def recording_ends(workshop: Workshop) -> datetime:
    return workshop.ends_at + timedelta(days=RECORDING_DAYS)


def not_open_message(workshop: Workshop) -> str:
    if window(workshop) == FINAL:
        return (f"Arrivals could be recorded until {day(recording_ends(workshop))}, "
                f"{RECORDING_DAYS} days after the workshop. Its attendance is now final.")
    return f"Check-in opens on {day(workshop.starts_at)}, the day of the workshop."


def status_refusal(found: Booking) -> str | None:
    """Why a booking's status keeps its delegate from being checked in; None if confirmed.
    Shown on the QR code's page before anyone presses anything, and as check_in's refusal."""
    name = found.name
    reasons = {
        BookingStatus.CANCELLED: f"This booking was cancelled, so {name} cannot be checked in.",
        BookingStatus.WAITING: f"{name} is on the waiting list and has no place yet, so "
                               "cannot be checked in until given one.",
        BookingStatus.OFFERED: f"{name} was offered a place from the waiting list but has not "
                               "accepted it, so cannot be checked in until given it.",
        BookingStatus.DECLINED: f"{name} declined the place offered from the waiting list, "
                                "so has no place and cannot be checked in.",
        BookingStatus.EXPIRED: f"The place offered to {name} from the waiting list was not "
                               "accepted in time, so they have no place and cannot be checked "
                               "in.",
    }
    if found.status == BookingStatus.CONFIRMED:
        return None
    return reasons.get(found.status,
                       f"This booking is {found.status}, so {name} cannot be checked in.")


def no_place_message(workshop: Workshop, name: str) -> str:
    taken = ("its one place is taken" if workshop.capacity == 1
             else f"all {workshop.capacity} places are taken")
    return (f"No place is free: {taken}, so {name} cannot be given one. Cancel the booking of "
            "someone who is not coming to free a place.")


def place_refusal(found: Booking, places_left: int) -> str | None:
    """Why this waiting-list entry cannot be given a place and checked in now; None if it can.

    `places_left`: capacity less the places held, counted by the caller (under the lock, when
    it is about to act). An offered entry's own place is among those held, so it always has
    one: it is there, and the place is being kept for it.
    """
    workshop = found.workshop
    if found.status not in ON_WAITING_LIST:
        return status_refusal(found)
    if not is_open(workshop):
        return not_open_message(workshop)
    if (refusal := booking.not_bookable(workshop)) is not None:
        return refusal
    if found.status == BookingStatus.WAITING and places_left <= 0:
        return no_place_message(workshop, found.name)
    return None


def places_left(workshop: Workshop) -> int:
    return max(workshop.capacity - booking.places_taken(workshop.id), 0)


def check_in(booking_id: int, *, actor: User) -> CheckIn:
    """Record arrival once; a second scan says so and changes nothing."""

    def work() -> CheckIn:
        # Under the workshop's lock, like every change to its bookings: two phones scanning one
        # badge at once check in once, and marking no-shows cannot interleave with an arrival.
        found = booking.locked_booking(booking_id)
        if found.checked_in_at is not None:
            return CheckIn(found, already=True)
        if (refusal := status_refusal(found)) is not None:
            raise booking.BookingRefused(refusal)
        if not is_open(found.workshop):
            raise booking.BookingRefused(not_open_message(found.workshop))
        _record_arrival(found, actor)
        return CheckIn(found, already=False)

    return booking.with_retries(work)


def _record_arrival(found: Booking, actor: User) -> None:
    """The caller holds the workshop lock and has checked that arrival may be recorded."""
    found.checked_in_at = clock.now()
    # Arrival wins over a no-show marked earlier (a name copied in from the paper sheet
    # after no-shows were marked): the booking says one thing, not both.
    was_no_show, found.no_show_at = found.no_show_at is not None, None
    audit.record("checked in", "booking", found.id, workshop_id=found.workshop_id,
                 actor=actor, **({"was_no_show": True} if was_no_show else {}))
    signals.delegate_checked_in.send(found)


def give_place(booking_id: int, *, actor: User) -> CheckIn:
    """Someone on the waiting list came: give them a free place and check them in, at once.

    From the workshop's day freed places are no longer offered to the waiting list (see
    booking.offers_stopped), so this, at the desk, is the way a waiting-list entry gets in.
    The place is confirmed as any other is (audit, confirmation email, booking_confirmed), and
    in the same transaction: a place is never given without the arrival, nor the reverse.
    """

    def work() -> CheckIn:
        found = booking.locked_booking(booking_id)
        workshop = found.workshop
        if found.status == BookingStatus.CONFIRMED and found.checked_in_at is not None:
            return CheckIn(found, already=True)  # a second tap, or a colleague was quicker
        # Counted under the lock: the last place may have gone to a walk-in meanwhile.
        if (refusal := place_refusal(found, places_left(workshop))) is not None:
            raise booking.BookingRefused(refusal)
        booking.confirm_place(found, "admit", "given a place at check-in", actor=actor,
                              booked_by="desk-waiting")
        _record_arrival(found, actor)
        return CheckIn(found, already=False)

    return booking.with_retries(work)


def undo_check_in(booking_id: int, *, actor: User) -> CheckIn:
    """Take back an arrival recorded by mistake (the wrong name tapped), while the record is
    open. What the arrival led to stays: someone invited to give feedback because the
    workshop had been finished keeps the invitation (a plugin's business, not undone here)."""

    def work() -> CheckIn:
        found = booking.locked_booking(booking_id)
        workshop = found.workshop
        if window(workshop) == FINAL:
            raise booking.BookingRefused(not_open_message(workshop))
        if found.checked_in_at is None:
            return CheckIn(found, already=True)
        was_checked_in_at, found.checked_in_at = found.checked_in_at, None
        audit.record("check-in undone", "booking", found.id, workshop_id=found.workshop_id,
                     actor=actor, checked_in_at=was_checked_in_at.isoformat())
        signals.check_in_undone.send(found)
        return CheckIn(found, already=False)

    return booking.with_retries(work)
