"""Mail through the outbox: queue a row with the change, send it after the commit, retry.

`queue_mail` only adds a row to the current session (`queue_mail_later` too, leaving the body
to be written by the worker that sends it). When that session commits, the new rows are handed
to the queue; a periodic sweep picks up anything the hand-off missed and the retries. A row is
claimed with a conditional UPDATE before it is sent, so two workers never send the same message.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime, make_msgid, parseaddr

from email_validator import EmailNotValidError, validate_email
from flask import Flask, current_app, has_request_context, request
from jinja2 import Environment, StrictUndefined
from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import Session

from workshops import clock
from workshops.config import contact_email
from workshops.extensions import db
from workshops.models import OutboxMessage, OutboxStatus
from workshops.urls import public_root

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 12
STALE_CLAIM = timedelta(minutes=10)


def queue_mail(
    recipient: str,
    template: str,
    subject: str,
    *,
    reason: str,
    calendar: bytes | None = None,
    calendar_method: str | None = None,
    workshop_id: int | None = None,
    booking_id: int | None = None,
    attachment: tuple[str, str, bytes] | None = None,
    **context,
) -> OutboxMessage:
    """Render `mail/<template>.txt` and `.html` and add the message to the session.

    `attachment` is (file name, media type, bytes), sent with the message as a file.
    """
    message = _outbox_row(recipient, subject, reason=reason, calendar_method=calendar_method,
                          workshop_id=workshop_id, booking_id=booking_id)
    message.text_body, message.html_body = _render(template, subject, reason, context,
                                                   calendar_attached=calendar is not None)
    message.calendar = calendar.decode() if calendar else None
    if attachment is not None:
        message.attachment_name, message.attachment_type, message.attachment = attachment
    return _add(message)


def queue_mail_later(
    recipient: str,
    template: str,
    *,
    composer: str,
    reason: str,
    calendar_method: str | None = None,
    workshop_id: int | None = None,
    booking_id: int | None = None,
    **context: object,
) -> OutboxMessage:
    """Add a message to the session whose subject and body the worker sending it will write.

    For mail queued while a lock is held: a booking in a rush waits for the workshop's lock,
    and rendering two templates and a calendar invite under it was a third of the time it held
    it. The row (recipient, why) still commits with the change, or not at all; what the
    message says is written on delivery by the composer registered under `composer`, which
    reads the rest from the database. `context` must be JSON. Links are made against the
    address the request came in on, as they would have been had it been rendered now.
    """
    if has_request_context():
        context["base_url"] = request.url_root
    message = _outbox_row(recipient, None, reason=reason, calendar_method=calendar_method,
                          workshop_id=workshop_id, booking_id=booking_id)
    message.template, message.composer, message.context = template, composer, context
    return _add(message)


def _outbox_row(recipient: str, subject: str | None, **values: object) -> OutboxMessage:
    domain = current_app.config["MAIL_DEFAULT_SENDER"].rpartition("@")[2].rstrip(">") or "local"
    return OutboxMessage(message_id=make_msgid(idstring=uuid.uuid4().hex[:12], domain=domain),
                         recipient=recipient, subject=subject, **values)


def _render(template: str, subject: str, reason: str, context: dict, *,
            calendar_attached: bool) -> tuple[str, str]:
    # calendar_attached: so that the text can say what is attached (a cancellation, an update).
    context = {**context, "subject": subject, "reason": reason,
               "calendar_attached": calendar_attached}
    current_app.update_template_context(context)
    env = _mail_templates()
    return (env.get_template(f"mail/{template}.txt").render(context),
            env.get_template(f"mail/{template}.html").render(context))


def _mail_templates() -> Environment:
    """The app's templates; with MAIL_STRICT_TEMPLATES (the tests), a name a mail template uses
    but was not given raises instead of rendering as nothing. Three emails once told the
    wrong story for months because their templates asked for a name nobody passed."""
    app = current_app
    if not app.config.get("MAIL_STRICT_TEMPLATES"):
        return app.jinja_env
    strict = app.extensions.get("strict_mail_templates")
    if strict is None:
        strict = app.extensions["strict_mail_templates"] = app.jinja_env.overlay(
            undefined=StrictUndefined)
    return strict


def _add(message: OutboxMessage) -> OutboxMessage:
    db.session.add(message)
    db.session.info.setdefault("outbox_new", []).append(message)
    return message


@dataclass(frozen=True)
class Composition:
    """What a composer gives for a message composed on delivery: its subject, its templates'
    context, which adds to (and may replace) the context it was queued with, and its calendar
    invite."""

    subject: str
    context: dict[str, object]
    calendar: bytes | None = None


Composer = Callable[[OutboxMessage], Composition]
_composers: dict[str, Composer] = {}


def composer(name: str) -> Callable[[Composer], Composer]:
    """Register the function that gathers what a `queue_mail_later` message needs to be written."""
    def register(function: Composer) -> Composer:
        _composers[name] = function
        return function
    return register


def compose(row: OutboxMessage) -> None:
    """Write the subject, body and invite of a message queued with `queue_mail_later`."""
    queued = dict(row.context or {})
    with current_app.test_request_context(base_url=queued.pop("base_url", None)
                                          or public_root()):
        composition = _composers[row.composer](row)
        row.subject = composition.subject
        row.text_body, row.html_body = _render(
            row.template, row.subject, row.reason, {**queued, **composition.context},
            calendar_attached=composition.calendar is not None)
    row.calendar = composition.calendar.decode() if composition.calendar else None


class _MailPolicy(EmailPolicy):
    """Python's own, but a subject of 70 to 77 characters stays on the Subject line.

    Such a subject does not fit after "Subject: " in 78 characters but does on a line of its
    own, so Python folds it straight after the colon; parsers (Python's among them) then read
    it with a leading space, and some mail clients show one. Kept on the Subject line it is at
    most 87 characters, far under the 998 that mail allows. A longer subject still folds
    between its words.
    """

    def _folds_at_once(self, name: str, first_line: str) -> bool:
        return name.lower() == "subject" and first_line.strip().lower() == "subject:"

    def fold(self, name: str, value: str) -> str:
        folded = super().fold(name, value)
        if self._folds_at_once(name, folded.split(self.linesep, 1)[0]):
            return EmailPolicy.fold(self.clone(max_line_length=998), name, value)
        return folded

    def fold_binary(self, name: str, value: str) -> bytes:
        folded = super().fold_binary(name, value)
        if self._folds_at_once(name, folded.split(self.linesep.encode(), 1)[0].decode()):
            return EmailPolicy.fold_binary(self.clone(max_line_length=998), name, value)
        return folded


MAIL_POLICY = _MailPolicy()


def build_email(row: OutboxMessage, sender: str, reply_to: str | None = None) -> EmailMessage:
    """The message for `row`; `reply_to`, the contact address (config.contact_email), is where
    a reply goes when it is not the sender's own."""
    email = EmailMessage(policy=MAIL_POLICY)
    email["From"] = sender
    if reply_to and reply_to.lower() != parseaddr(sender)[1].lower():
        email["Reply-To"] = reply_to
    email["To"] = smtp_address(row.recipient)
    email["Subject"] = row.subject
    email["Message-ID"] = row.message_id
    # Required (RFC 5322 3.6): without it clients show no date, or the time it reached them,
    # and spam filters count against it. The time it was written, however late it goes.
    email["Date"] = format_datetime(row.created_at or clock.now())
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(row.text_body)
    email.add_alternative(row.html_body, subtype="html")
    if row.calendar:
        method = row.calendar_method or "REQUEST"
        # Inline part for calendar clients that act on invites, attachment for everyone else.
        # Its charset said: without one a text part is read as US-ASCII, and calendar clients
        # show the invitation from this part (an attendee "Siân" came out as "Si��n").
        email.add_alternative(
            row.calendar.encode(), maintype="text", subtype="calendar",
            params={"method": method, "charset": "utf-8"},
        )
        email.make_mixed()
        email.add_attachment(
            row.calendar.encode(), maintype="application", subtype="ics",
            filename="invite.ics" if method != "CANCEL" else "cancellation.ics",
        )
    if row.attachment_name and row.attachment is not None:
        maintype, _, subtype = (row.attachment_type or "application/octet-stream").partition("/")
        email.add_attachment(row.attachment, maintype=maintype, subtype=subtype,
                             filename=row.attachment_name)
    return email


def smtp_address(address: str) -> str:
    """`address` as a mail server takes it: an internationalised domain in its ASCII form
    (person@bücher.example as person@xn--bcher-kva.example). In letters it needs SMTPUTF8,
    which few servers offer; the address is stored, and shown, as it was typed."""
    local, at, domain = address.rpartition("@")
    if not at or domain.isascii():
        return address
    try:
        return f"{local}@{validate_email(address, check_deliverability=False).ascii_domain}"
    except EmailNotValidError:
        return address


class NeedsSMTPUTF8(smtplib.SMTPNotSupportedError):
    """The address has letters before the @ (josé@example.org) that only a server offering
    SMTPUTF8 takes, and the one we send through does not offer it."""


def _smtp_send(app: Flask, email: EmailMessage) -> None:
    config = app.config
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls(context=ssl.create_default_context())
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        try:
            smtp.send_message(email)
        except smtplib.SMTPNotSupportedError as error:
            # Told apart here: a missing STARTTLS or AUTH raises the same class above, and
            # that is the configuration's to fix (retried); this is the address's for good.
            raise NeedsSMTPUTF8(*error.args) from error


# Why a message given up on was not delivered, for the organisers' pages, by the kind of the
# last error (the first word of last_error, as _attempt_failed writes it).
WHY_NOT_DELIVERED = {
    NeedsSMTPUTF8.__name__: "The address has letters with accents before the @, which our "
                            "mail server cannot send to",
    smtplib.SMTPRecipientsRefused.__name__: "The mail server refused the address",
    smtplib.SMTPDataError.__name__: "The mail server refused the message",
}


def why_not_delivered(row: OutboxMessage) -> str:
    kind = (row.last_error or "").partition(":")[0]
    return WHY_NOT_DELIVERED.get(kind) or (
        f"We tried {row.attempts} times and could not send it")


def refused_for_good(error: BaseException) -> str | None:
    """Why no retry will send the message, without the address (for the log), or None.

    A 5xx reply to the recipient or to the message is the server's final word on them, and
    SMTPUTF8 will not appear between one attempt and the next: retried, such a message had
    gone round for days, looking like a message on its way. A refused sender, a failed login
    or a server out of reach are the service's to put right, and are retried as before.
    """
    if isinstance(error, NeedsSMTPUTF8):
        return "the address needs SMTPUTF8, which the mail server does not offer"
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = sorted({code for code, _ in error.recipients.values()})
        return f"recipient refused {codes}" if codes and min(codes) >= 500 else None
    if isinstance(error, smtplib.SMTPDataError) and error.smtp_code >= 500:
        return f"message refused [{error.smtp_code}]"
    return None


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 ... minutes, capped at six hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def deliver(app: Flask, message_id: int) -> str:
    """Send one outbox row if it is due and nobody else has claimed it. Returns its status."""
    now = clock.now()
    with Session(db.engine) as session:
        claimed = session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == message_id,
                OutboxMessage.status == OutboxStatus.PENDING,
                # A first attempt goes at once, whatever this host's clock says; retries wait.
                (OutboxMessage.attempts == 0) | (OutboxMessage.next_attempt_at <= now),
            )
            .values(status=OutboxStatus.SENDING, claimed_at=now,
                    attempts=OutboxMessage.attempts + 1)
        ).rowcount
        session.commit()
        row = session.get(OutboxMessage, message_id)
        if not claimed or row is None:
            return row.status if row else "missing"
        try:
            if row.text_body is None:
                compose(row)
        except Exception as error:  # noqa: BLE001 (it is logged, and the message retried)
            # A composer's data gone or a template fault: a send that failed, as far as the
            # outbox goes, so it is retried with a backoff and given up after the last attempt.
            log.exception("mail %s could not be composed (attempt %s)", row.id, row.attempts)
            _attempt_failed(row, error)
            session.commit()
            return row.status
        try:
            _smtp_send(app, build_email(row, app.config["MAIL_DEFAULT_SENDER"],
                                        contact_email(app.config)))
        except (OSError, smtplib.SMTPException) as error:
            final = refused_for_good(error)
            _attempt_failed(row, error, give_up=final is not None)
            # A refused recipient's error names the address; the log gets the codes only.
            reason = final or (
                f"recipient refused {sorted({c for c, _ in error.recipients.values()})}"
                if isinstance(error, smtplib.SMTPRecipientsRefused) else error)
            if row.status == OutboxStatus.FAILED:
                # Someone is waiting for this email: the team has to tell them another way.
                log.error("mail %s not delivered, given up (attempt %s): %s",
                          row.id, row.attempts, reason)
            else:
                log.warning("mail %s not sent (attempt %s): %s", row.id, row.attempts, reason)
        else:
            row.status = OutboxStatus.SENT
            row.sent_at = clock.now()
            row.last_error = None
        session.commit()
        return row.status


