"""Organisers' changes to workshops. Each goes through one function with its transition."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from workshops import attendance, audit, booking, clock, notices, signals
from workshops.extensions import db
from workshops.models import ACTIVE, HOLDS_PLACE, Booking, BookingStatus, User, Workshop
from workshops.models import WorkshopStatus as W
from workshops.transitions import next_state

TRANSITIONS: dict[str, dict[str | None, str]] = {
    "create": {None: W.DRAFT},
    "publish": {W.DRAFT: W.PUBLISHED},
    "edit": {W.DRAFT: W.DRAFT, W.PUBLISHED: W.PUBLISHED},
    "cancel": {W.DRAFT: W.CANCELLED, W.PUBLISHED: W.CANCELLED},
    "finish": {W.PUBLISHED: W.FINISHED},
}

# Changing any of these sends every delegate an updated invite.
CALENDAR_FIELDS = ("starts_at", "ends_at", "venue_id")
EDITABLE = ("title", "region", "venue_id", "starts_at", "ends_at", "capacity",
            "per_organisation_limit", "booking_opens_at", "booking_closes_at", "offer_hours",
            "programme")


def _show(value: object) -> object:
    return clock.london(value).isoformat() if isinstance(value, datetime) else value


def create_workshop(series_id: int, values: dict, *, actor: User) -> Workshop:
    workshop = Workshop(series_id=series_id, status=next_state(TRANSITIONS, "create", None),
                        **{k: values[k] for k in EDITABLE if k in values})
    db.session.add(workshop)
    db.session.flush()
    audit.record("created workshop", "workshop", workshop.id, workshop_id=workshop.id,
                 actor=actor)
    db.session.commit()
    return workshop


def update_workshop(workshop_id: int, values: dict, *, actor: User) -> dict:
    """Apply an organiser's edit; tells delegates when the date, time or venue moved."""

    def work() -> dict:
        workshop = booking.lock_workshop(workshop_id)
        next_state(TRANSITIONS, "edit", workshop.status)
        changes = {k: (getattr(workshop, k), v) for k, v in values.items()
                   if k in EDITABLE and getattr(workshop, k) != v}
        if not changes:
            return {}
        if "capacity" in changes:
            # Checked under the workshop lock: fewer places than are held would break the
            # rule that confirmed places never exceed capacity.
            taken = booking.places_taken(workshop.id)
            if changes["capacity"][1] < taken:
                raise booking.BookingRefused(
                    f"{taken} places are already taken, so the capacity cannot be less than "
                    f"{taken}. Cancel bookings first if you need fewer places.",
                    field="capacity")
        for field, (_old, new) in changes.items():
            setattr(workshop, field, new)
        moved = any(field in changes for field in CALENDAR_FIELDS)
        if moved:
            workshop.calendar_sequence += 1
        db.session.flush()
        if "venue_id" in changes:
            # The old venue may already be loaded with the workshop; the change names the new.
            db.session.expire(workshop, ["venue"])
        audit.record("changed workshop", "workshop", workshop.id, workshop_id=workshop.id,
                     actor=actor, changes={k: [_show(a), _show(b)] for k, (a, b) in
                                           changes.items()})
        if moved and workshop.status == W.PUBLISHED:
            readable = _readable_changes(workshop, changes)
            for delegate in _bookings(workshop.id, HOLDS_PLACE):
                notices.workshop_moved(delegate, readable)
            # The waiting list hears too (without an invite: they hold no place yet), so that
            # someone who cannot make the new date can leave the queue now.
            for entry in _bookings(workshop.id, (BookingStatus.WAITING,)):
                notices.workshop_moved_waiting(entry, readable)
        signals.workshop_changed.send(workshop, changes=changes)
        if "capacity" in changes and workshop.status == W.PUBLISHED:
            booking._offer_free_places(workshop)
        return changes

    return booking.with_retries(work)


def _readable_changes(workshop: Workshop, changes: dict) -> list[str]:
    lines = []
    if "starts_at" in changes or "ends_at" in changes:
        from workshops.formatting import event_time

        lines.append(f"New date and time: {event_time(workshop.starts_at, workshop.ends_at)}")
    if "venue_id" in changes:
        lines.append(f"New venue: {workshop.venue.one_line}")
    return lines


def _bookings(workshop_id: int, statuses: tuple) -> list[Booking]:
    return list(db.session.scalars(select(Booking).where(
        Booking.workshop_id == workshop_id, Booking.status.in_(statuses))))


def publish_workshop(workshop_id: int, *, actor: User) -> Workshop:
    def work() -> Workshop:
        workshop = booking.lock_workshop(workshop_id)
        workshop.status = next_state(TRANSITIONS, "publish", workshop.status)
        audit.record("published workshop", "workshop", workshop.id, workshop_id=workshop.id,
                     actor=actor)
        signals.workshop_changed.send(workshop, changes={"status": (W.DRAFT, W.PUBLISHED)})
        return workshop

    return booking.with_retries(work)


def people_to_tell(workshop_id: int) -> list[Booking]:
    return _bookings(workshop_id, ACTIVE)


def cancel_workshop(workshop_id: int, *, actor: User, reason: str = "") -> int:
    """Cancel the workshop and every booking and waiting entry; returns how many were told.
    `reason`, if the organiser gave one, is in everyone's email: why, and what happens next."""

    def work() -> int:
        workshop = booking.lock_workshop(workshop_id)
        workshop.status = next_state(TRANSITIONS, "cancel", workshop.status)
        workshop.calendar_sequence += 1
        affected = _bookings(workshop.id, ACTIVE)
        for delegate in affected:
            had_place = delegate.status in HOLDS_PLACE
            delegate.status = BookingStatus.CANCELLED
            delegate.cancelled_at = clock.now()
            notices.workshop_cancelled(delegate, had_place=had_place, reason=reason)
        audit.record("cancelled workshop", "workshop", workshop.id, workshop_id=workshop.id,
                     actor=actor, told=len(affected), **({"reason": reason} if reason else {}))
        signals.workshop_cancelled.send(workshop)
        return len(affected)

    return booking.with_retries(work)


def finish_workshop(workshop_id: int, *, actor: User | str = "system") -> Workshop:
    def work() -> Workshop:
        workshop = booking.lock_workshop(workshop_id)
        workshop.status = next_state(TRANSITIONS, "finish", workshop.status)
        # Those checked in, or every confirmed delegate if check-in was not used that day.
        attendees = attendance.attendees(workshop.id)
        audit.record("finished workshop", "workshop", workshop.id, workshop_id=workshop.id,
                     actor=actor, attendees=len(attendees))
        signals.workshop_finished.send(workshop, attendees=attendees)
        return workshop

    return booking.with_retries(work)
