"""Messages organisers write to a workshop's delegates, its waiting list or its no-shows.

`send_message` is the one way a message goes out: it records the message and each recipient,
writes the audit entry and queues one outbox row per person, all in one transaction, so either
everyone's email is on its way and the message is in the log, or nothing happened.
"""

from __future__ import annotations

import hashlib
import re

from markupsafe import Markup, escape
from sqlalchemy import Select, func, select

from workshops import audit, booking, notices
from workshops.extensions import db
from workshops.mail import Composition, composer, queue_mail_later
from workshops.models import (
    Audience,
    Booking,
    BookingStatus,
    OrganiserMessage,
    OrganiserMessageRecipient,
    OutboxMessage,
    User,
    Workshop,
)

SUBJECT_MAX = 150
BODY_MAX = 5000

# Finishes "You are receiving this email because ...". No workshop title: the details in the
# email name it, and the outbox keeps at most 300 characters of reason.
REASONS = {
    Audience.CONFIRMED: "you have a place at this workshop and its organisers wrote to "
                        "everyone who has one",
    Audience.WAITING_LIST: "you are on the waiting list for this workshop and its organisers "
                           "wrote to everyone on it",
    Audience.NO_SHOWS: "you had a place at this workshop and were recorded as not attending, "
                       "and its organisers wrote to everyone who missed it",
}

# Said when an audience is empty: what is missing, and what to do instead.
NO_ONE = {
    Audience.CONFIRMED: "No one has a confirmed place at this workshop, so there is no one to "
                        "send this message to. Choose another group.",
    Audience.WAITING_LIST: "No one is on the waiting list, so there is no one to send this "
                           "message to. Choose another group.",
    Audience.NO_SHOWS: "No one has been marked as a no-show, so there is no one to send this "
                       "message to. Choose another group.",
}


