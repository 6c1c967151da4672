"""The evaluation of the day: recording one attendee's answers, and what organisers read of them.

Everything is driven by `EVALUATION_FORM`: the questions checked, stored, counted and exported
are the definition's, in its order. Evaluations are anonymous to organisers: the row keeps its
booking (so that each attendee evaluates once), but nothing here hands a name or an address on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from feedback.models import Evaluation, Invitation
from workshops import audit, clock
from workshops.extensions import db
from workshops.models import Booking, BookingStatus, Workshop
from workshops.practice_form import EVALUATION_FORM, Kind, Question
from workshops.validators import word_limit_problem

ALREADY_SENT = ("You have already sent your evaluation of this workshop. Each delegate can send "
                "one, and it cannot be changed.")

RATINGS: tuple[Question, ...] = tuple(q for q in EVALUATION_FORM.questions()
                                      if q.kind == Kind.RATING)
WRITTEN: tuple[Question, ...] = tuple(q for q in EVALUATION_FORM.questions()
                                      if q.kind != Kind.RATING)


class EvaluationRefused(Exception):
    """The attendee may not send (another) evaluation; `message` is for them."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class EvaluationInvalid(Exception):
    """Answers the definition does not allow: a message for each question key."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors


# --- recording ---------------------------------------------------------------------------------

def _lower_first(label: str) -> str:
    return label[:1].lower() + label[1:]


def _scale_words(question: Question) -> str:
    (low, low_label), (high, high_label) = question.options[0], question.options[-1]
    return f"{low} ({_lower_first(low_label)}) to {high} ({_lower_first(high_label)})"


def _check(question: Question, value: Any) -> tuple[Any, str | None]:
    """The answer as stored, and the message if the definition does not allow it."""
    if question.kind == Kind.RATING:
        text = str(value if value is not None else "").strip()
        if not text:
            return None, (f"Select a rating for {_lower_first(question.label)}"
                          if question.required else None)
        if text not in dict(question.options):
            return None, (f"Select a rating from {_scale_words(question)} for "
                          f"{_lower_first(question.label)}")
        # A number, not the option's text: means and spreadsheets want numbers.
        return int(text), None
    # Normalised line endings, so the count here agrees with the count the page showed.
    text = str(value or "").replace("\r\n", "\n").strip()
    if not text:
        return "", (f"Enter your answer to ‘{question.label}’" if question.required else None)
    if question.kind == Kind.CHOICE and text not in dict(question.options):
        return None, f"Select an answer to ‘{question.label}’ from the list"
    if question.word_limit and (problem := word_limit_problem(
            f"Your answer to ‘{question.label}’", text, question.word_limit)):
        return text, problem
    return text, None


def check_answers(answers: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """(the answers as they would be stored, a message for each answer not allowed).

    Only the definition's keys are kept: anything else sent with the form is dropped.
    """
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for question in EVALUATION_FORM.questions():
        value, message = _check(question, answers.get(question.key))
        cleaned[question.key] = value
        if message:
            errors[question.key] = message
    return cleaned, errors


def _existing(booking_id: int) -> Evaluation | None:
    return db.session.scalar(select(Evaluation).where(Evaluation.booking_id == booking_id))


def evaluation_for(invitation: Invitation) -> Evaluation | None:
    """The evaluation this invitation's holder has sent, if any."""
    return _existing(invitation.booking_id)


def record_evaluation(invitation: Invitation, answers: Mapping[str, Any]) -> Evaluation:
    """Store the attendee's one evaluation of the day.

    Raises EvaluationRefused if they have already sent one (also when two copies of the form
    arrive at once: the database's unique constraint decides, and the loser is refused), and
    EvaluationInvalid, storing nothing, if any answer breaks the definition's rules.
    """
    if _existing(invitation.booking_id) is not None:
        raise EvaluationRefused(ALREADY_SENT)
    cleaned, errors = check_answers(answers)
    if errors:
        raise EvaluationInvalid(errors)
    evaluation = Evaluation(booking_id=invitation.booking_id,
                            workshop_id=invitation.workshop_id, answers=cleaned,
                            submitted_at=clock.now())
    db.session.add(evaluation)
    try:
        db.session.flush()
    except IntegrityError as error:
        db.session.rollback()
        if _existing(invitation.booking_id) is not None:
            raise EvaluationRefused(ALREADY_SENT) from error
        raise
    # "delegate", not their address: organisers read the audit log, and evaluations are
    # anonymous to them.
    audit.record("evaluation sent", "evaluation", evaluation.id,
                 workshop_id=invitation.workshop_id, actor="delegate")
    db.session.commit()
    return evaluation


# --- results -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class RatingSummary:
    """How one rating question was answered: the count for each point of its scale."""

    question: Question
    counts: tuple[int, ...]  # in the scale's order, lowest first

    @property
    def answered(self) -> int:
        return sum(self.counts)

    @property
    def mean(self) -> float | None:
        if not self.answered:
            return None
        values = [int(value) for value, _ in self.question.options]
        return sum(v * n for v, n in zip(values, self.counts, strict=True)) / self.answered

    @property
    def rows(self) -> list[tuple[str, float]]:
        """(label, count) for a chart or a table: ('5 – Excellent', 12)."""
        return [(f"{value} – {label}", count)
                for (value, label), count in zip(self.question.options, self.counts,
                                                 strict=True)]

    @property
    def maximum(self) -> float:
        return float(int(self.question.options[-1][0]))


