"""Shared makings for the feedback tests: attended bookings, invitations, complete answers."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import Any

from pypdf import PdfReader, PdfWriter

from feedback.models import Invitation
from workshops import booking, scheduling
from workshops.extensions import db
from workshops.models import Booking, Workshop
from workshops.practice_form import PRACTICE_FORM, Kind


def attended(workshop: Workshop, n: int, **details) -> Booking:
    values = dict(name=f"Delegate Number{n}", email=f"d{n}@example.org",
                  organisation=f"Council {n}", job_title="Team manager")
    values.update(details)
    return booking.book(workshop.id, booking.Delegate(**values))


def into_the_past(workshop: Workshop) -> None:
    """Move the workshop (booked while in the future) to two days ago."""
    starts = datetime.now(UTC).replace(hour=9, minute=30, second=0, microsecond=0) \
        - timedelta(days=2)
    workshop = db.session.get(Workshop, workshop.id)
    workshop.starts_at, workshop.ends_at = starts, starts + timedelta(hours=6)
    db.session.commit()


def finish(workshop: Workshop) -> list[Invitation]:
    """Move the workshop (booked while in the future) into the past, and finish it."""
    into_the_past(workshop)
    scheduling.finish_workshop(workshop.id)
    db.session.expire_all()
    return list(db.session.scalars(
        db.select(Invitation).where(Invitation.workshop_id == workshop.id)
        .order_by(Invitation.id)))


def complete_answers(**overrides: Any) -> dict[str, Any]:
    """A whole, valid submission: every question answered within its limit."""
    answers: dict[str, Any] = {}
    for question in PRACTICE_FORM.questions():
        if question.kind == Kind.CHECK:
            answers[question.key] = True
        elif question.kind == Kind.CHOICE:
            answers[question.key] = question.options[0][0]
        elif question.kind == Kind.EMAIL:
            answers[question.key] = "lead@example.gov.uk"
        elif question.input_type == "tel":
            answers[question.key] = "0113 496 0000"
        elif question.kind == Kind.LONG:
            answers[question.key] = (f"{question.label}: weekly multi-agency meetings reviewed "
                                     "every open case with the family's consent.")
        else:
            answers[question.key] = f"{question.label} answer"
    answers["title"] = "Chronology clinic for neglect cases"
    answers.update(overrides)
    return answers


def section_post(section_key: str, answers: dict[str, Any]) -> dict[str, Any]:
    section = next(s for s in PRACTICE_FORM.sections if s.key == section_key)
    data: dict[str, Any] = {}
    for q in section.questions:
        value = answers.get(q.key)
        if q.kind == Kind.CHECK:
            if value:
                data[q.key] = "y"
        elif value is not None:
            data[q.key] = value
    return data


def fill_pdf(data: bytes, answers: dict[str, Any]) -> bytes:
    """Fill the fillable form as a PDF viewer would, with pypdf."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    values = {key: ("/on" if value is True else value) for key, value in answers.items()
              if value is not False}
    for page in writer.pages:
        writer.update_page_form_field_values(page, values, auto_regenerate=False)
    writer.set_need_appearances_writer(True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
