"""Data retention: erase delegates' personal data a set number of months after their workshop.

The privacy notice promises that delegates' details go `RETENTION_MONTHS` after the workshop.
Erasure anonymises each booking in place rather than deleting it, so the counts organisers and
funders rely on (bookings, attendance, no-shows per status, region and sector) stay true.
Outbox rows are deleted outright: every email carries a name and an address. What organisers
wrote to a workshop's delegates is free text that may describe someone (it is read by nobody
once the workshop is long over): its body goes, and its subject if it names a delegate; the
record that a message was sent, to which audience and by whom, stays. Plugins erase what they
keep past the period (the feedback plugin: unsent drafts of practice submissions) when the run
sends `signals.retention_due`.

Run daily by `tasks.erase_expired_personal_data` and by `flask --app wsgi retention run`.
"""

from __future__ import annotations

import calendar
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from flask import Flask, current_app
from sqlalchemy import ColumnElement, and_, delete, func, not_, or_, select
from sqlalchemy.orm import selectinload

from workshops import audit, clock, signals, uploads
from workshops import booking as rules
from workshops.extensions import db
from workshops.models import AuditEntry, Booking, OrganiserMessage, OutboxMessage, Workshop
from workshops.models.bookings import new_checkin_code, new_token

ERASED_NAME = "Erased delegate"
ERASED_ORGANISATION = "Erased"
ERASED_TEXT = "[erased]"
ACTOR = "data retention"


def erased_email(booking_id: int) -> str:
    # The .invalid top-level domain is reserved (RFC 2606): no one can ever receive mail
    # here, and the booking id keeps the address unique under the one-active-booking index.
    return f"erased-{booking_id}@invalid"


def email_to_show(booking: Booking) -> str:
    """The booking's address as people should read it: none once erased (its placeholder,
    erased-513@invalid, is there for the database's unique index, not for a spreadsheet)."""
    erased = booking.name == ERASED_NAME and booking.email == erased_email(booking.id)
    return "" if erased else booking.email


def _is_erased():  # noqa: ANN202  (an SQL expression)
    # No schema change allowed for an "erased_at" column, so the erased values themselves are
    # the marker; a delegate would have to type both to look erased.
    return and_(Booking.name == ERASED_NAME, Booking.email_key.like("erased-%@invalid"))


def months() -> int:
    return int(current_app.config.get("RETENTION_MONTHS", 12))


def months_before(moment: datetime, count: int) -> datetime:
    """The same instant `count` calendar months earlier (31 March less one month: 28/29 Feb)."""
    index = moment.year * 12 + moment.month - 1 - count
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def months_after(moment: datetime, count: int) -> datetime:
    """The same instant `count` calendar months later (31 January and one month: 28/29 Feb)."""
    return months_before(moment, -count)


def cutoff(now: datetime) -> datetime:
    """Workshops that ended before this instant are past the retention period."""
    return months_before(now, months())


def due_for_erasure(now: datetime) -> list[Workshop]:
    """Workshops that ended more than RETENTION_MONTHS ago and still hold personal data."""
    still_personal = (
        select(Booking.id)
        .where(Booking.workshop_id == Workshop.id, not_(_is_erased()))
        .exists()
    )
    return list(db.session.scalars(
        select(Workshop)
        .where(Workshop.ends_at < cutoff(now), still_personal)
        .options(selectinload(Workshop.series))
        .order_by(Workshop.ends_at, Workshop.id)
    ))


@dataclass
class WorkshopErasure:
    workshop_id: int
    title: str
    ended_at: datetime
    bookings: int
    by_status: dict[str, int]
    messages: int  # outbox rows about this workshop


@dataclass
class Erased:
    """What one part of the service erased: how many of what (one, many: the noun's two
    forms), and the stored files (uploads' names) to delete once the erasure has committed.
    An erasure on request (workshops.personal_data) answers with one; so, with more, does a
    plugin's part of a retention run."""

    count: int
    one: str
    many: str
    files: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.count} {self.one if self.count == 1 else self.many}"


@dataclass
class PluginErasure(Erased):
    """What a plugin erased in a retention run (`signals.retention_due`), or in a dry run would
    erase, and how many of its records' owners were (or would be) warned that theirs goes
    `warning_days` from now."""

    warned: int = 0
    warning_days: int = 0


@dataclass
class RetentionReport:
    dry_run: bool
    months: int
    cutoff: datetime
    workshops: list[WorkshopErasure] = field(default_factory=list)
    old_messages: int = 0  # outbox rows older than the period, whatever they were about
    plugins: list[PluginErasure] = field(default_factory=list)  # those that found anything

    @property
    def bookings(self) -> int:
        return sum(w.bookings for w in self.workshops)

    @property
    def messages(self) -> int:
        return self.old_messages + sum(w.messages for w in self.workshops)


def _outbox_for(workshop_id: int, booking_ids: list[int]):  # noqa: ANN202
    clauses = [OutboxMessage.workshop_id == workshop_id]
    if booking_ids:
        clauses.append(OutboxMessage.booking_id.in_(booking_ids))
    return or_(*clauses)


def _scrub(value: object, secrets: set[str]) -> object:
    """`value` with every string that mentions a delegate's name or address replaced."""
    if isinstance(value, str):
        lowered = value.lower()
        return ERASED_TEXT if any(s in lowered for s in secrets) else value
    if isinstance(value, list):
        return [_scrub(v, secrets) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, secrets) for k, v in value.items()}
    return value


def secrets_of(bookings: list[Booking]) -> set[str]:
    """The names and addresses to look for in free text about these bookings. Short strings
    are left out, so that a one-letter "name" cannot wipe unrelated text."""
    return {s.lower() for b in bookings for s in (b.name, b.email) if len(s.strip()) >= 4}


