"""Booking rules. Every change to a booking goes through one function here.

Capacity holds under any concurrency because each function that can take or free a place first
bumps the workshop's `booking_lock` column: on PostgreSQL that locks the workshop row, on SQLite
it takes the database write lock. Only then does it count places and write.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import TypeVar

from flask import current_app
from sqlalchemy import Select, Update, bindparam, func, inspect, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.attributes import set_committed_value

from workshops import audit, clock, notices, signals, write_queue
from workshops.extensions import db
from workshops.models import (
    ACTIVE,
    HOLDS_PLACE,
    AuditEntry,
    Booking,
    BookingStatus,
    User,
    Workshop,
    WorkshopStatus,
    status_label,
)
from workshops.transitions import next_state
from workshops.validators import email_key

log = logging.getLogger(__name__)
T = TypeVar("T")
S = BookingStatus

TRANSITIONS: dict[str, dict[str | None, str]] = {
    "confirm": {None: S.CONFIRMED, S.OFFERED: S.CONFIRMED},
    "wait": {None: S.WAITING},
    "offer": {S.WAITING: S.OFFERED},
    # At the desk on the day (checkin.give_place): someone from the waiting list who came.
    "admit": {S.WAITING: S.CONFIRMED, S.OFFERED: S.CONFIRMED},
    "decline": {S.OFFERED: S.DECLINED},
    "expire": {S.OFFERED: S.EXPIRED},
    "cancel": {S.CONFIRMED: S.CANCELLED, S.WAITING: S.CANCELLED, S.OFFERED: S.CANCELLED},
    "change": {S.CONFIRMED: S.CONFIRMED, S.WAITING: S.WAITING, S.OFFERED: S.OFFERED},
    # Moving to another workshop of the series ends this booking; a new one holds the place.
    "move": {S.CONFIRMED: S.CANCELLED, S.WAITING: S.CANCELLED},
}

# The audit actions of a move (booking.move): the booking given up, and the one made. The
# entries' details link the two (to_booking, from_booking); pages read them back.
MOVED_OUT, MOVED_IN = "moved to another workshop", "booked, moved from another workshop"

LOCK_RETRIES = 5
RETRY_BUDGET = 12  # seconds; see with_retries
ALREADY_BOOKED = ("This email address already has a booking for this workshop. Use "
                  "‘Email me my booking links’, at the foot of the page, to get the link to "
                  "manage it.")
EDITABLE_FIELDS = ("name", "email", "job_title", "organisation", "region", "sector",
                   "access_needs", "dietary_needs", "list_consent")


def _already_booked(actor: User | None, earlier: Booking | None = None) -> str:
    """The public are pointed to their links; an organiser booking someone in is told which
    booking it is, to change that one (they can see it; the public could not be told)."""
    if actor is None:
        return ALREADY_BOOKED
    which = f" ({earlier.reference}, {status_label(earlier.status).lower()})" if earlier else ""
    return (f"This email address already has a booking for this workshop{which}. Find it in "
            "the workshop’s bookings and change it there.")


class BookingRefused(Exception):
    """A rule said no. `field` names the form field the message belongs beside, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class WorkshopFull(BookingRefused):
    """No place is free and the caller asked not to join the waiting list."""

    def __init__(self) -> None:
        super().__init__("This workshop is full.")


class BookingBusy(Exception):
    """The database stayed locked through every retry: the user is asked to try again."""


@dataclass
class Delegate:
    name: str
    email: str
    organisation: str
    job_title: str = ""
    region: str = ""
    sector: str = ""
    access_needs: str = ""
    dietary_needs: str = ""
    list_consent: bool = False


def organisation_key(organisation: str) -> str:
    return " ".join(organisation.lower().replace("&", "and").split())


# The statements a booking runs are built once, with parameters (the functions named
# *_statement below): building one anew took longer than running it, and in a rush every
# booking waits for the ones ahead of it to finish with the workshop's lock.

@cache
def _lock_statement() -> Update:
    # updated_at stays: taking the lock edits nothing about the workshop (and the print
    # file's fingerprint would otherwise change with every waiting-list join).
    return (update(Workshop).where(Workshop.id == bindparam("workshop_id"))
            .values(booking_lock=Workshop.booking_lock + 1, updated_at=Workshop.updated_at)
            .returning(Workshop))