@dataclass(frozen=True)
class Comment:
    workshop_id: int
    text: str


@dataclass(frozen=True)
class CommentsSummary:
    question: Question
    comments: list[Comment]


@dataclass
class Responses:
    """How many answered, out of how many were asked."""

    evaluations: int = 0
    invited: int = 0
    attendees: int = 0

    @property
    def asked(self) -> int:
        # Invitations when they were sent; before the plugin was enabled there are none, and
        # the attendees are the people who could have answered.
        return self.invited or self.attendees

    @property
    def rate(self) -> float | None:
        return self.evaluations / self.asked if self.asked else None


@dataclass(frozen=True)
class Overall:
    """Responses across several workshops: each was asked by its own base (see `asked`)."""

    evaluations: int
    asked: int

    @property
    def rate(self) -> float | None:
        return self.evaluations / self.asked if self.asked else None


@dataclass
class Results:
    responses: Overall
    by_workshop: dict[int, Responses]
    ratings: list[RatingSummary]
    comments: list[CommentsSummary]

    @property
    def any(self) -> bool:
        return self.responses.evaluations > 0


def _attendees_by_workshop(workshop_ids: Sequence[int]) -> dict[int, int]:
    """Attendees per workshop, by the rule of `workshops.attendance.attendees` (the checked-in
    delegates, or if no one was checked in the confirmed ones not marked as no-shows), counted
    for every workshop in one query rather than one query each."""
    arrived = Booking.checked_in_at.is_not(None)
    not_missed = Booking.no_show_at.is_(None)
    rows = db.session.execute(
        select(Booking.workshop_id, func.count(Booking.id).filter(arrived),
               func.count(Booking.id).filter(not_missed))
        .where(Booking.workshop_id.in_(workshop_ids), Booking.status == BookingStatus.CONFIRMED)
        .group_by(Booking.workshop_id))
    return {workshop_id: int(checked_in or 0) or int(came or 0)
            for workshop_id, checked_in, came in rows}


def results(workshop_ids: Sequence[int]) -> Results:
    """What the evaluations of these workshops say, in three queries however many there are."""
    ids = list(workshop_ids)
    by_workshop = {workshop_id: Responses() for workshop_id in ids}
    counts = {q.key: [0] * len(q.options) for q in RATINGS}
    positions = {q.key: {value: n for n, (value, _) in enumerate(q.options)} for q in RATINGS}
    comments: dict[str, list[Comment]] = {q.key: [] for q in WRITTEN}
    if ids:
        rows = db.session.execute(
            select(Evaluation.workshop_id, Evaluation.answers)
            .where(Evaluation.workshop_id.in_(ids)).order_by(Evaluation.id))
        for workshop_id, answers in rows:
            by_workshop[workshop_id].evaluations += 1
            for question in RATINGS:
                position = positions[question.key].get(str(answers.get(question.key)))
                if position is not None:
                    counts[question.key][position] += 1
            for question in WRITTEN:
                if text := str(answers.get(question.key) or "").strip():
                    comments[question.key].append(Comment(workshop_id, text))
        for workshop_id, invited in db.session.execute(
                select(Invitation.workshop_id, func.count(Invitation.id))
                .where(Invitation.workshop_id.in_(ids)).group_by(Invitation.workshop_id)):
            by_workshop[workshop_id].invited = int(invited)
        for workshop_id, attendees in _attendees_by_workshop(ids).items():
            by_workshop[workshop_id].attendees = attendees
    return Results(
        responses=Overall(evaluations=sum(r.evaluations for r in by_workshop.values()),
                          asked=sum(r.asked for r in by_workshop.values())),
        by_workshop=by_workshop,
        ratings=[RatingSummary(q, tuple(counts[q.key])) for q in RATINGS],
        comments=[CommentsSummary(q, comments[q.key]) for q in WRITTEN],
    )


# --- exports -----------------------------------------------------------------------------------

def export_headers() -> list[str]:
    return ["Workshop", "Region", "Date", *(q.label for q in EVALUATION_FORM.questions())]


def export_rows(workshop_ids: Sequence[int]) -> list[list[object]]:
    """One row per evaluation, in one query: which workshop, then each answer. Nothing that
    names the delegate: not the booking, nor the time it was sent."""
    ids = list(workshop_ids)
    if not ids:
        return []
    found = db.session.execute(
        select(Evaluation.answers, Workshop).join(Workshop, Workshop.id == Evaluation.workshop_id)
        .options(joinedload(Workshop.series))
        .where(Evaluation.workshop_id.in_(ids))
        .order_by(Workshop.starts_at, Workshop.id, Evaluation.id))
    rows: list[list[object]] = []
    for answers, workshop in found:
        day: date = clock.london(workshop.starts_at).date()
        rows.append([workshop.display_title, workshop.region_name, day,
                     *(answers.get(q.key) for q in EVALUATION_FORM.questions())])
    return rows
