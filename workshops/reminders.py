"""The reminder emailed to each confirmed delegate REMINDER_DAYS before their workshop.

Each booking gets one reminder, once: `reminder_sent_at` is set in the transaction that queues
the email. A workshop's reminders are sent under its booking lock, the lock cancellation and
moves take too, so a reminder never goes out for a workshop cancelled at that very moment, nor
with the time it had before a move. Someone who books after the reminders have gone out gets
theirs on the next run.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import Select, select

from workshops import audit, booking, clock, notices
from workshops.extensions import db
from workshops.models import Booking, BookingStatus, Workshop, WorkshopStatus

log = logging.getLogger(__name__)


def reminder_days() -> int:
    return int(current_app.config.get("REMINDER_DAYS", 7))


def _window(now: datetime) -> tuple:
    """Workshops that have not started and start within REMINDER_DAYS of `now`."""
    return (Workshop.status == WorkshopStatus.PUBLISHED, Workshop.starts_at > now,
            Workshop.starts_at <= now + timedelta(days=reminder_days()))


def _unreminded(workshop_id: int) -> Select[tuple[Booking]]:
    # Someone already checked in is there: a reminder would be noise.
    return select(Booking).where(Booking.workshop_id == workshop_id,
                                 Booking.status == BookingStatus.CONFIRMED,
                                 Booking.reminder_sent_at.is_(None),
                                 Booking.checked_in_at.is_(None))


def due_workshops(now: datetime | None = None) -> list[int]:
    """Ids of the workshops with at least one confirmed delegate still to be reminded."""
    now = now or clock.now()
    waiting = (select(Booking.id).where(Booking.workshop_id == Workshop.id,
                                        Booking.status == BookingStatus.CONFIRMED,
                                        Booking.reminder_sent_at.is_(None),
                                        Booking.checked_in_at.is_(None)).exists())
    return list(db.session.scalars(
        select(Workshop.id).where(*_window(now), waiting).order_by(Workshop.starts_at)))


def when(starts_at: datetime, now: datetime) -> str:
    """'tomorrow', 'in 7 days': counted in London calendar days, as a delegate would."""
    days = (clock.london(starts_at).date() - clock.london(now).date()).days
    if days <= 0:
        return "today"
    return "tomorrow" if days == 1 else f"in {days} days"


def _remind(found: Booking, now: datetime) -> None:
    found.reminder_sent_at = now
    notices.reminder(found, when(found.workshop.starts_at, now))
    audit.record("sent reminder", "booking", found.id, workshop_id=found.workshop_id,
                 actor="system", reference=found.reference)


def _remind_workshop(workshop_id: int) -> int:
    workshop = booking.lock_workshop(workshop_id)
    now = clock.now()
    # Checked again under the lock: it may have been cancelled or moved since it was listed.
    if not (workshop.status == WorkshopStatus.PUBLISHED
            and now < workshop.starts_at <= now + timedelta(days=reminder_days())):
        return 0
    # Someone who booked on the workshop's day (a walk-in, a late booking) has just had their
    # confirmation: a reminder that it is today would repeat it.
    people = list(db.session.scalars(
        _unreminded(workshop_id).where(Booking.created_at < workshop.day_starts_at)
        .order_by(Booking.id)))
    for person in people:
        _remind(person, now)
    return len(people)


def send_due_reminders() -> int:
    """Queue every reminder that is due; returns how many. A second run sends none again."""
    sent = 0
    for workshop_id in due_workshops():
        # A transaction per workshop: one that fails leaves the others' reminders sent.
        try:
            sent += booking.with_retries(lambda w=workshop_id: _remind_workshop(w))
        except booking.BookingBusy:
            log.warning("workshop %s busy; its reminders wait for the next run", workshop_id)
    return sent
