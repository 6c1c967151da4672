"""What this plugin holds about a person, for an administrator answering their request for a
copy of their data (workshops.personal_data, through `signals.personal_data_requested`)."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from feedback.models import Evaluation, Submission
from workshops import signals
from workshops.extensions import db
from workshops.formatting import short_day
from workshops.models import Booking
from workshops.personal_data import Holding
from workshops.practice_form import EVALUATION_FORM, PRACTICE_FORM

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
                  "Started": short_day(submission.created_at),
                  "Sent": short_day(submission.submitted_at) if submission.submitted_at else "",
                  "Evidence files": ", ".join(f.original_name for f in submission.files)}
        for question in PRACTICE_FORM.questions():
            if question.key in submission.answers:
                record[question.label] = _answer(submission.answers[question.key])
        records.append(record)
    return Holding("Practice submissions", records, on_erasure=ON_ERASURE)


def evaluations(_sender: Flask, email: str) -> Holding:
    """The person's evaluations of the days they attended: organisers see them without names,
    but each is kept with its booking, so it is the person's data and theirs to have."""
    found = db.session.scalars(
        select(Evaluation).join(Booking, Evaluation.booking_id == Booking.id)
        .where(Booking.email_key == email).order_by(Evaluation.submitted_at))
    records = []
    for evaluation in found:
        record = {"Workshop": evaluation.booking.workshop.display_title,
                  "Sent": short_day(evaluation.submitted_at)}
        for question in EVALUATION_FORM.questions():
            if question.key in evaluation.answers:
                record[question.label] = _answer(evaluation.answers[question.key])
        records.append(record)
    return Holding("Evaluations of workshops", records,
                   on_erasure="Kept, without the person: erasing the booking leaves the "
                              "answers with no name or address attached.")


def connect() -> None:
    signals.personal_data_requested.connect(holding, weak=False)
    signals.personal_data_requested.connect(evaluations, weak=False)
