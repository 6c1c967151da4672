"""The submitter takes their practice back, from any open state.

    any open state --withdraw--> withdrawn
"""

from __future__ import annotations

from validation import workflow
from validation.models import Case
from validation.requests import REASON, REASON_WORD_LIMIT, clean_text, limit_words
from validation.screening import changing
from workshops.mail import queue_mail
from workshops.urls import external_url


def withdraw(case: Case, reason: str = "") -> Case:
    """The submitter takes their practice back: the case closes wherever it was."""
    reason = clean_text(reason)
    limit_words(reason, REASON_WORD_LIMIT, "Your reason", "reason")
    with changing(case):
        was = case.state_label
        workflow.move(case, "withdraw", actor=case.submitter_email,
                      **({"reason": reason} if reason else {}))
        case.asked_at_stage = None
        queue_mail(
            case.submitter_email, "validation_withdrawn",
            f"You have withdrawn practice submission {case.reference}",
            reason=REASON, workshop_id=case.workshop_id, case=case,
            status_url=external_url("validation.respond", token=case.token),
        )
        screener = case.screener
        if screener is not None and screener.active:
            queue_mail(
                screener.email, "validation_withdrawn_staff",
                f"{case.reference} has been withdrawn",
                reason="you screened this practice submission", workshop_id=case.workshop_id,
                case=case, was=was, withdraw_reason=reason,
                case_url=external_url("validation.case", case_id=case.id),
            )
    return case