def lock_workshop(workshop_id: int) -> Workshop:
    """Serialise every change to a workshop's places; returns the workshop, freshly read.

    Any domain function that changes a workshop or its bookings (here, and in scheduling,
    attendance, messaging, reminders, retention, personal data) calls this first, inside
    `with_retries`, so that no two changes to one workshop interleave."""
    if current_app.config.get("BOOKING_LOCK", True):
        write_queue.join()
        # One statement takes the lock and reads the workshop back as it now stands (RETURNING,
        # on both databases): a separate read was one more round trip with the lock held.
        workshop = db.session.scalars(
            _lock_statement(), {"workshop_id": workshop_id},
            execution_options={"populate_existing": True, "synchronize_session": False},
        ).one_or_none()
    else:
        workshop = db.session.get(Workshop, workshop_id, populate_existing=True)
    if workshop is None:
        raise BookingRefused("This workshop does not exist.")
    return workshop


def _loaded_columns(obj: object) -> dict[str, object]:
    """The column values of `obj` as the session will commit them (flushed first)."""
    db.session.flush()
    state = inspect(obj)
    return {attr.key: state.dict[attr.key] for attr in state.mapper.column_attrs
            if attr.key in state.dict}


def places_taken(workshop_id: int) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Booking)
        .where(Booking.workshop_id == workshop_id, Booking.status.in_(HOLDS_PLACE))
    ) or 0


def taken_by_workshop(workshop_ids: list[int]) -> dict[int, int]:
    """Places held per workshop, in one query for a whole list (workshops with none left out)."""
    if not workshop_ids:
        return {}
    return dict(db.session.execute(
        select(Booking.workshop_id, func.count()).where(
            Booking.workshop_id.in_(workshop_ids), Booking.status.in_(HOLDS_PLACE))
        .group_by(Booking.workshop_id)).all())


def waiting_position(booking: Booking) -> int:
    """1 for the first in line."""
    return (db.session.scalar(
        select(func.count()).select_from(Booking).where(
            Booking.workshop_id == booking.workshop_id,
            Booking.status == S.WAITING,
            (Booking.waiting_since < booking.waiting_since)
            | ((Booking.waiting_since == booking.waiting_since) & (Booking.id < booking.id)),
        )
    ) or 0) + 1


def with_retries(work: Callable[[], T], *, keep: bool = False) -> T:
    """Run `work` in its own transaction, again if the database was locked.

    Each wait for the lock is bounded by the database (SQLite's busy timeout, PostgreSQL's
    lock_timeout); retries stop once RETRY_BUDGET has gone, so the slowest answer, the "try
    again" page, still arrives well inside gunicorn's 30 s worker timeout.

    keep=True keeps the columns of the object `work` returns loaded through the commit: the
    caller's next read of it (the new booking's token, for the redirect) would otherwise be a
    query for values this transaction has just written.
    """
    started = time.monotonic()
    for attempt in range(LOCK_RETRIES):
        db.session.rollback()
        try:
            result = work()
            written = _loaded_columns(result) if keep else {}
            db.session.commit()
            for name, value in written.items():
                set_committed_value(result, name, value)
            return result
        except OperationalError as error:
            db.session.rollback()
            if "lock" not in str(error).lower() and "deadlock" not in str(error).lower():
                raise
            log.info("booking lock busy (attempt %s)", attempt + 1)
            if time.monotonic() - started > RETRY_BUDGET:
                break
            time.sleep(0.05 * 2 ** attempt)
        except BaseException:
            db.session.rollback()
            raise
    raise BookingBusy()


def not_bookable(workshop: Workshop) -> str | None:
    """Why no one, not even an organiser, can be booked on `workshop`; None if they can.
    Only a published workshop takes bookings (the booking window binds only the public)."""
    if workshop.status != WorkshopStatus.PUBLISHED:
        return f"This workshop {workshop.status_phrase}, so no one can be booked on it."
    return None


