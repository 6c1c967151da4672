"""Organisers' messages to a workshop's delegates: write, check the preview, send; and the log.

Writing and sending are one form posted to one address, as the "move a workshop" pages do: the
first post shows the preview (nothing is sent), "Send" posts it again with `confirmed=yes`.
The access guard is the organiser blueprint's own.
"""

from __future__ import annotations

import uuid

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovSubmitInput,
    GovTextInput,
)
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload
from wtforms import (
    HiddenField,
    RadioField,
    SelectChoice,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import AnyOf, Length

from workshops import mail, messaging
from workshops.extensions import db
from workshops.form_widgets import GovRadios
from workshops.models import (
    Audience,
    Booking,
    OrganiserMessage,
    OrganiserMessageRecipient,
    OutboxMessage,
    OutboxStatus,
    Workshop,
)
from workshops.organiser_fields import OrganiserForm
from workshops.validators import InputRequired, strip
from workshops.views.organiser import attach, bp


def one_line_breaks(value: str | None) -> str | None:
    # Browsers send CRLF; the hidden fields of the preview would send it back doubled up.
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


class MessageForm(OrganiserForm):
    audience = RadioField(
        "Who should get this message?", widget=GovRadios(),
        choices=[SelectChoice(a.value, a.label) for a in Audience], validate_choice=False,
        validators=[InputRequired("Choose who to send the message to"),
                    AnyOf([a.value for a in Audience],
                          message="Choose who to send the message to")])
    subject = StringField(
        "Subject", widget=GovTextInput(), filters=[strip],
        validators=[InputRequired("Enter a subject"),
                    Length(max=messaging.SUBJECT_MAX, message="Subject must be "
                           f"{messaging.SUBJECT_MAX} characters or fewer")])
    body = TextAreaField(
        "Message", widget=GovCharacterCount(), filters=[one_line_breaks, strip],
        description="Plain text: leave a blank line between paragraphs. Each email starts "
                    "with ‘Dear’ and the person’s name, and ends with the workshop’s details "
                    "and the link to their booking, so you do not need to add them.",
        validators=[InputRequired("Enter the message"),
                    Length(max=messaging.BODY_MAX, message="Message must be "
                           f"{messaging.BODY_MAX:,} characters or fewer")])
    # A second click on "Send" (or a resubmitted page) must not send the message twice.
    idempotency_key = HiddenField()
    submit = SubmitField("Preview the message", widget=GovSubmitInput())


# Hints under each choice: who exactly is in the group.
AUDIENCE_HINTS = {
    Audience.CONFIRMED: "Everyone with a confirmed place",
    Audience.WAITING_LIST: "Everyone waiting for a place, and anyone offered one who has not "
                           "answered yet",
    Audience.NO_SHOWS: "Confirmed delegates marked as not having come",
}


def _people(number: int) -> str:
    return "1 person" if number == 1 else f"{number} people"


def _audience_items(sizes: dict[Audience, int]) -> list[dict]:
    return [{"hint": {"text": f"{AUDIENCE_HINTS[a]} ({_people(sizes[a])})"}} for a in Audience]


def _compose(workshop: Workshop, form: MessageForm) -> tuple[str, int]:
    if not form.idempotency_key.data:
        form.idempotency_key.data = uuid.uuid4().hex
    sizes = messaging.audience_sizes(workshop.id)
    return render_template("organiser/messages_new.html", workshop=workshop, form=form,
                           audience_items=_audience_items(sizes)), 422 if form.errors else 200


def _preview(workshop: Workshop, form: MessageForm, people: list[Booking], *,
             changed: bool = False) -> str:
    audience = Audience(form.audience.data)
    return render_template(
        "organiser/messages_preview.html", workshop=workshop, form=form, people=people,
        audience=audience, sample=people[0], changed=changed,
        body_html=messaging.body_html(form.body.data, "govuk-body"),
        reason=messaging.reason(audience),
        recipients_fingerprint=messaging.fingerprint(people))


@bp.route("/workshops/<int:workshop_id>/messages/new", methods=["GET", "POST"])
def new_message(workshop_id: int) -> ResponseReturnValue:
    found = db.get_or_404(Workshop, workshop_id)
    form = MessageForm()
    if request.method == "GET" and request.args.get("audience") in set(Audience):
        form.audience.data = request.args["audience"]
    if not form.validate_on_submit() or request.form.get("confirmed") == "change":
        return _compose(found, form)
    people = messaging.recipients(found.id, form.audience.data)
    if not people:
        attach(form, "audience", messaging.NO_ONE[Audience(form.audience.data)])
        return _compose(found, form)
    if request.form.get("confirmed") != "yes":
        return _preview(found, form, people)
    try:
        message = messaging.send_message(
            found, form.audience.data, form.subject.data, form.body.data, current_user,
            idempotency_key=form.idempotency_key.data or None,
            expected=request.form.get("recipients"))
    except messaging.RecipientsChanged:
        people = messaging.recipients(found.id, form.audience.data)
        if people:
            return _preview(found, form, people, changed=True), 409
        attach(form, "audience", messaging.NO_ONE[Audience(form.audience.data)])
        return _compose(found, form)
    except messaging.MessageRefused as refusal:
        attach(form, refusal.field, refusal.message)
        return _compose(found, form)
    flash(f"Message sent to {_people(len(message.recipients))}. Each email goes out in the "
          "next few moments; this page shows whether each one has been delivered.", "success")
    return redirect(url_for(".messages", workshop_id=found.id, _anchor=f"message-{message.id}"),
                    code=303)


# --- the log -----------------------------------------------------------------------------

# What each outbox state means to an organiser, and the colour of its tag.
DELIVERY = {
    OutboxStatus.SENT: ("Sent", "govuk-tag--green"),
    OutboxStatus.PENDING: ("Waiting to send", "govuk-tag--grey"),
    "retrying": ("Retrying", "govuk-tag--yellow"),
    OutboxStatus.SENDING: ("Sending", "govuk-tag--blue"),
    OutboxStatus.FAILED: ("Not delivered", "govuk-tag--red"),
    "gone": ("Erased", "govuk-tag--grey"),  # deleted by data retention
}


def _delivery(row: OutboxMessage | None) -> str:
    if row is None:
        return "gone"
    if row.status == OutboxStatus.PENDING and row.attempts:
        return "retrying"
    return row.status


@bp.get("/workshops/<int:workshop_id>/messages")
def messages(workshop_id: int) -> str:
    found = db.get_or_404(Workshop, workshop_id)
    sent = list(db.session.scalars(
        select(OrganiserMessage).where(OrganiserMessage.workshop_id == found.id)
        .options(selectinload(OrganiserMessage.recipients)
                 .selectinload(OrganiserMessageRecipient.booking))
        .order_by(OrganiserMessage.sent_at.desc(), OrganiserMessage.id.desc())))
    outbox_ids = [r.outbox_id for m in sent for r in m.recipients if r.outbox_id]
    # One query for every recipient's delivery, however many messages there are.
    outbox = {row.id: row for row in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.id.in_(outbox_ids)))} if outbox_ids else {}
    return render_template("organiser/messages.html", workshop=found, sent=sent, outbox=outbox,
                           delivery=_delivery, labels=DELIVERY, body_html=messaging.body_html,
                           undelivered=_undelivered(found.id, set(outbox_ids)),
                           why_not=mail.why_not_delivered)


def _undelivered(workshop_id: int, shown: set[int]) -> list[tuple[OutboxMessage, str]]:
    """The service's own emails about the workshop or its bookings (confirmations, offers,
    reminders...) that were given up on, each with its person's name where it had a booking:
    no one else learns that a person never got their confirmation and its link. Those of the
    organisers' messages are left out, shown under their message."""
    about = or_(OutboxMessage.workshop_id == workshop_id, OutboxMessage.booking_id.in_(
        select(Booking.id).where(Booking.workshop_id == workshop_id)))
    rows = db.session.execute(
        select(OutboxMessage, Booking.name)
        .outerjoin(Booking, Booking.id == OutboxMessage.booking_id)
        .where(OutboxMessage.status == OutboxStatus.FAILED, about)
        .order_by(OutboxMessage.created_at, OutboxMessage.id)).all()
    return [(row, name or "") for row, name in rows if row.id not in shown]
