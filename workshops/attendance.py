"""Who came: walk-ins on the day, no-shows afterwards, and finishing past workshops.

Arrival itself is recorded by `checkin.check_in`; places are taken only by `booking.book`. This
module adds the rules around them that belong to the day of the workshop.
"""

from __future__ import annotations

import logging
from datetime import datetime, time

from sqlalchemy import Select, func, select

from workshops import audit, booking, checkin, clock
from workshops.extensions import db
from workshops.formatting import day
from workshops.models import Booking, BookingStatus, User, Workshop, WorkshopStatus
from workshops.transitions import TransitionNotAllowed

log = logging.getLogger(__name__)


class AttendanceRefused(booking.BookingRefused):
    """A rule of the day said no; a BookingRefused so views can treat every refusal alike."""


def _confirmed(workshop_id: int) -> Select[tuple[Booking]]:
    return select(Booking).where(Booking.workshop_id == workshop_id,
                                 Booking.status == BookingStatus.CONFIRMED)


def attendees(workshop_id: int) -> list[Booking]:
    """Who the post-workshop invitations go to.

    The delegates checked in; but if no one was checked in, the organisers did not use check-in
    that day, so every confirmed delegate not marked as a no-show is taken to have come (the
    feedback issue asks for this rather than inviting no one).
    """
    arrived = list(db.session.scalars(
        _confirmed(workshop_id).where(Booking.checked_in_at.is_not(None)).order_by(Booking.id)))
    if arrived:
        return arrived
    return list(db.session.scalars(
        _confirmed(workshop_id).where(Booking.no_show_at.is_(None)).order_by(Booking.id)))


def not_arrived(workshop_id: int) -> list[Booking]:
    """Confirmed delegates neither checked in nor already marked: the candidates for no-shows."""
    return list(db.session.scalars(
        _confirmed(workshop_id).where(Booking.checked_in_at.is_(None),
                                      Booking.no_show_at.is_(None))
        .order_by(Booking.name, Booking.id)))


def counts(workshop_id: int) -> dict[str, int]:
    """Attended, no-shows and still expected, among confirmed delegates, in one query."""
    arrived = Booking.checked_in_at.is_not(None)
    missed = Booking.checked_in_at.is_(None) & Booking.no_show_at.is_not(None)
    row = db.session.execute(
        select(func.count(Booking.id).filter(arrived), func.count(Booking.id).filter(missed),
               func.count(Booking.id))
        .where(Booking.workshop_id == workshop_id, Booking.status == BookingStatus.CONFIRMED)
    ).one()
    attended, no_shows, confirmed = (int(n or 0) for n in row)
    return {"attended": attended, "no_shows": no_shows,
            "expected": confirmed - attended - no_shows, "confirmed": confirmed}


def has_started(workshop: Workshop, moment: datetime | None = None) -> bool:
    return (moment or clock.now()) >= workshop.starts_at


def walk_in(workshop_id: int, delegate: booking.Delegate, *, actor: User,
            idempotency_key: str | None = None) -> Booking:
    """Book a delegate who turned up without a place, and check them in at once.

    Refused when no place is left: a walk-in never lands on the waiting list.
    """
    workshop = db.session.get(Workshop, workshop_id, populate_existing=True)
    if workshop is None:
        raise AttendanceRefused("This workshop does not exist.")
    if workshop.status != WorkshopStatus.PUBLISHED:
        # `book` lets organisers past the booking window, so the status is checked here.
        raise AttendanceRefused(
            f"This workshop {workshop.status_phrase}, so no one can be registered for it.")
    if not checkin.is_open(workshop):
        # A walk-in is checked in as they are booked, so the day's rule for check-in holds.
        raise AttendanceRefused(
            f"Walk-ins are registered on the day, {day(workshop.starts_at)}. Until then, book "
            "them through the workshop’s booking page like anyone else.")
    earlier = (db.session.scalar(select(Booking).where(Booking.idempotency_key == idempotency_key))
               if idempotency_key else None)
    if earlier is None and checkin.places_left(workshop) <= 0:
        raise AttendanceRefused(full_message(workshop))
    try:
        # Counted again under the workshop lock: the last place may have gone meanwhile.
        made = booking.book(workshop_id, delegate, idempotency_key=idempotency_key,
                            actor=actor, walk_in=True)
    except booking.WorkshopFull:
        raise AttendanceRefused(full_message(workshop)) from None
    if made.checked_in_at is None:  # a repeated submission finds them already in
        checkin.check_in(made.id, actor=actor)
    db.session.refresh(made)
    return made


def full_message(workshop: Workshop) -> str:
    return (f"The workshop is full: all {workshop.capacity} places are taken, so no one else "
            "can be registered. Cancel a booking for someone who is not coming to free a place.")


def mark_no_shows(workshop_id: int, *, actor: User | str) -> list[Booking]:
    """Mark every confirmed delegate not checked in as a no-show, once the workshop has begun.

    One transaction under the workshop lock, so a check-in at the same moment either lands
    before (and that delegate is not marked) or after (and counts as attended: arrival wins).
    """

    def work() -> list[Booking]:
        workshop = booking.lock_workshop(workshop_id)
        now = clock.now()
        if workshop.status not in (WorkshopStatus.PUBLISHED, WorkshopStatus.FINISHED):
            raise AttendanceRefused(
                f"This workshop {workshop.status_phrase}, so no one can be marked as a no-show.")
        if not has_started(workshop, now):
            raise AttendanceRefused(
                "The workshop has not started yet. You can mark no-shows once it has begun.")
        missing = not_arrived(workshop.id)
        for delegate in missing:
            delegate.no_show_at = now
            audit.record("marked no-show", "booking", delegate.id, workshop_id=workshop.id,
                         actor=actor, reference=delegate.reference)
        audit.record("marked no-shows", "workshop", workshop.id, workshop_id=workshop.id,
                     actor=actor, count=len(missing))
        return missing

    return booking.with_retries(work)


def start_of_today() -> datetime:
    """Midnight at the start of today in London, as a UTC instant."""
    today = clock.london(clock.now()).date()
    return clock.from_london(datetime.combine(today, time()))


def finish_past_workshops() -> list[int]:
    """Finish every published workshop that ended before today (London); returns their ids.

    Idempotent: only published workshops are chosen, and one finished meanwhile by an
    organiser is skipped, so running it twice sends `workshop_finished` once.
    """
    from workshops import scheduling  # scheduling imports this module for `attendees`

    due = list(db.session.scalars(
        select(Workshop.id).where(Workshop.status == WorkshopStatus.PUBLISHED,
                                  Workshop.ends_at < start_of_today())
        .order_by(Workshop.ends_at, Workshop.id)))
    finished = []
    for workshop_id in due:
        try:
            scheduling.finish_workshop(workshop_id, actor="system")
        except TransitionNotAllowed:
            log.info("workshop %s was finished or cancelled meanwhile", workshop_id)
        else:
            finished.append(workshop_id)
    return finished