def book(workshop_id: int, delegate: Delegate, *, idempotency_key: str | None = None,
         actor: User | None = None, walk_in: bool = False) -> Booking:
    """A confirmed place if one is free, otherwise a place on the waiting list.

    `walk_in`: a delegate registered at the desk on the day, marked so on the booking; a full
    workshop then raises WorkshopFull, as there is no waiting list to join at the door.
    """

    key = email_key(delegate.email)

    def work() -> Booking:
        # Everything that can be answered without the lock is, so the lock is held briefly:
        # in a rush every booking for the workshop queues behind it. A twin of this request or
        # a second booking by the same address that commits while we wait for the lock is
        # refused by the unique indexes instead (IntegrityError, below).
        if earlier := _earlier_booking(workshop_id, key, idempotency_key):
            if idempotency_key and earlier.idempotency_key == idempotency_key:
                return earlier
            raise BookingRefused(_already_booked(actor, earlier), field="email")
        workshop = lock_workshop(workshop_id)
        now = clock.now()
        # Read under the lock: an organiser booking someone in as the workshop is cancelled
        # must not leave a place held on a cancelled workshop.
        if (refusal := not_bookable(workshop)) is not None:
            raise BookingRefused(refusal)
        state = workshop.booking_window_state(now)
        if state != "open" and actor is None:
            raise BookingRefused("Booking for this workshop has not opened yet."
                                 if state == "not-yet" else
                                 "Booking for this workshop has closed.")
        org_key = organisation_key(delegate.organisation)
        counts = _counts_under_lock(workshop_id, org_key, now)
        _refuse_past_organisation_limit(workshop, counts)
        has_place = counts.taken < workshop.capacity
        if not has_place and walk_in:
            raise WorkshopFull()
        if not current_app.config.get("BOOKING_LOCK", True):
            time.sleep(current_app.config.get("BOOKING_RACE_DELAY", 0))  # negative control
        status = next_state(TRANSITIONS, "confirm" if has_place else "wait", None)
        booking = Booking(
            workshop=workshop, status=status, idempotency_key=idempotency_key,
            email_key=key, organisation_key=org_key, walk_in=walk_in,
            waiting_since=None if has_place else now,
            **{f: getattr(delegate, f) for f in EDITABLE_FIELDS},
        )
        db.session.add(booking)
        db.session.flush()
        audit.record("booked" if has_place else "joined waiting list", "booking", booking.id,
                     workshop_id=workshop_id, actor=actor or "delegate",
                     reference=booking.reference)
        booked_by = "desk" if walk_in else "organiser" if actor is not None else "delegate"
        if has_place:
            notices.confirmed(booking, booked_by=booked_by)
            signals.booking_confirmed.send(booking)
        else:
            # The same count waiting_position() makes, taken before the insert: everyone
            # already waiting since no later than now is ahead of the newcomer.
            notices.waitlisted(booking, counts.waiting_until_now + 1, booked_by=booked_by)
            signals.booking_waitlisted.send(booking)
        return booking

    try:
        return with_retries(work, keep=True)
    except IntegrityError:
        # A concurrent twin of this request won the race: hand back what it made.
        db.session.rollback()
        if idempotency_key and (earlier := _by_idempotency_key(idempotency_key)):
            return earlier
        raise BookingRefused(_already_booked(actor), field="email") from None


def _by_idempotency_key(key: str) -> Booking | None:
    return db.session.scalar(select(Booking).where(Booking.idempotency_key == key))


@cache
def _earlier_booking_statement(with_key: bool) -> Select:
    same_address = ((Booking.workshop_id == bindparam("workshop_id"))
                    & (Booking.email_key == bindparam("email_key"))
                    & Booking.status.in_(ACTIVE))
    matches = (same_address | (Booking.idempotency_key == bindparam("idempotency_key"))
               if with_key else same_address)
    return select(Booking).where(matches).limit(2)


