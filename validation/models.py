"""The validation plugin's tables.

A `Case` is validation's own record of one practice submission, made when `submission_received`
arrives. It copies what it needs (answers, flags, evidence links) instead of reading the feedback
plugin's tables: plugins talk through signals, and the panel must judge a fixed text that only
the submitter's answers to its questions change.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workshops import clock
from workshops.extensions import db
from workshops.models import User
from workshops.models.types import UTCDateTime


def new_token() -> str:
    return secrets.token_urlsafe(32)


class CaseState(StrEnum):
    RECEIVED = "received"
    SCREENING = "screening"
    INFO_REQUESTED = "info_requested"  # waiting for the submitter; returns to `asked_at_stage`
    WITH_PANEL = "with_panel"
    DECIDED = "decided"
    PUBLISHED = "published"
    NOT_PUBLISHED = "not_published"
    CLOSED_AT_SCREENING = "screened_out"  # not practice for the panel: spam, out of scope, a copy
    WITHDRAWN = "withdrawn"


STATE_LABELS = {
    CaseState.RECEIVED: "Received",
    CaseState.SCREENING: "Screening",
    CaseState.INFO_REQUESTED: "More information requested",
    CaseState.WITH_PANEL: "With the panel",
    CaseState.DECIDED: "Decided",
    CaseState.PUBLISHED: "Published",
    CaseState.NOT_PUBLISHED: "Not published",
    CaseState.CLOSED_AT_SCREENING: "Closed at screening",
    CaseState.WITHDRAWN: "Withdrawn",
}


# What the submitter reads about each state: (tag, tag colour, what it means for them).
SUBMITTER_STATUS = {
    CaseState.RECEIVED: (
        "Received", "govuk-tag--blue",
        "We have your submission. We will check it is complete, then a panel of sector experts "
        "will read it."),
    CaseState.SCREENING: (
        "Being checked", "govuk-tag--blue",
        "We are checking your submission is complete. Next, a panel of sector experts reads "
        "it."),
    CaseState.INFO_REQUESTED: (
        "Waiting for your answer", "govuk-tag--orange",
        "We have asked you some questions. Your submission waits until you answer them."),
    CaseState.WITH_PANEL: (
        "With the expert panel", "govuk-tag--purple",
        "A panel of sector experts is reading your submission. It asks three questions: is "
        "there enough information to understand the practice, how strong is the evidence that "
        "outcomes improved, and could another area do the same? It may ask you for more "
        "information."),
    CaseState.DECIDED: (
        "Decided", "govuk-tag--green",
        "The panel has reached its decision. We will email you the outcome with the panel's "
        "feedback."),
    CaseState.PUBLISHED: (
        "Published", "govuk-tag--green",
        "Your practice is published on the theme's web pages, and feeds into the knowledge "
        "reviews. Thank you for sharing it."),
    CaseState.NOT_PUBLISHED: (
        "Not published", "govuk-tag--grey",
        "The panel's decision means the practice will not be published this time. Its feedback "
        "says what would strengthen a future submission."),
    CaseState.CLOSED_AT_SCREENING: (
        "Closed", "govuk-tag--grey",
        "We checked your submission before the expert panel reads it, and it will not go to "
        "the panel. We emailed you why; the reason is below."),
    CaseState.WITHDRAWN: (
        "Withdrawn", "govuk-tag--grey",
        "You withdrew this submission. The panel will not consider it and it will not be "
        "published."),
}


class Level(StrEnum):
    VALIDATED = "validated"
    PROMISING = "promising"
    EMERGING = "emerging"
    NOT_VALIDATED = "not_validated"


LEVEL_LABELS = {
    Level.VALIDATED: "Validated",
    Level.PROMISING: "Promising",
    Level.EMERGING: "Emerging",
    Level.NOT_VALIDATED: "Not validated",
}


class Criterion(StrEnum):
    ADEQUACY = "adequacy"
    EVIDENCE = "evidence"
    TRANSFERABILITY = "transferability"


CRITERION_LABELS = {
    Criterion.ADEQUACY: "Adequacy of information",
    Criterion.EVIDENCE: "Strength of evidence of improved outcomes",
    Criterion.TRANSFERABILITY: "Transferability",
}


class Case(db.Model):
    __tablename__ = "validation_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(unique=True)  # the feedback plugin's id
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    state: Mapped[str] = mapped_column(String(20), default=CaseState.RECEIVED, index=True)
    # Where a request for more information was made, so the answer returns there.
    asked_at_stage: Mapped[str | None] = mapped_column(String(20))
    # The submitter's personal link: answering questions, approving the wording, withdrawing.
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    submitter_email: Mapped[str] = mapped_column(String(254))
    title: Mapped[str] = mapped_column(String(300))
    theme: Mapped[str] = mapped_column(String(200), default="")
    region: Mapped[str] = mapped_column(String(40), default="")
    organisation: Mapped[str] = mapped_column(String(300), default="")
    local_authority: Mapped[str] = mapped_column(String(200), default="")
    workshop_id: Mapped[int | None] = mapped_column(ForeignKey("workshops.id"))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    flags: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # [{"name", "kind", "size", "url"}]: links the feedback plugin serves to validation staff.
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # When the case entered its present state: the pipeline's days-in-stage.
    state_since: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    screener_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    level: Mapped[str | None] = mapped_column(String(20))
    decision_rationale: Mapped[str] = mapped_column(Text, default="")
    feedback_to_submitter: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    publish_promising: Mapped[bool] = mapped_column(default=False)

    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="case", order_by="Assignment.id", cascade="all, delete-orphan")
    requests: Mapped[list[InfoRequest]] = relationship(
        back_populates="case", order_by="InfoRequest.id", cascade="all, delete-orphan")
    files: Mapped[list[CaseFile]] = relationship(
        back_populates="case", order_by="CaseFile.id", cascade="all, delete-orphan")
    screener: Mapped[User | None] = relationship(foreign_keys=[screener_id])

    @property
    def state_label(self) -> str:
        return STATE_LABELS.get(self.state, self.state)

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS.get(self.level, "") if self.level else ""

    @property
    def open_request(self) -> InfoRequest | None:
        return next((r for r in reversed(self.requests) if r.answered_at is None), None)


class Assignment(db.Model):
    """A panel member's place on a case, and their scores once they submit them."""

    __tablename__ = "validation_assignments"
    __table_args__ = (UniqueConstraint("case_id", "user_id", name="uq_validation_assignment"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("validation_cases.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Scores 0-3 per criterion; None until the member submits.
    adequacy: Mapped[int | None] = mapped_column()
    evidence: Mapped[int | None] = mapped_column()
    transferability: Mapped[int | None] = mapped_column()
    rationale: Mapped[str] = mapped_column(Text, default="")
    recommended_level: Mapped[str | None] = mapped_column(String(20))
    scored_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship(back_populates="assignments")
    user: Mapped[User] = relationship(foreign_keys=[user_id])

    @property
    def scored(self) -> bool:
        return self.scored_at is not None

    @property
    def draft_saved(self) -> bool:
        """Scores or a rationale saved to come back to, not yet submitted."""
        return not self.scored and bool(
            self.rationale or self.recommended_level
            or any(v is not None for v in (self.adequacy, self.evidence, self.transferability)))

    def score(self, criterion: str) -> int | None:
        return getattr(self, str(criterion))


class InfoRequest(db.Model):
    """Questions to the submitter and their answer: one turn of the case's history thread."""

    __tablename__ = "validation_info_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("validation_cases.id"), index=True)
    stage: Mapped[str] = mapped_column(String(20))  # screening or with_panel
    asked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    questions: Mapped[str] = mapped_column(Text)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answer: Mapped[str] = mapped_column(Text, default="")
    # {question key: (old, new)} for sections the submitter amended in answering.
    amendments: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # What the identifying-information scan found in the amended answers and the case does not
    # hold yet (workshops.identifiers.Flag dicts, each with "confirmed": whether the submitter
    # confirmed it identifies nobody). They join the case's flags when the answer is sent.
    flags: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship(back_populates="requests")
    asked_by: Mapped[User | None] = relationship(foreign_keys=[asked_by_id])


class CaseFile(db.Model):
    """Evidence the submitter added while answering a request (stored like feedback's)."""

    __tablename__ = "validation_case_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("validation_cases.id"), index=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("validation_info_requests.id"))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    original_name: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column()
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    case: Mapped[Case] = relationship(back_populates="files")


class PanelProfile(db.Model):
    """A panel member's declared interests: the suite refuses to assign them where they clash."""

    __tablename__ = "validation_panel_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    organisation: Mapped[str] = mapped_column(String(300), default="")
    # Local authorities the member works with or for, one per entry.
    local_authorities: Mapped[list[str]] = mapped_column(JSON, default=list)
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    user: Mapped[User] = relationship()


class RubricDescriptor(db.Model):
    """What each score (0-3) means for each criterion; admins edit the wording."""

    __tablename__ = "validation_rubric"
    __table_args__ = (UniqueConstraint("criterion", "score", name="uq_validation_rubric"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    criterion: Mapped[str] = mapped_column(String(20))
    score: Mapped[int] = mapped_column()
    descriptor: Mapped[str] = mapped_column(Text)


class PublicationStatus(StrEnum):
    EDITING = "editing"  # staff copy-edit the public text and redact identifying detail
    AWAITING_APPROVAL = "awaiting_approval"  # the submitter reads the final wording
    PUBLISHED = "published"


class Publication(db.Model):
    """The public text of a practice example: only rows PUBLISHED are ever shown to the public."""

    __tablename__ = "validation_publications"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("validation_cases.id"), unique=True)
    status: Mapped[str] = mapped_column(String(20), default=PublicationStatus.EDITING, index=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    theme_slug: Mapped[str] = mapped_column(String(80), index=True)
    theme_name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    what_you_did: Mapped[str] = mapped_column(Text, default="")
    impact: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[str] = mapped_column(Text, default="")
    transferability: Mapped[str] = mapped_column(Text, default="")
    # How readers reach the team: an organisation's address, not a person's, unless consented.
    contact_route: Mapped[str] = mapped_column(Text, default="")
    organisation: Mapped[str] = mapped_column(String(300), default="")
    region: Mapped[str] = mapped_column(String(40), default="", index=True)
    level: Mapped[str] = mapped_column(String(20), index=True)
    topic: Mapped[str] = mapped_column(String(120), default="", index=True)
    year: Mapped[int] = mapped_column(index=True)
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    sent_for_approval_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    case: Mapped[Case] = relationship()
