"""A person's request about their own data: what the service holds under their email address,
a copy of it, and the erasure of their booking details.

UK GDPR gives delegates and submitters the right to a copy of their personal data and, once
it is no longer needed, to its erasure; the privacy notice tells them to write to the
programme. An administrator answers here. The core holds bookings (and staff accounts);
each plugin adds what it holds by answering `signals.personal_data_requested` with a
`Holding`.

Erasure anonymises the person's bookings in place, as the retention period does for a whole
workshop (`retention.anonymise`), so every count stays true; the emails kept for them go, and
audit details that mention them are scrubbed. A booking that still holds a place, or a place
on a waiting list, for a workshop yet to happen is refused: cancelling it first tells the
person and moves the waiting list on, which erasing it would not. Each plugin erases what it
holds through `signals.personal_data_erasing`, in the same transaction, and says what it did
with an `Erased`; its holding tells the administrator beforehand what will become of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.orm import selectinload

from workshops import audit, clock, retention, signals, uploads
from workshops import booking as rules
from workshops.booking import email_key
from workshops.extensions import db
from workshops.formatting import short_day
from workshops.models import (
    ACTIVE,
    REGIONS,
    SECTORS,
    AuditEntry,
    Booking,
    OutboxMessage,
    User,
    Workshop,
    status_label,
)
from workshops.retention import Erased
from workshops.staff import role_label


class ErasureRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Holding:
    """What one part of the service holds about the person: a title, one mapping of label to
    value per record, and what erasure does to it."""

    title: str
    records: list[dict[str, str]] = field(default_factory=list)
    on_erasure: str = ""
    erasable: bool = False  # whether erasing (`erase`) would take anything out of it


def _day(moment: datetime | None) -> str:
    return short_day(moment) if moment else ""


def _bookings(key: str) -> list[Booking]:
    return list(db.session.scalars(
        select(Booking).where(Booking.email_key == key)
        .options(selectinload(Booking.workshop).selectinload(Workshop.series))
        .order_by(Booking.created_at, Booking.id)))


def _booking_record(b: Booking) -> dict[str, str]:
    return {
        "Workshop": b.workshop.display_title, "Date": _day(b.workshop.starts_at),
        "Reference": b.reference, "Status": status_label(b.status), "Booked": _day(b.created_at),
        "Name": b.name, "Email": b.email, "Job title": b.job_title,
        "Organisation": b.organisation, "Region": REGIONS.get(b.region, b.region),
        "Sector": SECTORS.get(b.sector, b.sector), "Access needs": b.access_needs,
        "Dietary needs": b.dietary_needs,
        "In the delegate list": "Yes" if b.list_consent else "No",
        "Checked in": "Yes" if b.checked_in_at else "No",
    }


@dataclass
class Found:
    holdings: list[Holding]  # the core's first; none empty
    still_needed: list[Booking]  # bookings that block erasure (see `erase`)


def _still_needed(bookings: list[Booking]) -> list[Booking]:
    """Those that hold a place, or a place in line, for a workshop yet to end."""
    now = clock.now()
    return [b for b in bookings if b.status in ACTIVE and b.workshop.ends_at > now]


def _email_record(message: OutboxMessage) -> dict[str, str]:
    # What it was and why, not the text itself: the copy is for reading, and each email's
    # words are the service's templates around the details the other holdings already list.
    return {"Subject": message.subject or "(written when it is sent)",
            "Why it was sent": message.reason,
            "Queued": _day(message.created_at), "Sent": _day(message.sent_at)}


def find(email: str) -> Found:
    """Everything held under `email`, and what stands in the way of erasing it."""
    key = email_key(email)
    bookings = _bookings(key)
    holdings = [Holding(
        "Bookings", [_booking_record(b) for b in bookings],
        on_erasure="Erased: name, email address, job title, organisation, access and dietary "
                   "needs, and the emails sent about them. Kept, without the person: the "
                   "booking’s status, dates and reference, so attendance figures stay true.",
        erasable=bool(bookings))]
    emails = db.session.scalars(
        select(OutboxMessage).where(func.lower(OutboxMessage.recipient) == key)
        .order_by(OutboxMessage.created_at, OutboxMessage.id)).all()
    holdings.append(Holding(
        "Emails to this address", [_email_record(m) for m in emails],
        on_erasure="Deleted: every email the service holds that was sent, or is waiting to be "
                   "sent, to this address.",
        erasable=bool(emails)))
    staff = db.session.scalar(select(User).where(User.email == key))
    if staff is not None:
        holdings.append(Holding("Staff account", [{
            "Name": staff.name, "Email": staff.email, "Role": role_label(staff.role),
            "Active": "Yes" if staff.active else "No", "Created": _day(staff.created_at)}],
            on_erasure="Not erased here: an administrator deactivates a staff account from "
                       "the staff pages."))
    for _receiver, holding in signals.personal_data_requested.send(
            current_app._get_current_object(), email=key):
        if holding is not None:
            holdings.append(holding)
    return Found([h for h in holdings if h.records], _still_needed(bookings))


def copy(email: str) -> dict[str, object]:
    """A copy for the person: every holding, as JSON."""
    return {"email": email_key(email), "prepared": clock.now().isoformat(timespec="seconds"),
            "holdings": [{"title": h.title, "records": h.records}
                         for h in find(email).holdings]}


def erase(email: str, *, actor: User) -> list[Erased]:
    """Anonymise the bookings made with `email` and let each plugin erase what it holds;
    what was erased, each part that erased anything. ErasureRefused while a booking is still
    needed (see the module's docstring)."""
    key = email_key(email)

    def work() -> list[Erased]:
        bookings = _bookings(key)
        if needed := _still_needed(bookings):
            names = "; ".join(f"{b.workshop.display_title} ({b.reference}, {b.status})"
                              for b in needed)
            raise ErasureRefused(
                f"Still booked: {names}. Cancel the booking first, so that the person is told "
                "and the waiting list moves on; then erase.")
        # Every email to the address, and every one about its bookings (sent to it or not).
        ids = [b.id for b in bookings]
        db.session.execute(delete(OutboxMessage).where(or_(
            OutboxMessage.booking_id.in_(ids), func.lower(OutboxMessage.recipient) == key))
            .execution_options(synchronize_session=False))
        if bookings:
            retention.scrub_audit(
                and_(AuditEntry.entity == "booking", AuditEntry.entity_id.in_(ids)),
                retention.secrets_of(bookings))
            retention.anonymise(bookings)
            for b in bookings:
                # No name or address here: the entry says what was done, not to whom.
                audit.record("erased personal data on request", "booking", b.id,
                             workshop_id=b.workshop_id, actor=actor)
        erased = [Erased(len(bookings), "booking", "bookings")]
        erased += [answer for _receiver, answer in signals.personal_data_erasing.send(
            current_app._get_current_object(), email=key, actor=actor) if answer is not None]
        return [e for e in erased if e.count]

    done = rules.with_retries(work)
    for part in done:
        for stored_name in part.files:
            uploads.remove(stored_name)  # after the commit: a rollback must not lose a file
    return done
