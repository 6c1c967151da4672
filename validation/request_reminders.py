"""The one reminder to a submitter whose questions have waited VALIDATION_REMINDER_DAYS."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from validation.models import Case, CaseState, InfoRequest
from validation.requests import REASON, who_asked
from workshops import audit, clock
from workshops.extensions import db
from workshops.mail import queue_mail
from workshops.urls import external_url


def due_reminders(now: datetime | None = None) -> list[InfoRequest]:
    days = current_app.config["VALIDATION_REMINDER_DAYS"]
    cutoff = (now or clock.now()) - timedelta(days=days)
    return list(db.session.scalars(
        select(InfoRequest).join(Case)
        .where(Case.state == CaseState.INFO_REQUESTED, InfoRequest.answered_at.is_(None),
               InfoRequest.reminded_at.is_(None), InfoRequest.asked_at <= cutoff)
        .order_by(InfoRequest.id)))


def send_reminders() -> int:
    """Remind, once, each submitter whose questions have waited VALIDATION_REMINDER_DAYS.
    Returns how many were reminded; a second run reminds no one."""
    count = 0
    for request in due_reminders():
        # Claim it first, so a concurrent run cannot remind the same person twice.
        claimed = db.session.execute(
            update(InfoRequest)
            .where(InfoRequest.id == request.id, InfoRequest.reminded_at.is_(None))
            .values(reminded_at=clock.now())
            .execution_options(synchronize_session=False)).rowcount
        if claimed != 1:
            db.session.rollback()
            continue
        case = request.case
        queue_mail(
            case.submitter_email, "validation_info_reminder",
            f"Reminder: questions about your practice submission {case.reference}",
            reason=REASON, workshop_id=case.workshop_id, case=case, request=request,
            asker=who_asked(request.stage),
            respond_url=external_url("validation.respond", token=case.token),
        )
        audit.record("reminder sent", "validation_case", case.id, workshop_id=case.workshop_id,
                     actor="system", reference=case.reference, request_id=request.id)
        db.session.commit()
        count += 1
    return count