class MessageRefused(Exception):
    """A rule said no. `field` names the form field the message belongs beside, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class RecipientsChanged(MessageRefused):
    """Someone booked or cancelled between the preview and "Send": the organiser checks again."""

    def __init__(self) -> None:
        super().__init__("The people this message goes to changed after you checked it. "
                         "Check the list again before you send it.")


def _audience(value: str) -> Audience:
    try:
        return Audience(value)
    except ValueError:
        raise MessageRefused("Choose who to send the message to", field="audience") from None


def _who(workshop_id: int, audience: Audience) -> Select[tuple[Booking]]:
    query = select(Booking).where(Booking.workshop_id == workshop_id)
    if audience == Audience.CONFIRMED:
        return query.where(Booking.status == BookingStatus.CONFIRMED)
    if audience == Audience.WAITING_LIST:
        return query.where(Booking.status.in_((BookingStatus.WAITING, BookingStatus.OFFERED)))
    # The same rule as attendance.counts: marked as missing, and never checked in.
    return query.where(Booking.status == BookingStatus.CONFIRMED,
                       Booking.no_show_at.is_not(None), Booking.checked_in_at.is_(None))


def recipients(workshop_id: int, audience: str) -> list[Booking]:
    """Who a message to `audience` would reach now, by name."""
    return list(db.session.scalars(
        _who(workshop_id, _audience(audience)).order_by(Booking.name, Booking.id)))


def audience_sizes(workshop_id: int) -> dict[Audience, int]:
    """How many people each audience holds now, for the compose page."""
    return {audience: db.session.scalar(
        _who(workshop_id, audience).with_only_columns(func.count(Booking.id))) or 0
        for audience in Audience}


def fingerprint(people: list[Booking]) -> str:
    """A short digest of who is on the list, carried from the preview to the send."""
    ids = ",".join(str(i) for i in sorted(p.id for p in people))
    return hashlib.sha256(ids.encode()).hexdigest()[:16]


def reason(audience: str) -> str:
    return REASONS[_audience(audience)]


def body_html(body: str, css_class: str | None = None) -> Markup:
    """The organiser's plain text as HTML: escaped, a paragraph per blank-line-separated block,
    line breaks kept. The same markup is in the email and in the preview of it."""
    opening = f'<p class="{css_class}">' if css_class else "<p>"
    paragraphs = [p.strip("\n") for p in re.split(r"\n\s*\n", body.replace("\r\n", "\n"))]
    return Markup("\n").join(
        Markup(opening) + Markup("<br>\n").join(escape(line) for line in p.split("\n"))
        + Markup("</p>")
        for p in paragraphs if p.strip())


def check(subject: str, body: str) -> None:
    """The limits the form also enforces, so a caller that is not the form meets them too."""
    if not subject.strip():
        raise MessageRefused("Enter a subject", field="subject")
    if len(subject) > SUBJECT_MAX:
        raise MessageRefused(f"Subject must be {SUBJECT_MAX} characters or fewer",
                             field="subject")
    if "\n" in subject or "\r" in subject:
        raise MessageRefused("Subject must be one line", field="subject")
    if not body.strip():
        raise MessageRefused("Enter the message", field="body")
    if len(body) > BODY_MAX:
        raise MessageRefused(f"Message must be {BODY_MAX:,} characters or fewer", field="body")


def send_message(workshop: Workshop, audience: str, subject: str, body: str, actor: User, *,
                 idempotency_key: str | None = None,
                 expected: str | None = None) -> OrganiserMessage:
    """Email `subject` and `body` to everyone in `audience` of `workshop`, separately.

    `expected` is the `fingerprint` of the list the organiser checked; if the list has changed
    since, nothing is sent and RecipientsChanged is raised. A repeated call with the same
    `idempotency_key` returns the message already sent instead of sending it again.
    """
    chosen = _audience(audience)
    check(subject, body)
    workshop_id = workshop.id

    def work() -> OrganiserMessage:
        if idempotency_key and (earlier := _by_idempotency_key(idempotency_key)):
            return earlier
        # Under the workshop lock the list cannot change between reading it and recording it.
        booking.lock_workshop(workshop_id)
        if idempotency_key and (earlier := _by_idempotency_key(idempotency_key)):
            return earlier
        people = recipients(workshop_id, chosen)
        if not people:
            raise MessageRefused(NO_ONE[chosen], field="audience")
        if expected is not None and expected != fingerprint(people):
            raise RecipientsChanged()
        message = OrganiserMessage(
            workshop_id=workshop_id, audience=chosen.value, subject=subject.strip(), body=body,
            sent_by_id=actor.id, sent_by_label=actor.display_name,
            idempotency_key=idempotency_key)
        db.session.add(message)
        db.session.flush()  # its id, for the emails to be written from
        why = reason(chosen)
        # Each email is written by the worker that sends it (see _compose): rendering one per
        # person here held the workshop's lock, and every booking for it, for all of them.
        queued = [(person, queue_mail_later(
            person.email, "organiser_message", composer="organiser_message", reason=why,
            workshop_id=workshop_id, booking_id=person.id, message_id=message.id))
            for person in people]
        db.session.flush()  # the outbox rows' ids, for the log of who was sent what
        message.recipients.extend(
            OrganiserMessageRecipient(booking_id=person.id, outbox_id=row.id)
            for person, row in queued)
        # Counts, not addresses: the audit log is meant to hold no personal data.
        audit.record("sent message", "message", message.id, workshop_id=workshop_id,
                     actor=actor, audience=chosen.label, recipients=len(people),
                     subject=message.subject)
        return message

    return booking.with_retries(work)


@composer("organiser_message")
def _compose(row: OutboxMessage) -> Composition:
    message = db.session.get(OrganiserMessage, (row.context or {}).get("message_id"))
    person = db.session.get(Booking, row.booking_id)
    if message is None or person is None:
        raise LookupError(f"message or booking of mail {row.id} no longer exists")
    return Composition(message.subject, {
        "booking": person, "workshop": person.workshop,
        "manage_url": notices.manage_url(person), "body": message.body,
        "body_html": body_html(message.body), "sender": message.sent_by_label})


def _by_idempotency_key(key: str) -> OrganiserMessage | None:
    return db.session.scalar(select(OrganiserMessage)
                             .where(OrganiserMessage.idempotency_key == key))
