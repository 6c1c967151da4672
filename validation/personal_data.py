"""What validation holds about a person, for an administrator answering their request for a
copy of their data (workshops.personal_data, through `signals.personal_data_requested`).

A case carries what the submitter was told and asked: the decision and its feedback, the
questions put to them and their answers. The practice itself is in the feedback plugin's
holding; this is what happened to it. Cases are not erased on request: like the submission,
a case is the programme's record of the practice it judged.
"""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from validation.models import LEVEL_LABELS, SUBMITTER_STATUS, Case, CaseState, Level
from workshops import signals
from workshops.extensions import db
from workshops.formatting import short_day
from workshops.personal_data import Holding

ON_ERASURE = ("Kept: the case is the programme's record of the practice it judged, as the "
              "privacy notice says. Its contact details are never published.")


def holding(_sender: Flask, email: str) -> Holding:
    """Each case of a submission made with `email` (already in the form bookings key it)."""
    cases = db.session.scalars(
        select(Case).where(func.lower(Case.submitter_email) == email)
        .options(selectinload(Case.requests)).order_by(Case.received_at, Case.id)).all()
    records = []
    for case in cases:
        record = {"Reference": case.reference, "Title": case.title,
                  "Status": SUBMITTER_STATUS[CaseState(case.state)][0],
                  "Received": short_day(case.received_at)}
        if case.decided_at:
            record["Decided"] = short_day(case.decided_at)
            record["Level"] = LEVEL_LABELS[Level(case.level)] if case.level else ""
            record["Feedback sent to you"] = case.feedback_to_submitter
        for n, asked in enumerate(case.requests, start=1):
            record[f"Questions asked ({n}), {short_day(asked.asked_at)}"] = asked.questions
            record[f"Your answer ({n})"] = asked.answer or "Not answered"
        records.append(record)
    return Holding("Validation of practice submissions", records, on_erasure=ON_ERASURE)


def connect() -> None:
    signals.personal_data_requested.connect(holding, weak=False)