def _earlier_booking(workshop_id: int, key: str, idempotency_key: str | None) -> Booking | None:
    """This request's own booking if it was made before (a resubmitted form), or else an
    active booking for the workshop by the same address: one query, as both are rare."""
    found = db.session.scalars(
        _earlier_booking_statement(bool(idempotency_key)),
        {"workshop_id": workshop_id, "email_key": key,
         **({"idempotency_key": idempotency_key} if idempotency_key else {})}).all()
    # A resubmission answers with its booking even if the address has another one.
    return next((b for b in found if idempotency_key and b.idempotency_key == idempotency_key),
                found[0] if found else None)


@dataclass(frozen=True)
class _Counts:
    taken: int
    waiting_until_now: int
    from_organisation: int


@cache
def _counts_statement() -> Select:
    return (select(func.count().filter(Booking.status.in_(HOLDS_PLACE)),
                   func.count().filter(Booking.status == S.WAITING,
                                       Booking.waiting_since <= bindparam("now")),
                   func.count().filter(Booking.organisation_key == bindparam("org_key"),
                                       Booking.status.in_(ACTIVE)))
            .where(Booking.workshop_id == bindparam("workshop_id")))


def _counts_under_lock(workshop_id: int, org_key: str, now: datetime) -> _Counts:
    """Every count a new booking needs, in one query: places held, who is already waiting
    (the newcomer's place in line) and the organisation's active bookings."""
    row = db.session.execute(
        _counts_statement(), {"workshop_id": workshop_id, "org_key": org_key, "now": now}
    ).one()
    return _Counts(*(n or 0 for n in row))


def _refuse_past_organisation_limit(workshop: Workshop, counts: _Counts) -> None:
    """BookingRefused if the organisation already holds all the places it may at `workshop`."""
    if workshop.per_organisation_limit and \
            counts.from_organisation >= workshop.per_organisation_limit:
        raise BookingRefused(
            f"Each organisation can book up to {workshop.per_organisation_limit} places at "
            f"{workshop.display_title}, and yours has reached that limit.", field="organisation")


def offers_stopped(workshop: Workshop) -> bool:
    """From the workshop's day a freed place is for someone at the door (a walk-in): an
    emailed offer with hours to answer would hold it while they are turned away."""
    return clock.now() >= workshop.day_starts_at


def _offer_free_places(workshop: Workshop) -> list[Booking]:
    """Offer each free place to the next in line. The caller holds the workshop lock."""
    if workshop.status != "published" or offers_stopped(workshop):
        return []
    free = workshop.capacity - places_taken(workshop.id)
    if free <= 0:
        return []
    queue = db.session.scalars(
        select(Booking).where(Booking.workshop_id == workshop.id, Booking.status == S.WAITING)
        .order_by(Booking.waiting_since, Booking.id).limit(free)
    ).all()
    # Never beyond the start: a place held after it could be taken by no one.
    expires = min(clock.now() + timedelta(hours=workshop.offer_hours), workshop.starts_at)
    for booking in queue:
        booking.status = next_state(TRANSITIONS, "offer", booking.status)
        booking.offer_expires_at = expires
        audit.record("place offered", "booking", booking.id, workshop_id=workshop.id,
                     actor="system", expires=expires.isoformat())
        notices.offered(booking)
        signals.place_offered.send(booking)
    return queue


def offer_next(workshop_id: int) -> list[Booking]:
    return with_retries(lambda: _offer_free_places(lock_workshop(workshop_id)))


def cancel(booking_id: int, *, actor: User | None = None) -> Booking:
    def work() -> Booking:
        booking = locked_booking(booking_id)
        had_place = booking.status in HOLDS_PLACE
        booking.status = next_state(TRANSITIONS, "cancel", booking.status)
        booking.cancelled_at = clock.now()
        audit.record("cancelled", "booking", booking.id, workshop_id=booking.workshop_id,
                     actor=actor or "delegate", reference=booking.reference)
        notices.cancelled(booking, by_organiser=actor is not None, had_place=had_place)
        signals.booking_cancelled.send(booking, by_organiser=actor is not None)
        if had_place:
            _offer_free_places(booking.workshop)
        return booking

    return with_retries(work)


