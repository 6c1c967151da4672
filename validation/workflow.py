"""The validation workflow: one state table, one function per change, every change audited.

    received --start_screening--> screening --pass_to_panel--> with_panel --decide--> decided
    screening / with_panel --request_information--> info_requested --answer--> (where it asked)
    decided --publish--> published;  decided --close--> not_published
    screening --close_at_screening--> screened_out (not for the panel: spam, out of scope)
    received / screening / info_requested / with_panel --withdraw--> withdrawn

`move()` is the only place a case's state is written. The functions that call it (this module
and `panel.py`) check who may act, write the audit entry, queue mail and send signals, all in
the caller's transaction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from validation.models import Case, CaseState
from workshops import audit, clock
from workshops.extensions import db
from workshops.models import User
from workshops.transitions import next_state

C = CaseState
OPEN = (C.RECEIVED, C.SCREENING, C.INFO_REQUESTED, C.WITH_PANEL)
TRANSITIONS: dict[str, dict[str | None, str]] = {
    "receive": {None: C.RECEIVED},
    "start_screening": {C.RECEIVED: C.SCREENING},
    "request_information": {C.SCREENING: C.INFO_REQUESTED, C.WITH_PANEL: C.INFO_REQUESTED},
    # The answer returns the case to the stage that asked; two actions keep the table explicit.
    "answer_to_screening": {C.INFO_REQUESTED: C.SCREENING},
    "answer_to_panel": {C.INFO_REQUESTED: C.WITH_PANEL},
    "pass_to_panel": {C.SCREENING: C.WITH_PANEL},
    "decide": {C.WITH_PANEL: C.DECIDED},
    "publish": {C.DECIDED: C.PUBLISHED},
    "close": {C.DECIDED: C.NOT_PUBLISHED},
    "close_at_screening": {C.SCREENING: C.CLOSED_AT_SCREENING},
    "withdraw": {state: C.WITHDRAWN for state in OPEN},
}


# The audit log's reading of each step (stored under the step's name, spaced): what happened.
AUDIT_LABELS = {
    "start screening": "Screening started",
    "request information": "More information requested",
    "answer to screening": "Questions answered, back to screening",
    "answer to panel": "Questions answered, back to the panel",
    "pass to panel": "Passed to the panel",
    "decide": "Decided",
    "publish": "Published",
    "unpublish": "Taken out of the library",
    "close": "Closed, not published",
    "close at screening": "Closed at screening",
    "withdraw": "Withdrawn",
}


class CaseRefused(Exception):
    """A change the rules refuse; `message` is for the person acting, `field` where to show it."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def move(case: Case, action: str, *, actor: User | str | None, **details: Any) -> str:
    """Apply `action` to the case if the table allows it (TransitionNotAllowed otherwise)."""
    before = case.state
    case.state = next_state(TRANSITIONS, action, before)
    case.state_since = clock.now()
    audit.record(action.replace("_", " "), "validation_case", case.id,
                 workshop_id=case.workshop_id, actor=actor, reference=case.reference,
                 before=before, after=case.state, **details)
    return case.state


def receive(submission: Any, evidence: list[dict] | None = None, **_: Any) -> Case | None:
    """The `submission_received` receiver: open a case with a copy of what was submitted.

    `submission` is whatever the sender sent (the feedback plugin's Submission); only plain
    attributes are read, so this plugin needs nothing of feedback's. Receiving the same
    submission twice opens one case.
    """
    existing = db.session.scalar(select(Case).where(Case.submission_id == submission.id))
    if existing is not None:
        return existing
    answers = dict(submission.answers or {})
    workshop = getattr(submission, "workshop", None)
    theme = str(answers.get("theme") or "")
    if workshop is not None and not theme:
        theme = workshop.series.theme.name
    case = Case(
        submission_id=submission.id, reference=submission.reference,
        submitter_email=submission.email, title=str(answers.get("title") or "Untitled")[:300],
        theme=theme[:200], region=str(answers.get("region") or "")[:40],
        organisation=str(answers.get("organisation") or "")[:300],
        local_authority=str(answers.get("local_authority") or "")[:200],
        workshop_id=submission.workshop_id, answers=answers, flags=list(submission.flags or []),
        evidence=list(evidence or []), submitted_at=submission.submitted_at or clock.now(),
        state=next_state(TRANSITIONS, "receive", None),
    )
    db.session.add(case)
    db.session.flush()
    audit.record("received", "validation_case", case.id, workshop_id=case.workshop_id,
                 actor="system", reference=case.reference)
    return case