def _attempt_failed(row: OutboxMessage, error: BaseException, *, give_up: bool = False) -> None:
    give_up = give_up or row.attempts >= MAX_ATTEMPTS
    row.status = OutboxStatus.FAILED if give_up else OutboxStatus.PENDING
    row.next_attempt_at = clock.now() + backoff(row.attempts)
    row.last_error = f"{type(error).__name__}: {error}"[:1000]


def due_messages(now: datetime | None = None) -> list[int]:
    now = now or clock.now()
    with Session(db.engine) as session:
        # A claim older than STALE_CLAIM belongs to a worker that died mid-send.
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.SENDING,
                   OutboxMessage.claimed_at < now - STALE_CLAIM)
            .values(status=OutboxStatus.PENDING)
        )
        session.commit()
        return list(session.scalars(
            select(OutboxMessage.id)
            .where(OutboxMessage.status == OutboxStatus.PENDING,
                   OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.id)
        ))


def flush(app: Flask) -> int:
    """Send whatever is due (retries, and any row whose hand-off was lost); returns how many."""
    return sum(deliver(app, message_id) == OutboxStatus.SENT for message_id in due_messages())


def _hand_to_queue(session: Session) -> None:
    from workshops import tasks

    for message in session.info.pop("outbox_new", []):
        # identity, not .id: the row is expired after commit and may not be reloaded here.
        identity = inspect(message).identity
        if identity:
            tasks.send_mail(identity[0])


def _forget(session: Session) -> None:
    session.info.pop("outbox_new", None)


def init_app(app: Flask) -> None:
    # db.session's listeners are class-wide: connect them once, however many apps are made.
    if not event.contains(db.session, "after_commit", _hand_to_queue):
        event.listen(db.session, "after_commit", _hand_to_queue)
        event.listen(db.session, "after_rollback", _forget)
