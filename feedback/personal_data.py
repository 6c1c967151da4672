"""What this plugin holds about a person, for an administrator answering their request for a
copy of their data (workshops.personal_data, through `signals.personal_data_requested`)."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from feedback.models import Submission
from workshops import signals
from workshops.extensions import db
from workshops.personal_data import Holding
from workshops.practice_form import PRACTICE_FORM

ON_ERASURE = ("Not erased with the booking details: a sent submission is the programme's record "
              "of the practice it judged, kept as the privacy notice says. Its contact details "
              "are never published.")


def _answer(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return "" if value is None else str(value)


def holding(_sender: Flask, email: str) -> Holding:
    """Every submission made with `email` (already in the form bookings key it), each with
    its answers under their questions' labels."""
    found = db.session.scalars(select(Submission).where(func.lower(Submission.email) == email)
                               .order_by(Submission.created_at, Submission.id))
    records = []
    for submission in found:
        record = {"Reference": submission.reference or "Not sent yet",
                  "Status": submission.status.replace("_", " ").capitalize(),
                  "Started": submission.created_at.strftime("%-d %B %Y"),
                  "Sent": submission.submitted_at.strftime("%-d %B %Y")
                  if submission.submitted_at else "",
                  "Evidence files": ", ".join(f.original_name for f in submission.files)}
        for question in PRACTICE_FORM.questions():
            if question.key in submission.answers:
                record[question.label] = _answer(submission.answers[question.key])
        records.append(record)
    return Holding("Practice submissions", records, on_erasure=ON_ERASURE)


def connect() -> None:
    signals.personal_data_requested.connect(holding, weak=False)