def move_refusal(booking: Booking, target: Workshop, *, by_organiser: bool = False) -> str | None:
    """Why `booking` cannot move to `target` now; None if it can (a free place aside, which
    only the lock can tell)."""
    if (refusal := _move_rule_refusal(booking, target, by_organiser=by_organiser)) is not None:
        return refusal
    if target.id in _booked_by_address(booking.email_key, [target.id]):
        return "This email address already has a booking for that workshop."
    return None


def movable(booking: Booking) -> bool:
    """Whether the booking may move at all: a place or a place in line, before the start."""
    return booking.status in TRANSITIONS["move"] and booking.workshop.starts_at > clock.now()


def _move_rule_refusal(booking: Booking, target: Workshop, *, by_organiser: bool) -> str | None:
    """move_refusal's rules that need nothing more from the database."""
    now = clock.now()
    if booking.status not in TRANSITIONS["move"]:
        return "This booking can no longer be moved."
    if target.series_id != booking.workshop.series_id or target.id == booking.workshop_id:
        return "Choose another workshop in the same series."
    if booking.workshop.starts_at <= now:
        return "The workshop has started, so the booking can no longer be moved."
    if (refusal := not_bookable(target)) is not None:
        return refusal
    if target.starts_at <= now:
        return "That workshop has started."
    if not by_organiser and target.booking_window_state(now) != "open":
        return "Booking for that workshop is not open."
    return None


def _booked_by_address(key: str, workshop_ids: list[int]) -> set[int]:
    """Which of these workshops the address already has an active booking for."""
    return set(db.session.scalars(select(Booking.workshop_id).where(
        Booking.workshop_id.in_(workshop_ids), Booking.email_key == key,
        Booking.status.in_(ACTIVE))))


def move_targets(booking: Booking, *, by_organiser: bool = False) -> list[tuple[Workshop, int]]:
    """The other workshops of the series this booking could move to now, each with its
    places left, soonest first."""
    candidates = db.session.scalars(select(Workshop).where(
        Workshop.series_id == booking.workshop.series_id, Workshop.id != booking.workshop_id,
        Workshop.status == WorkshopStatus.PUBLISHED).order_by(Workshop.starts_at)).all()
    ids = [w.id for w in candidates]
    taken = taken_by_workshop(ids)
    # One query for every candidate the address is already booked on, rather than one each.
    booked = _booked_by_address(booking.email_key, ids)
    return [(w, w.capacity - taken.get(w.id, 0)) for w in candidates
            if w.capacity > taken.get(w.id, 0) and w.id not in booked
            and _move_rule_refusal(booking, w, by_organiser=by_organiser) is None]


def move(booking_id: int, to_workshop_id: int, *, actor: User | None = None) -> Booking:
    """Give up this booking (a place, or a place in line) for a place at another workshop of
    the series, in one step: no one ever holds both, nor loses the first without the second.
    Only to a free place: moving onto a waiting list would trade a sure thing for a chance.
    The place given up goes to the first in line, as a cancellation's does. Returns the new
    booking (its own reference and links; the details are the old one's)."""

    def work() -> Booking:
        from_workshop_id = db.session.scalar(
            select(Booking.workshop_id).where(Booking.id == booking_id))
        if from_workshop_id is None:
            raise BookingRefused("This booking does not exist.")
        # Both locked, lower id first, so two moves in opposite directions cannot deadlock.
        locked = {i: lock_workshop(i) for i in sorted({from_workshop_id, to_workshop_id})}
        old = db.session.get(Booking, booking_id, populate_existing=True)
        target, now = locked[to_workshop_id], clock.now()
        if (refusal := move_refusal(old, target, by_organiser=actor is not None)) is not None:
            raise BookingRefused(refusal)
        counts = _counts_under_lock(target.id, old.organisation_key, now)
        if counts.taken >= target.capacity:
            raise BookingRefused("That workshop has just filled up. Choose another.")
        _refuse_past_organisation_limit(target, counts)
        had_place = old.status in HOLDS_PLACE
        old.status = next_state(TRANSITIONS, "move", old.status)
        old.cancelled_at = now
        new = Booking(workshop=target, status=next_state(TRANSITIONS, "confirm", None),
                      email_key=old.email_key, organisation_key=old.organisation_key,
                      **{f: getattr(old, f) for f in EDITABLE_FIELDS})
        db.session.add(new)
        db.session.flush()
        who = actor or "delegate"
        audit.record(MOVED_OUT, "booking", old.id,
                     workshop_id=old.workshop_id, actor=who, to_booking=new.id)
        audit.record(MOVED_IN, "booking", new.id,
                     workshop_id=target.id, actor=who, reference=new.reference,
                     from_booking=old.id)
        notices.moved(old, new, had_place=had_place, by_organiser=actor is not None)
        signals.booking_cancelled.send(old, by_organiser=actor is not None)
        signals.booking_confirmed.send(new)
        if had_place:
            _offer_free_places(locked[from_workshop_id])
        return new

    return with_retries(work, keep=True)


