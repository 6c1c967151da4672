"""Every list page makes as many SQL statements for a national programme as for a small one.

The same pages are read with a small data set and again after it has grown about tenfold
(rows inserted directly, in bulk: the point is the page's queries, not how the rows were made).
A page whose statement count grows with its rows has an N+1 query.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, insert
from werkzeug.security import generate_password_hash

from feedback.models import Evaluation, Submission, SubmissionStatus
from tests.conftest import STAFF_PASSWORD, login
from tests.feedback.support import complete_answers
from validation.models import (
    Assignment,
    Case,
    CaseState,
    Level,
    Publication,
    PublicationStatus,
)
from workshops.extensions import db
from workshops.models import (
    REGIONS,
    AuditEntry,
    Booking,
    Role,
    Series,
    Theme,
    User,
    Venue,
    Workshop,
)
from workshops.practice_form import EVALUATION_FORM, Kind

THEME = "safeguarding"
SMALL, BIG = 1, 10  # units of data; each unit adds workshops, bookings, submissions, cases...
CASE_STATES = [CaseState.RECEIVED, CaseState.SCREENING, CaseState.WITH_PANEL,
               CaseState.DECIDED]
_numbers = itertools.count(1)
_PASSWORD_HASH = generate_password_hash(STAFF_PASSWORD)  # once: hashing is slow on purpose


@dataclass
class Programme:
    main_series: Series
    main_workshop: Workshop
    venue: Venue
    theme: Theme
    admin: User


def _evaluation_answers() -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for question in EVALUATION_FORM.questions():
        answers[question.key] = "4" if question.kind == Kind.RATING else "A thoughtful answer."
    return answers


def _starts(days: int) -> datetime:
    return datetime.now(UTC).replace(hour=9, minute=30, second=0, microsecond=0) \
        + timedelta(days=days)


def _workshop(series: Series, venue: Venue, region: str, days: int) -> Workshop:
    workshop = Workshop(series=series, region=region, venue=venue, starts_at=_starts(days),
                        ends_at=_starts(days) + timedelta(hours=6), capacity=500,
                        status="published", programme="9:30 | Registration")
    db.session.add(workshop)
    db.session.flush()
    return workshop


def _bookings(workshop_id: int, n: int) -> list[int]:
    rows = []
    for _ in range(n):
        k = next(_numbers)
        rows.append({"workshop_id": workshop_id, "status": "confirmed", "name": f"Delegate {k}",
                     "email": f"d{k}@example.org", "email_key": f"d{k}@example.org",
                     "organisation": f"Council {k % 30}", "organisation_key": f"council {k % 30}",
                     "region": "north-east", "list_consent": True})
    return list(db.session.scalars(insert(Booking).returning(Booking.id), rows))


def grow(programme: Programme, units: int, start: int) -> None:
    """Add `units` units of a programme's data: every list page gets more rows."""
    regions = list(REGIONS)
    answers, evaluation = complete_answers(), _evaluation_answers()
    for unit in range(start, start + units):
        # More series, each with a workshop (the dashboards); more workshops in the main series.
        series = Series(slug=f"series-{uuid.uuid4().hex[:8]}", theme=programme.theme,
                        title=f"Series {unit}", review_title="Review", description="About.")
        db.session.add(series)
        workshops = [_workshop(series, programme.venue, regions[0], 20 + unit)]
        if unit < len(regions):
            workshops.append(_workshop(programme.main_series, programme.venue, regions[unit],
                                       30 + unit))
        # Delegates: the main workshop's list grows, and every workshop has some.
        booked = _bookings(programme.main_workshop.id, 8)
        for workshop in workshops:
            booked += _bookings(workshop.id, 4)
        db.session.execute(insert(User), [
            {"email": f"staff-{next(_numbers)}@example.org", "name": f"Staff {unit}",
             "role": role, "password_hash": _PASSWORD_HASH}
            for role in (Role.ORGANISER, Role.SCREENER, Role.PANEL_MEMBER)])
        db.session.execute(insert(AuditEntry), [
            {"actor_id": programme.admin.id, "actor_label": programme.admin.email,
             "action": "booked", "entity": "booking", "entity_id": booking_id,
             "workshop_id": programme.main_workshop.id, "details": {"reference": "X"}}
            for booking_id in booked[:10]])
        year = datetime.now(UTC).year
        submission_ids = list(db.session.scalars(insert(Submission).returning(Submission.id), [
            {"token": uuid.uuid4().hex, "reference": f"VLP-{year}-S{next(_numbers):05d}",
             "status": SubmissionStatus.SUBMITTED, "email": f"s{k}@example.org",
             "booking_id": booking_id, "workshop_id": programme.main_workshop.id,
             "answers": answers, "sections_saved": [], "flags": [],
             "submitted_at": _starts(-3)}
            for k, booking_id in enumerate(booked[:4])]))
        db.session.execute(insert(Evaluation), [
            {"booking_id": booking_id, "workshop_id": programme.main_workshop.id,
             "answers": evaluation} for booking_id in booked[4:8]])
        for state, submission_id in zip(CASE_STATES, submission_ids, strict=True):
            case = Case(
                submission_id=submission_id, reference=f"VLP-C{next(_numbers):05d}",
                submitter_email="s@example.org", title=f"Practice {submission_id}",
                theme="Safeguarding", region="london", organisation="Camden Council",
                workshop_id=programme.main_workshop.id, answers=answers,
                submitted_at=_starts(-3), state=state,
                level=Level.VALIDATED if state == CaseState.DECIDED else None)
            db.session.add(case)
            # The admin sits on the panel: the panel page lists their cases, open and earlier.
            if state in (CaseState.WITH_PANEL, CaseState.DECIDED):
                case.assignments.append(Assignment(user_id=programme.admin.id))
        # Published practice, through the ORM so the search index follows as in use.
        for status in (PublicationStatus.PUBLISHED, PublicationStatus.EDITING):
            n = next(_numbers)
            case = Case(submission_id=1_000_000 + n, reference=f"VLP-P{n:05d}",
                        submitter_email="p@example.org", title=f"Published {n}",
                        theme="Safeguarding", region="london", submitted_at=_starts(-60),
                        state=CaseState.DECIDED, level=Level.VALIDATED)
            db.session.add(Publication(
                case=case, status=status, slug=f"practice-{n}", theme_slug=THEME,
                theme_name="Safeguarding", title=f"Published practice {n}", summary="Summary.",
                contact_route="Write to the duty team.", organisation="Camden Council",
                region="london", level=Level.VALIDATED, year=2010,
                published_at=_starts(-30) + timedelta(minutes=n)
                if status == PublicationStatus.PUBLISHED else None))
    db.session.commit()


