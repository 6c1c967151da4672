"""Shared makings for the validation tests: cases made the real way, staff of every role.

A case is never built by hand: a delegate's practice submission is sent through the feedback
plugin, whose `submission_received` signal makes validation open the case, exactly as in use.
"""

from __future__ import annotations

import itertools
from typing import Any

from feedback import submissions
from tests.conftest import STAFF_PASSWORD, login, make_staff, make_workshop
from tests.feedback.support import attended, complete_answers
from validation import requests, screening, withdrawal
from validation.models import Case, CaseState
from workshops.extensions import db
from workshops.models import Role, User, Workshop
from workshops.practice_form import PRACTICE_FORM

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

# A sentence the identifying-information scanner flags (a titled name), for cases with flags.
FLAGGED_TEXT = ("Weekly clinics with Mrs Patel, the health visitor, and social workers built a "
                "shared chronology for every family open to neglect services.")

_numbers = itertools.count(1)

__all__ = ["PDF", "PNG", "FLAGGED_TEXT", "STAFF_PASSWORD", "received_case", "case_in", "staff",
           "sign_in", "every_role"]


def received_case(*, workshop: Workshop | None = None, files: int = 0, flagged: bool = False,
                  email: str | None = None, **answers: Any) -> Case:
    """A delegate books, writes and sends a practice submission; returns the case it opened.

    `files` PDFs are attached to the submission first (needs EVIDENCE_FOLDER, which the
    feedback plugin sets up); `flagged` puts a titled name in 'What you did'; keyword answers
    override the complete, valid ones.
    """
    n = next(_numbers)
    workshop = workshop or make_workshop()
    booking = attended(workshop, n, email=email or f"submitter{n}@example.org",
                       name=f"Submitter Number{n}")
    values = complete_answers(**answers)
    if flagged:
        values["what_you_did"] = FLAGGED_TEXT
    draft = submissions.draft_for_booking(booking)
    for section in PRACTICE_FORM.sections:
        submissions.save_section(draft, section.key,
                                 {q.key: values.get(q.key) for q in section.questions})
    for i in range(files):
        submissions.add_evidence(draft, f"evidence-{i + 1}.pdf", PDF)
    sent = submissions.submit(draft, flags_confirmed=True)
    case = db.session.scalar(db.select(Case).where(Case.submission_id == sent.id))
    assert case is not None, "validation did not receive the submission"
    return case


def staff(role: Role | str, name: str | None = None) -> User:
    """A signed-up member of staff with `role`; several of a role get distinct addresses."""
    n = next(_numbers)
    return make_staff(role, email=f"{name or str(role)}-{n}@example.org")


def every_role() -> dict[str, User]:
    """One member of staff for each role, keyed by role value."""
    return {str(role): staff(role) for role in Role}


def sign_in(client, role: Role | str | User) -> User:  # noqa: ANN001
    """Sign `client` in as a new member of staff with `role` (or as the given user)."""
    user = role if isinstance(role, User) else staff(role)
    login(client, user)
    return user


def case_in(state: CaseState | str, *, stage: CaseState | str = CaseState.SCREENING,
            screener: User | None = None, chair: User | None = None, **kwargs: Any) -> Case:
    """A case carried to `state` through the domain functions, as staff would carry it.

    For INFO_REQUESTED, `stage` says who asked: SCREENING (a screener) or WITH_PANEL (the
    chair). DECIDED and beyond are the panel's to reach; use the panel's own helpers.
    """
    case = received_case(**kwargs)
    state = CaseState(state)
    if state == CaseState.RECEIVED:
        return case
    screener = screener or staff(Role.SCREENER)
    screening.start_screening(case, screener)
    if state == CaseState.SCREENING:
        return case
    if state == CaseState.WITHDRAWN:
        return withdrawal.withdraw(case)
    if state == CaseState.INFO_REQUESTED and CaseState(stage) == CaseState.SCREENING:
        requests.request_information(case, screener, "Please say how many families took part.")
        return case
    screening.pass_to_panel(case, screener, flags_reviewed=True)
    if state == CaseState.WITH_PANEL:
        return case
    if state == CaseState.INFO_REQUESTED:
        requests.request_information(case, chair or staff(Role.PANEL_CHAIR),
                                     "What did it cost to run for a year?")
        return case
    raise ValueError(f"case_in cannot reach {state}: the panel's helpers carry cases further")
