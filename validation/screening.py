"""Screening: staff check a received submission is complete before the expert panel reads it.

    received --start_screening--> screening --pass_to_panel--> with_panel
                                  screening --request_information--> info_requested (requests.py)
                                  screening --close_at_screening--> screened_out

The completeness checklist is generated from the one definition of the practice form, so a
question added there is checked here without a change to this module.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import update

from validation import workflow
from validation.models import Case, CaseState
from validation.workflow import CaseRefused
from workshops.extensions import db
from workshops.mail import queue_mail
from workshops.models import Role, User
from workshops.practice_form import PRACTICE_FORM, Kind, Question, answered
from workshops.practice_form import answer_problem as form_answer_problem
from workshops.urls import external_url
from workshops.validators import word_limit_problem, words

# Longest note a screener can leave for the panel when passing a case on.
NOTE_WORD_LIMIT = 300
# Longest reason a screener gives the submitter for closing a case at screening.
REASON_WORD_LIMIT = 300


def answer_problem(question: Question, value: Any) -> str | None:
    """What is wrong with an answer under the form's own rules (required, word limit), or None.

    The same rule screens a received case and checks a submitter's amendments, so an amended
    answer can never pass a limit the original could not; the limits themselves are the form's
    (`workshops.practice_form.answer_problem`), the same the e-form applies.
    """
    if not answered(question, value):
        if not question.required:
            return None
        if question.kind == Kind.CHECK:
            return f"Declaration not ticked: {question.label}"
        return f"Enter an answer for ‘{question.label}’"
    return form_answer_problem(question, value)


@dataclass(frozen=True)
class CheckItem:
    """One line of the screening checklist."""

    key: str
    section: str
    label: str
    ok: bool
    note: str


def checklist(case: Case) -> list[CheckItem]:
    """Each question of the form: answered if required, within its limit, declarations ticked."""
    items = []
    for section in PRACTICE_FORM.sections:
        for question in section.questions:
            value = (case.answers or {}).get(question.key)
            problem = answer_problem(question, value)
            if problem:
                note = problem
            elif question.kind == Kind.CHECK:
                note = "Ticked"
            elif not answered(question, value):
                note = "Not answered (optional)"
            elif question.word_limit:
                note = f"{words(str(value))} of {question.word_limit} words"
            else:
                note = "Answered"
            items.append(CheckItem(key=question.key, section=section.title,
                                   label=question.label, ok=problem is None, note=note))
    return items


def complete(case: Case) -> bool:
    return all(item.ok for item in checklist(case))


def lock(case: Case) -> Case:
    """Serialise changes to one case and read its state afresh.

    A no-op UPDATE locks the row on PostgreSQL and takes the write lock on SQLite, so two
    screeners pressing the same button at once cannot both move the case: the second reads
    the state the first left and is refused by the table.
    """
    db.session.execute(update(Case).where(Case.id == case.id)
                       .values(state_since=Case.state_since)
                       .execution_options(synchronize_session=False))
    db.session.refresh(case)
    return case


@contextmanager
def changing(case: Case) -> Iterator[Case]:
    """Lock the case, run the change, commit; on any refusal roll back and release the lock."""
    lock(case)
    try:
        yield case
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def _require_screener(user: User) -> None:
    if not user.has_role(Role.SCREENER):
        raise CaseRefused("Only screeners can screen submissions.")


def start_screening(case: Case, screener: User) -> Case:
    """The screener takes the case: it leaves the queue of received cases and is theirs."""
    _require_screener(screener)
    with changing(case):
        workflow.move(case, "start_screening", actor=screener)
        case.screener_id = screener.id
    return case


def pass_to_panel(case: Case, screener: User, *, flags_reviewed: bool = False,
                  note: str = "") -> Case:
    """Complete and checked: the case goes to the expert panel, and the submitter hears so.

    A case with possible identifying information passes only once the screener says they
    have read it: the panel should not be the first to notice a child's name.
    """
    _require_screener(screener)
    note = (note or "").replace("\r\n", "\n").strip()
    with changing(case):
        if case.state == CaseState.SCREENING:
            if not complete(case):
                raise CaseRefused("The submission is not complete. Ask the submitter for more "
                                  "information before you pass it to the panel.")
            if case.flags and not flags_reviewed:
                raise CaseRefused("Confirm you have read the possible identifying information",
                                  field="flags_reviewed")
            if problem := word_limit_problem("Note to the panel", note, NOTE_WORD_LIMIT):
                raise CaseRefused(problem, field="note")
        workflow.move(case, "pass_to_panel", actor=screener, flags=len(case.flags or []),
                      **({"note": note} if note else {}))
        queue_mail(
            case.submitter_email, "validation_with_panel",
            f"Your practice submission {case.reference} is with the expert panel",
            reason="you sent a practice submission to the knowledge workshops programme",
            workshop_id=case.workshop_id, case=case,
            status_url=external_url("validation.respond", token=case.token),
        )
    return case


def close_at_screening(case: Case, screener: User, reason: str) -> Case:
    """Not for the panel (not local practice, out of the programme's scope, sent twice): the
    case closes without a panel, and the submitter is told why, as every submitter hears the
    outcome. Something the submitter could fix is a question for them instead."""
    _require_screener(screener)
    reason = (reason or "").replace("\r\n", "\n").strip()
    with changing(case):
        if case.state == CaseState.SCREENING:
            if not reason:
                raise CaseRefused("Enter why the submission is closed: the submitter reads it",
                                  field="reason")
            if problem := word_limit_problem("The reason", reason, REASON_WORD_LIMIT):
                raise CaseRefused(problem, field="reason")
        workflow.move(case, "close_at_screening", actor=screener)
        case.feedback_to_submitter = reason
        queue_mail(
            case.submitter_email, "validation_closed_at_screening",
            f"Your practice submission {case.reference} will not go to the expert panel",
            reason="you sent a practice submission to the knowledge workshops programme",
            workshop_id=case.workshop_id, case=case, why=reason,
            status_url=external_url("validation.respond", token=case.token),
        )
    return case