@pytest.fixture()
def programme(app: Flask) -> Programme:
    theme = Theme(slug=THEME, name="Safeguarding")
    venue = Venue(name="Civic Centre", address="Barras Bridge", town="Newcastle upon Tyne",
                  postcode="NE1 8QH")
    series = Series(slug="highly-resistant-families", theme=theme, title="Highly resistant",
                    review_title="Effective practice", description="Workshops.")
    admin = User(email="admin@example.org", role=Role.ADMIN, name="An admin",
                 password_hash=_PASSWORD_HASH)
    db.session.add_all([theme, venue, series, admin])
    workshop = _workshop(series, venue, "north-east", 10)
    db.session.commit()
    made = Programme(series, workshop, venue, theme, admin)
    grow(made, SMALL, start=1)
    return made


PAGES: dict[str, Callable[[Programme], str]] = {
    "organiser dashboard": lambda p: "/organiser/",
    "series dashboard": lambda p: f"/organiser/series/{p.main_series.id}/dashboard",
    "workshop page with its bookings": lambda p: f"/organiser/workshops/{p.main_workshop.id}",
    "audit log": lambda p: "/organiser/audit",
    "feedback submissions": lambda p: "/feedback/submissions",
    "evaluation results (workshop)":
        lambda p: f"/feedback/workshops/{p.main_workshop.id}/evaluations",
    "evaluation results (series)": lambda p: f"/feedback/series/{p.main_series.id}/evaluations",
    "validation queue": lambda p: "/validation/",
    "panel page": lambda p: "/validation/panel",
    "pipeline": lambda p: "/validation/pipeline",
    "publications list": lambda p: "/validation/publications",
    "practice library theme page": lambda p: f"/practice/{THEME}",
    "public series page": lambda p: f"/series/{p.main_series.slug}",
    "staff list": lambda p: "/admin/staff/",
}


class StatementCounter:
    """Counts the statements sent to the database while it is listening."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *_: Any) -> None:
        self.count += 1


def _statements(client: FlaskClient, path: str) -> int:
    counter = StatementCounter()
    event.listen(db.engine, "before_cursor_execute", counter)
    try:
        response = client.get(path)
    finally:
        event.remove(db.engine, "before_cursor_execute", counter)
    assert response.status_code == 200, (path, response.status_code)
    return counter.count


def _measure(client: FlaskClient, programme: Programme) -> dict[str, int]:
    for make_path in PAGES.values():  # once first: caches and lazy set-up are not the page's
        client.get(make_path(programme))
    db.session.expire_all()
    return {name: _statements(client, make_path(programme))
            for name, make_path in PAGES.items()}


@pytest.fixture()
def admin_client(client: FlaskClient, programme: Programme) -> Iterator[FlaskClient]:
    login(client, programme.admin)  # admins pass every role check: one sign-in, every page
    yield client


def test_list_pages_make_no_more_statements_for_ten_times_the_data(
        admin_client: FlaskClient, programme: Programme) -> None:
    small = _measure(admin_client, programme)
    grow(programme, BIG - SMALL, start=SMALL + 1)
    big = _measure(admin_client, programme)
    grew = {name: (small[name], big[name]) for name in PAGES if big[name] > small[name]}
    assert grew == {}, f"statements (small, 10x) on pages that grew: {grew}"
