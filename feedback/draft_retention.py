"""Unsent drafts of practice submissions are deleted RETENTION_MONTHS after they last changed.

A draft holds its submitter's contact details, their answers and their evidence files; nothing
else needs them until it is sent, so the privacy notice's period for bookings applies to drafts
too, counted from the last change rather than from a workshop (anyone may start one, with or
without a booking). The core's retention run (workshops.retention) sends
`signals.retention_due`; this plugin answers it here, in the run's transaction:

- a draft confirmed by its submitter is deleted only once they have been warned, by one email
  WARNING_DAYS before, and have not changed it since: the email gives the day and the link to
  finish and send it. A draft changed after the warning starts its period again, and is warned
  about again when that ends;
- a draft whose address was never confirmed is deleted when its period ends, unwarned: it holds
  nothing but the address typed in, and nobody has shown that the address is theirs (the only
  mail the service sends to one is the link that would confirm it).

Each deletion goes through feedback.personal_data.delete_drafts, as an erasure on request does,
and leaves an audit entry that names no one; the core removes the evidence files once the run
has committed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy import ColumnElement, and_, func, or_, select, update

from feedback.models import Submission, SubmissionStatus
from feedback.personal_data import UNSENT, delete_drafts
from workshops import audit, clock, retention, signals
from workshops.extensions import db
from workshops.formatting import day
from workshops.mail import queue_mail
from workshops.urls import external_url

WARNING_DAYS = 14
ONE, MANY = "unsent practice submission", "unsent practice submissions"


def _changed_since_warned() -> ColumnElement[bool]:
    return or_(Submission.deletion_warned_at.is_(None),
               Submission.deletion_warned_at < Submission.updated_at)


def due_for_deletion(now: datetime) -> ColumnElement[bool]:
    """Drafts whose period is over, each either unconfirmed or warned WARNING_DAYS ago and
    left unchanged since."""
    warned_in_time = and_(
        Submission.status == SubmissionStatus.DRAFT, ~_changed_since_warned(),
        Submission.deletion_warned_at <= now - timedelta(days=WARNING_DAYS))
    return and_(Submission.status.in_(UNSENT), Submission.updated_at < retention.cutoff(now),
                or_(Submission.status == SubmissionStatus.AWAITING_EMAIL, warned_in_time))


def due_for_warning(now: datetime) -> ColumnElement[bool]:
    """Confirmed drafts whose period ends within WARNING_DAYS, not warned since their last
    change."""
    soon = retention.months_before(now + timedelta(days=WARNING_DAYS), retention.months())
    return and_(Submission.status == SubmissionStatus.DRAFT, Submission.updated_at < soon,
                _changed_since_warned())


def deletion_day(draft: Submission, warned_at: datetime) -> datetime:
    """When the draft goes if left alone: at the end of its period, and never sooner than
    WARNING_DAYS after the warning (a draft already past its period when this rule came in
    gets the same notice)."""
    return max(retention.months_after(draft.updated_at, retention.months()),
               warned_at + timedelta(days=WARNING_DAYS))


def _claim(where: ColumnElement[bool], **values: object) -> list[Submission]:
    """The drafts `where` picks, written to at once: the row locks (PostgreSQL) or the write
    lock (SQLite) this takes mean a draft saved at the same moment is either saved first, and
    no longer picked, or waits until the run has committed."""
    ids = list(db.session.scalars(
        update(Submission).where(where).values(**values).returning(Submission.id)
        .execution_options(synchronize_session=False)))
    return list(db.session.scalars(
        select(Submission).where(Submission.id.in_(ids)).order_by(Submission.id)
        .execution_options(populate_existing=True)))


def _delete(now: datetime) -> tuple[int, list[str]]:
    # updated_at is set to itself: the statement is there for its lock, and changes nothing.
    drafts = _claim(due_for_deletion(now), updated_at=Submission.updated_at)
    for draft in drafts:
        # What was deleted and why, not whose: the entry outlives the draft.
        audit.record("draft deleted by data retention", "submission", draft.id,
                     workshop_id=draft.workshop_id, actor=retention.ACTOR,
                     last_changed=clock.london(draft.updated_at).date().isoformat(),
                     files=len(draft.files), retention_months=retention.months())
    return len(drafts), delete_drafts(drafts)


def _warn(now: datetime) -> int:
    drafts = _claim(due_for_warning(now), deletion_warned_at=now)
    for draft in drafts:
        deletes_on = day(deletion_day(draft, now))
        queue_mail(
            draft.email, "feedback_draft_deletion_warning",
            f"Your draft practice submission will be deleted on {deletes_on}",
            reason="you started a practice submission for the knowledge workshops programme "
                   "and have not sent it",
            workshop_id=draft.workshop_id, booking_id=draft.booking_id,
            title=draft.title, started=day(draft.created_at),
            last_changed=day(draft.updated_at), deletes_on=deletes_on,
            months=retention.months(),
            link=external_url("feedback.practice", token=draft.token),
            check_url=external_url("feedback.check", token=draft.token))
        audit.record("draft deletion warning sent", "submission", draft.id,
                     workshop_id=draft.workshop_id, actor=retention.ACTOR,
                     deletes_on=clock.london(deletion_day(draft, now)).date().isoformat())
    return len(drafts)


def _count(where: ColumnElement[bool]) -> int:
    return db.session.scalar(select(func.count()).select_from(Submission).where(where)) or 0


def on_retention_due(_sender: Flask, now: datetime, dry_run: bool) -> retention.PluginErasure:
    """Delete the drafts that are due and warn those whose turn is close (in a dry run, count
    them); the core commits, then removes the files."""
    if dry_run:
        due = list(db.session.scalars(select(Submission).where(due_for_deletion(now))))
        return retention.PluginErasure(
            len(due), ONE, MANY, files=[f.stored_name for draft in due for f in draft.files],
            warned=_count(due_for_warning(now)), warning_days=WARNING_DAYS)
    deleted, files = _delete(now)
    return retention.PluginErasure(deleted, ONE, MANY, files=files, warned=_warn(now),
                                   warning_days=WARNING_DAYS)


def connect() -> None:
    signals.retention_due.connect(on_retention_due, weak=False)