def moved_to(booking: Booking) -> Booking | None:
    """The booking this one was moved to, if it was (the move's audit entry names it)."""
    if booking.status != S.CANCELLED:
        return None
    details = db.session.scalar(select(AuditEntry.details).where(
        AuditEntry.entity == "booking", AuditEntry.entity_id == booking.id,
        AuditEntry.action == MOVED_OUT))
    target = (details or {}).get("to_booking")
    return db.session.get(Booking, target) if isinstance(target, int) else None


def locked_booking(booking_id: int) -> Booking:
    """The booking, freshly read, with its workshop's lock held (inside `with_retries`).

    Reading the workshop before taking its lock is safe: nothing changes a booking's
    workshop_id (a move makes a new booking), so the lock taken is the right one."""
    workshop_id = db.session.scalar(select(Booking.workshop_id).where(Booking.id == booking_id))
    if workshop_id is None:
        raise BookingRefused("This booking does not exist.")
    lock_workshop(workshop_id)
    return db.session.get(Booking, booking_id, populate_existing=True)


# What became of an offer that is no longer open, said to whoever answers it (a second tab, a
# page left open); an offer lapsed a moment ago gets the same words as one lapsed long ago.
OFFER_ENDED: dict[str, str] = {
    S.CONFIRMED: "You have already accepted this place. If you cannot come after all, cancel "
                 "your booking.",
    S.DECLINED: "You have already declined this place.",
    S.EXPIRED: "Sorry, this offer has expired and the place has been offered to the next "
               "person on the waiting list.",
    S.CANCELLED: "This booking has been cancelled.",
}


def _open_offer(booking_id: int) -> Booking:
    """The offered booking, its workshop locked; BookingRefused, with what became of the
    offer, if it is no longer open. One whose time has just passed is lapsed first (and that
    committed), as the sweep would have."""
    booking = locked_booking(booking_id)
    if offer_overdue(booking):
        _expire(booking)
        db.session.commit()
    if booking.status != S.OFFERED:
        raise BookingRefused(OFFER_ENDED.get(booking.status, "This offer is no longer open."))
    return booking


def accept_offer(booking_id: int) -> Booking:
    def work() -> Booking:
        booking = _open_offer(booking_id)
        confirm_place(booking, "confirm", "accepted offer")
        return booking

    return with_retries(work)


def confirm_place(booking: Booking, transition: str, action: str, *,
                  actor: User | None = None, booked_by: str = "delegate") -> None:
    """Give a waiting-list entry its place: the status, the audit entry, the confirmation
    email and the signal, as every confirmed place gets them. The caller holds the workshop
    lock and has made sure a place is free (an offered entry already holds one)."""
    booking.status = next_state(TRANSITIONS, transition, booking.status)
    booking.offer_expires_at = None
    audit.record(action, "booking", booking.id, workshop_id=booking.workshop_id,
                 actor=actor or "delegate", reference=booking.reference)
    notices.confirmed(booking, booked_by=booked_by)
    signals.booking_confirmed.send(booking)


def decline_offer(booking_id: int) -> Booking:
    def work() -> Booking:
        booking = _open_offer(booking_id)
        booking.status = next_state(TRANSITIONS, "decline", booking.status)
        booking.offer_expires_at = None
        audit.record("declined offer", "booking", booking.id, workshop_id=booking.workshop_id,
                     actor="delegate")
        notices.offer_declined(booking)
        signals.booking_cancelled.send(booking, by_organiser=False)
        _offer_free_places(booking.workshop)
        return booking

    return with_retries(work)


