"""After a workshop: invite every attendee to evaluate the day and share practice, then remind
those who have not answered, once.

The invitation is written in the same transaction that finishes the workshop (the signal is
sent before the commit), so a workshop is never finished without its invitations, and finishing
it again (it cannot be: the state table refuses) could not invite twice either way: the booking
column is unique.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import exists, select

from feedback.models import Evaluation, Invitation, Submission, SubmissionStatus
from workshops import audit, clock, signals
from workshops.extensions import db
from workshops.mail import queue_mail
from workshops.models import Booking, Workshop, WorkshopStatus
from workshops.urls import external_url


def _links(invitation: Invitation) -> dict[str, str]:
    return {
        "evaluation_url": external_url("feedback.evaluation", token=invitation.token),
        "practice_url": external_url("feedback.invitation", token=invitation.token),
        # The fillable practice form is downloaded from the booking page, beside the pack.
        "booking_url": external_url("booking.manage", token=invitation.booking.token),
    }


def invite(workshop: Workshop, attendees: list[Booking]) -> list[Invitation]:
    already = set(db.session.scalars(
        select(Invitation.booking_id).where(Invitation.workshop_id == workshop.id)))
    made = []
    for booking in attendees:
        if booking.id in already:
            continue
        invitation = Invitation(booking=booking, booking_id=booking.id, workshop_id=workshop.id)
        db.session.add(invitation)
        db.session.flush()
        queue_mail(
            booking.email, "feedback_invitation",
            f"Thank you for coming: {workshop.display_title}",
            reason=f"you attended {workshop.display_title}",
            workshop_id=workshop.id, booking_id=booking.id,
            booking=booking, workshop=workshop, **_links(invitation),
        )
        made.append(invitation)
    if made:
        audit.record("feedback invitations sent", "workshop", workshop.id,
                     workshop_id=workshop.id, actor="system", invited=len(made))
    return made


def _on_finished(workshop: Workshop, attendees: list[Booking] | None = None, **_: object) -> None:
    invite(workshop, attendees or [])


def _on_checked_in(booking: Booking, **_: object) -> None:
    # Organisers copy the paper sign-in sheet in for days after the workshop, often once it
    # has been finished: someone recorded then came too, and is invited like the others were.
    # Before the finish there is nothing to do: finishing invites everyone checked in.
    workshop = booking.workshop
    if workshop.status == WorkshopStatus.FINISHED:
        invite(workshop, [booking])


def connect() -> None:
    # weak=False: the receivers are module functions, but keep them alive whatever imports do.
    signals.workshop_finished.connect(_on_finished, weak=False)
    signals.delegate_checked_in.connect(_on_checked_in, weak=False)


def _responded():  # noqa: ANN202  (an SQL expression)
    answered = exists().where(Evaluation.booking_id == Invitation.booking_id)
    sent = exists().where(Submission.booking_id == Invitation.booking_id,
                          Submission.status == SubmissionStatus.SUBMITTED)
    return answered | sent


def due_reminders(now=None) -> list[Invitation]:  # noqa: ANN001
    days = int(current_app.config.get("FEEDBACK_REMINDER_DAYS", 7))
    cutoff = (now or clock.now()) - timedelta(days=days)
    return list(db.session.scalars(
        select(Invitation).where(Invitation.reminded_at.is_(None),
                                 Invitation.invited_at <= cutoff, ~_responded())
        .order_by(Invitation.id)))


def send_reminders() -> int:
    """Remind, once, everyone invited FEEDBACK_REMINDER_DAYS ago who has neither evaluated the
    day nor sent practice. Returns how many were reminded; a second run reminds no one."""
    count = 0
    for invitation in due_reminders():
        # Claim it first, so a concurrent run cannot remind the same person.
        claimed = db.session.execute(
            Invitation.__table__.update()
            .where(Invitation.id == invitation.id, Invitation.reminded_at.is_(None))
            .values(reminded_at=clock.now())).rowcount
        if claimed != 1:
            continue
        booking, workshop = invitation.booking, invitation.workshop
        evaluated = db.session.scalar(
            select(Evaluation.id).where(Evaluation.booking_id == booking.id)) is not None
        queue_mail(
            booking.email, "feedback_reminder",
            f"Your views on {workshop.display_title}",
            reason=f"you attended {workshop.display_title}",
            workshop_id=workshop.id, booking_id=booking.id,
            booking=booking, workshop=workshop, evaluated=evaluated, **_links(invitation),
        )
        audit.record("feedback reminder sent", "booking", booking.id, workshop_id=workshop.id,
                     actor="system")
        db.session.commit()
        count += 1
    return count
