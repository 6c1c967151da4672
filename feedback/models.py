"""The feedback plugin's tables: practice submissions with their evidence files, the invitations
sent after a workshop, and the evaluations of the day.

Answers are stored as JSON keyed by the practice form's question keys (`workshops.practice_form`),
so the definition, not this schema, says what a submission holds.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workshops import clock
from workshops.extensions import db
from workshops.models import Booking, Workshop
from workshops.models.types import UTCDateTime

REFERENCE_PREFIX = "VLP"


def new_token() -> str:
    return secrets.token_urlsafe(32)


class SubmissionStatus(StrEnum):
    AWAITING_EMAIL = "awaiting_email"  # started from the public site; address not yet confirmed
    DRAFT = "draft"
    SUBMITTED = "submitted"


class Source(StrEnum):
    ONLINE = "online"
    UPLOAD = "upload"  # began as an uploaded fillable PDF


def practice_title(answer: object) -> str:
    """The title a submission goes by: its answer to "title", until then "Untitled practice"."""
    return str(answer or "").strip() or "Untitled practice"


class Submission(db.Model):
    __tablename__ = "feedback_submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The personal link: whoever holds it can edit the draft and read the status.
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    reference: Mapped[str | None] = mapped_column(String(20), unique=True)
    status: Mapped[str] = mapped_column(String(20), default=SubmissionStatus.DRAFT, index=True)
    source: Mapped[str] = mapped_column(String(10), default=Source.ONLINE)
    email: Mapped[str] = mapped_column(String(254))
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id"), index=True)
    workshop_id: Mapped[int | None] = mapped_column(ForeignKey("workshops.id"), index=True)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Section keys the submitter has saved at least once: the task list's "In progress".
    sections_saved: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Likely identifying information found at submission (feedback.identifiers.Flag dicts);
    # they travel with the submission so that screeners see them.
    flags: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    flags_confirmed: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When its submitter was told that the unsent draft is to be deleted (feedback.draft_retention):
    # a draft changed since then (updated_at later) is kept, and may be warned about again.
    deletion_warned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    booking: Mapped[Booking | None] = relationship()
    workshop: Mapped[Workshop | None] = relationship()
    files: Mapped[list[EvidenceFile]] = relationship(
        back_populates="submission", order_by="EvidenceFile.id", cascade="all, delete-orphan")

    @property
    def is_draft(self) -> bool:
        return self.status == SubmissionStatus.DRAFT

    @property
    def title(self) -> str:
        return practice_title(self.answers.get("title"))

    def answer(self, key: str) -> Any:
        return self.answers.get(key)


class EvidenceFile(db.Model):
    """An attachment, stored outside the web root under a random name."""

    __tablename__ = "feedback_evidence_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("feedback_submissions.id"), index=True)
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    original_name: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(40))  # "PDF", "Word document", ...
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    submission: Mapped[Submission] = relationship(back_populates="files")


class Invitation(db.Model):
    """The after-the-workshop email to one delegate, and the personal links it carries."""

    __tablename__ = "feedback_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id"), unique=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id"), index=True)
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    booking: Mapped[Booking] = relationship()
    workshop: Mapped[Workshop] = relationship()


class Evaluation(db.Model):
    """One attendee's evaluation of the day; answers keyed by EVALUATION_FORM's question keys."""

    __tablename__ = "feedback_evaluations"
    __table_args__ = (UniqueConstraint("booking_id", name="uq_feedback_evaluations_booking"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id"))
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id"), index=True)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    booking: Mapped[Booking] = relationship()