def scrub_audit(where: ColumnElement[bool], secrets: set[str]) -> None:
    """Audit details are meant to hold no personal data, but older entries or a plugin's may:
    in the entries `where` picks, anything that mentions one of `secrets` goes."""
    if not secrets:
        return
    for entry in db.session.scalars(select(AuditEntry).where(where)):
        scrubbed = _scrub(entry.details or {}, secrets)
        if scrubbed != entry.details:
            entry.details = scrubbed


def anonymise(bookings: list[Booking]) -> None:
    """Replace each booking's personal details. Kept: status, dates, check-in and no-show
    times, region, sector, reference, so every count stays true."""
    for b in bookings:
        b.name = ERASED_NAME
        b.email = b.email_key = erased_email(b.id)
        b.job_title = ""
        # A team's name plus a job can identify one person, so the organisation goes as well.
        b.organisation = ERASED_ORGANISATION
        b.organisation_key = ERASED_ORGANISATION.lower()
        b.access_needs = ""
        b.dietary_needs = ""
        b.list_consent = False
        # The links in old emails would otherwise open (and could refill) the erased booking.
        b.token = new_token()
        b.checkin_code = new_checkin_code()


def _erase_workshop(workshop_id: int, *, dry_run: bool) -> WorkshopErasure | None:
    workshop = (rules.lock_workshop(workshop_id) if not dry_run
                else db.session.get(Workshop, workshop_id))
    if workshop is None:
        return None
    # Read under the lock, so a delegate's last-minute change cannot slip back in afterwards.
    bookings = list(db.session.scalars(
        select(Booking).where(Booking.workshop_id == workshop_id, not_(_is_erased()))
        .order_by(Booking.id)))
    ids = [b.id for b in bookings]
    messages = db.session.scalar(
        select(func.count()).select_from(OutboxMessage).where(_outbox_for(workshop_id, ids))
    ) or 0
    result = WorkshopErasure(
        workshop_id=workshop.id, title=workshop.display_title, ended_at=workshop.ends_at,
        bookings=len(bookings), by_status=dict(Counter(b.status for b in bookings)),
        messages=messages)
    if dry_run or not bookings:
        return result

    secrets = secrets_of(bookings)
    scrub_audit(or_(AuditEntry.workshop_id == workshop_id,
                    and_(AuditEntry.entity == "booking", AuditEntry.entity_id.in_(ids))), secrets)
    anonymise(bookings)
    db.session.execute(delete(OutboxMessage).where(_outbox_for(workshop_id, ids))
                       .execution_options(synchronize_session=False))
    written = list(db.session.scalars(select(OrganiserMessage).where(
        OrganiserMessage.workshop_id == workshop_id, OrganiserMessage.body != ERASED_TEXT)))
    for message in written:
        message.body = ERASED_TEXT
        message.subject = str(_scrub(message.subject, secrets))
    audit.record("erased personal data", "workshop", workshop_id, workshop_id=workshop_id,
                 actor=ACTOR, bookings=len(bookings), by_status=result.by_status,
                 messages_deleted=messages, organiser_messages_erased=len(written),
                 retention_months=months())
    return result


def erase(dry_run: bool = False, *, now: datetime | None = None) -> RetentionReport:
    """Erase (or, in a dry run, only count) every workshop's personal data that is due.

    Each workshop is its own transaction, so one failure leaves earlier erasures done; a second
    run finds nothing left to erase.
    """
    now = now or clock.now()
    report = RetentionReport(dry_run=dry_run, months=months(), cutoff=cutoff(now))
    # Ids, not objects: each workshop's commit expires everything loaded before it.
    due = [w.id for w in due_for_erasure(now)]
    for workshop_id in due:
        if dry_run:
            found = _erase_workshop(workshop_id, dry_run=True)
        else:
            found = rules.with_retries(
                lambda workshop_id=workshop_id: _erase_workshop(workshop_id, dry_run=False))
        if found is not None and found.bookings:
            report.workshops.append(found)

    old = OutboxMessage.created_at < report.cutoff
    if dry_run and due:
        # Nothing was deleted above, so leave out what the per-workshop figures already count.
        due_bookings = select(Booking.id).where(Booking.workshop_id.in_(due), not_(_is_erased()))
        old = and_(old,
                   or_(OutboxMessage.workshop_id.is_(None), OutboxMessage.workshop_id.not_in(due)),
                   or_(OutboxMessage.booking_id.is_(None),
                       OutboxMessage.booking_id.not_in(due_bookings)))
    report.old_messages = db.session.scalar(
        select(func.count()).select_from(OutboxMessage).where(old)) or 0
    if not dry_run and report.old_messages:
        db.session.execute(delete(OutboxMessage).where(old)
                           .execution_options(synchronize_session=False))
        audit.record("deleted old emails", "outbox", 0, actor=ACTOR,
                     messages_deleted=report.old_messages, retention_months=report.months)
        db.session.commit()
    report.plugins = _erase_in_plugins(now, dry_run=dry_run)
    return report


def _erase_in_plugins(now: datetime, *, dry_run: bool) -> list[PluginErasure]:
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]

    def work() -> list[PluginErasure]:
        answers = signals.retention_due.send(app, now=now, dry_run=dry_run)
        return [found for _receiver, found in answers
                if found is not None and (found.count or found.warned)]

    if dry_run:
        found = work()
        db.session.rollback()  # a receiver counts only, but leave nothing behind whatever it did
        return found
    done = rules.with_retries(work)
    for part in done:
        for stored_name in part.files:
            uploads.remove(stored_name)  # after the commit: a rollback must not lose a file
    return done
