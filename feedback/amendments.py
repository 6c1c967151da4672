"""A sent submission's answers, changed later: its submitter amended them when validation asked
for more information (`signals.submission_amended`).

The submission takes the new text and its flags as they now stand, so that this plugin's pages
and its exports (which go outside the service) never go on showing text that the submitter was
asked to take out. What the answers said before stays with validation's request, for the
screeners who asked; here only an audit entry records which answers changed, and when.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from feedback.models import Submission
from workshops import audit, clock, signals
from workshops.extensions import db
from workshops.models import AuditEntry

AMENDED = "amended when asked for more information"


def take_amendments(submission_id: int, *, answers: dict[str, Any],
                    flags: list[dict[str, Any]]) -> None:
    submission = db.session.get(Submission, submission_id)
    if submission is None:
        return
    # New objects: JSON columns notice reassignment, not changes made in place.
    submission.answers = {**submission.answers, **answers}
    submission.flags = list(flags)
    submission.updated_at = clock.now()
    audit.record(AMENDED, "submission", submission.id, workshop_id=submission.workshop_id,
                 actor="submitter", reference=submission.reference, fields=sorted(answers))


def amendments_of(submission: Submission) -> list[tuple[Any, list[str]]]:
    """When the submission's answers were changed since it was sent, and which (their keys)."""
    return [(entry.at, list((entry.details or {}).get("fields") or []))
            for entry in db.session.scalars(
                select(AuditEntry).where(AuditEntry.entity == "submission",
                                         AuditEntry.entity_id == submission.id,
                                         AuditEntry.action == AMENDED)
                .order_by(AuditEntry.at, AuditEntry.id))]


def _on_amended(submission_id: int, **changes: Any) -> None:
    take_amendments(submission_id, **changes)


def connect() -> None:
    signals.submission_amended.connect(_on_amended, weak=False)