def _expire(booking: Booking) -> None:
    booking.status = next_state(TRANSITIONS, "expire", booking.status)
    audit.record("offer expired", "booking", booking.id, workshop_id=booking.workshop_id,
                 actor="system")
    notices.offer_expired(booking)
    _offer_free_places(booking.workshop)


def offer_overdue(booking: Booking) -> bool:
    """Whether an offer is still open though its time has passed. The sweep
    (tasks.expire_offers) lapses it within minutes; until then the pages read it as lapsed."""
    return booking.status == S.OFFERED and booking.offer_expires_at <= clock.now()


def expire_offer(booking_id: int) -> bool:
    """Lapse this offer if its time has passed and pass the place on; True if it lapsed."""

    def work() -> bool:
        booking = locked_booking(booking_id)
        if not offer_overdue(booking):
            return False  # accepted or declined while we were getting here
        _expire(booking)
        return True

    return with_retries(work)


def expire_offers() -> int:
    """Lapse every overdue offer and pass the place on; returns how many lapsed."""
    overdue = db.session.scalars(
        select(Booking.id)
        .where(Booking.status == S.OFFERED, Booking.offer_expires_at <= clock.now())
    ).all()
    return sum(expire_offer(booking_id) for booking_id in overdue)


def rebooking(booking: Booking) -> str | None:
    """What the person whose `booking` has ended can do at its workshop now: "book" (a place
    is free), "wait" (join its waiting list) or None (it is not open to the public for booking,
    or the address already has another booking there, which the form would refuse)."""
    workshop = booking.workshop
    if workshop.booking_window_state(clock.now()) != "open" \
            or _booked_by_address(booking.email_key, [workshop.id]):
        return None
    return "book" if places_taken(workshop.id) < workshop.capacity else "wait"


def change_details(booking_id: int, delegate: Delegate, *, actor: User | None = None) -> dict:
    """Update what the delegate told us; returns {field: (old, new)} of what changed."""

    def work() -> dict:
        booking = locked_booking(booking_id)
        next_state(TRANSITIONS, "change", booking.status)
        changes = {f: (getattr(booking, f), getattr(delegate, f)) for f in EDITABLE_FIELDS
                   if getattr(booking, f) != getattr(delegate, f)}
        if not changes:
            return {}
        if "email" in changes:
            key = email_key(delegate.email)
            clash = db.session.scalar(select(Booking.id).where(
                Booking.workshop_id == booking.workshop_id, Booking.email_key == key,
                Booking.status.in_(ACTIVE), Booking.id != booking.id))
            if clash:
                raise BookingRefused("Another booking for this workshop already uses this "
                                     "email address.", field="email")
            booking.email_key = key
        for field, (_old, new) in changes.items():
            setattr(booking, field, new)
        booking.organisation_key = organisation_key(booking.organisation)
        audit.record("changed details", "booking", booking.id, workshop_id=booking.workshop_id,
                     actor=actor or "delegate", fields=sorted(changes))
        notices.details_changed(booking, by_organiser=actor is not None)
        if "email" in changes and email_key(changes["email"][0]) != booking.email_key:
            notices.email_changed(booking, changes["email"][0], by_organiser=actor is not None)
        signals.booking_changed.send(booking, changes=changes)
        return changes

    return with_retries(work)


def send_links(email: str) -> None:
    """Email the manage links of every active booking made with this address; if all of its
    bookings have ended (cancelled, declined, expired), say so instead; if it has none, send
    nothing. The page that asks calls this through the queue (tasks.send_links), never directly."""
    bookings = db.session.scalars(
        select(Booking).where(Booking.email_key == email_key(email))
        .order_by(Booking.created_at)
    ).all()
    active = [b for b in bookings if b.status in ACTIVE]
    if active:
        notices.links_reminder(active[0].email, active)
    elif bookings:
        # Someone who asked is waiting for an email: silence would leave them waiting.
        notices.no_current_bookings(bookings[-1].email, list(bookings))
    else:
        return
    db.session.commit()
