"""Do the public pages stay quick with a national programme's data?

`make load` (with the booking rush) or `python -m bench.national`. Two scratch SQLite databases
are built with the real migrations and filled with bulk inserts (SQLAlchemy Core):

  national: 1,000 workshops, 100,000 bookings, 5,000 practice submissions, validation cases for
            60% of them and published practice for 10%;
  demo:     the demo's size (8 workshops, 500 bookings, 40 submissions).

Each public page is timed with the Flask test client on the national data (several
repetitions, the median) and compared with the organiser's workshop page on demo-sized data,
a page people already find quick enough. Target: the slowest public page within 3x of it.
It only prints: no timings are asserted here or anywhere.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

_RUN_DIR = Path(tempfile.mkdtemp(prefix="bench-national-"))
# Before the app is imported: huey makes its queue file in the instance folder at import.
os.environ["INSTANCE_PATH"] = str(_RUN_DIR / "instance")
os.environ.pop("REDIS_URL", None)
os.environ.pop("DEMO_NOW", None)

from flask import Flask  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from feedback.models import Submission, SubmissionStatus  # noqa: E402
from validation.models import Case, CaseState, Level, Publication, PublicationStatus  # noqa: E402
from workshops import create_app  # noqa: E402
from workshops.extensions import db  # noqa: E402
from workshops.models import REGIONS, Booking, Role, Series, Theme, User, Venue, Workshop  # noqa: E402

TARGET_RATIO = 3.0
PASSWORD = "national bench password"
THEMES = [("safeguarding", "Safeguarding"), ("early-help", "Early help"),
          ("families", "Families"), ("youth-justice", "Youth justice")]
CASE_STATES = [CaseState.RECEIVED, CaseState.SCREENING, CaseState.WITH_PANEL,
               CaseState.DECIDED]
ANSWERS = {"title": "Chronology clinic", "what_you_did": "Weekly multi-agency clinics.",
           "impact": "Fewer repeat referrals.", "region": "london"}


@dataclass(frozen=True)
class Size:
    workshops: int
    bookings: int
    submissions: int
    case_share: float = 0.6
    published_share: float = 0.1


NATIONAL = Size(workshops=1_000, bookings=100_000, submissions=5_000)
DEMO = Size(workshops=8, bookings=500, submissions=40)


@dataclass(frozen=True)
class Landmarks:
    """Where to point the client: a typical series, workshop, theme and publication."""

    series_slug: str
    region: str
    workshop_id: int
    theme_slug: str
    publication_slug: str | None
    organiser_email: str


def _app(url: str) -> Flask:
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "HUEY_IMMEDIATE": True,
                       "TESTING": True, "WTF_CSRF_ENABLED": False,
                       "RATELIMIT_ENABLED": False, "PUBLIC_URL": "http://bench.test"})


def _chunks(rows: list[dict], size: int = 5_000) -> list[list[dict]]:
    return [rows[i:i + size] for i in range(0, len(rows), size)]


def populate(size: Size) -> Landmarks:
    """Fill the app's (migrated, empty) database; returns pages worth looking at."""
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    regions = list(REGIONS)
    session = db.session
    session.execute(insert(Theme), [{"slug": s, "name": n} for s, n in THEMES])
    themes = dict(session.execute(select(Theme.slug, Theme.id)).all())
    venue_id = session.scalar(insert(Venue).returning(Venue.id), [{
        "name": "Civic Centre", "address": "Barras Bridge", "town": "Newcastle upon Tyne",
        "postcode": "NE1 8QH"}])
    organiser = User(email="organiser@bench.test", role=Role.ORGANISER, name="Organiser",
                     password_hash=generate_password_hash(PASSWORD))
    session.add(organiser)

    # Series of one workshop per region, as a national programme runs them.
    series_count = -(-size.workshops // len(regions))
    theme_ids = list(themes.values())
    series_ids = list(session.scalars(insert(Series).returning(Series.id), [
        {"slug": f"series-{n:04d}", "theme_id": theme_ids[n % len(theme_ids)],
         "title": f"Series {n}", "review_title": "Effective practice",
         "description": "Workshops launching the review."} for n in range(series_count)]))
    workshop_rows = []
    for n in range(size.workshops):
        # Half are over (feedback comes from them), half are still to come.
        starts = now + timedelta(days=(n * 37 % 120) - 60, hours=9 - now.hour)
        workshop_rows.append({
            "series_id": series_ids[n // len(regions)], "region": regions[n % len(regions)],
            "venue_id": venue_id, "starts_at": starts, "ends_at": starts + timedelta(hours=6),
            "capacity": 2 * size.bookings // size.workshops, "status": "published",
            "programme": "9:30 | Registration\n10:00 | Welcome",
            "calendar_uid": f"{uuid.uuid4()}@bench.test"})
    workshop_ids = list(session.scalars(insert(Workshop).returning(Workshop.id), workshop_rows))

    booking_rows = [{
        "workshop_id": workshop_ids[n % len(workshop_ids)], "status": "confirmed",
        "name": f"Delegate {n}", "email": f"d{n}@example.org", "email_key": f"d{n}@example.org",
        "organisation": f"Council {n % 150}", "organisation_key": f"council {n % 150}",
        "region": regions[n % len(regions)], "list_consent": n % 3 == 0,
        "reference": f"B{n:09d}", "token": uuid.uuid4().hex, "checkin_code": f"C{n:011d}"}
        for n in range(size.bookings)]
    booking_ids: list[int] = []
    for chunk in _chunks(booking_rows):
        booking_ids += session.scalars(insert(Booking).returning(Booking.id), chunk)

    year = now.year
    submission_rows = [{
        "token": uuid.uuid4().hex, "reference": f"VLP-{year}-{n:05d}",
        "status": SubmissionStatus.SUBMITTED, "email": f"d{n}@example.org",
        "booking_id": booking_ids[n * (len(booking_ids) // size.submissions)],
        "workshop_id": workshop_ids[n * (len(booking_ids) // size.submissions)
                                    % len(workshop_ids)],
        "answers": ANSWERS, "sections_saved": [], "flags": [], "submitted_at": now}
        for n in range(size.submissions)]
    submission_ids: list[int] = []
    for chunk in _chunks(submission_rows):
        submission_ids += session.scalars(insert(Submission).returning(Submission.id), chunk)

    cases = int(size.submissions * size.case_share)
    published = int(size.submissions * size.published_share)
    case_rows = [{
        "submission_id": submission_ids[n], "reference": f"VLP-{year}-{n:05d}",
        "token": uuid.uuid4().hex, "submitter_email": f"d{n}@example.org",
        "title": f"Practice {n}", "theme": THEMES[n % len(THEMES)][1], "region": "london",
        "organisation": f"Council {n % 150}", "answers": ANSWERS, "flags": [], "evidence": [],
        "submitted_at": now, "received_at": now, "state_since": now,
        "state": CaseState.DECIDED if n < published else CASE_STATES[n % len(CASE_STATES)],
        "level": Level.VALIDATED if n < published else None}
        for n in range(cases)]
    case_ids: list[int] = []
    for chunk in _chunks(case_rows):
        case_ids += session.scalars(insert(Case).returning(Case.id), chunk)
    # The migration's triggers index published rows for search, as publish() would.
    for chunk in _chunks([{
            "case_id": case_ids[n], "status": PublicationStatus.PUBLISHED,
            "slug": f"practice-{n:05d}", "theme_slug": THEMES[n % len(THEMES)][0],
            "theme_name": THEMES[n % len(THEMES)][1], "title": f"Published practice {n}",
            "summary": "Weekly clinics built a shared chronology for every family.",
            "what_you_did": "Clinics with health visitors and social workers.",
            "impact": "Fewer repeat referrals.", "contact_route": "Write to the duty team.",
            "organisation": f"Council {n % 150}", "region": regions[n % len(regions)],
            "level": Level.VALIDATED, "topic": "", "year": 2010,
            "published_at": now - timedelta(minutes=n)} for n in range(published)]):
        session.execute(insert(Publication), chunk)
    session.commit()

    # A typical upcoming workshop: bookings and places like its neighbours.
    upcoming = next(i for i, row in enumerate(workshop_rows) if row["starts_at"] > now)
    return Landmarks(series_slug=f"series-{upcoming // len(regions):04d}",
                     region=workshop_rows[upcoming]["region"],
                     workshop_id=workshop_ids[upcoming], theme_slug=THEMES[0][0],
                     publication_slug="practice-00000" if published else None,
                     organiser_email=organiser.email)


def build(name: str, size: Size) -> tuple[Flask, Landmarks, float]:
    from flask_migrate import upgrade

    url = f"sqlite:///{_RUN_DIR / f'{name}.sqlite'}"
    app = _app(url)
    start = time.perf_counter()
    with app.app_context():
        upgrade()
        landmarks = populate(size)
        db.session.remove()
    return app, landmarks, time.perf_counter() - start


def median_seconds(client: FlaskClient, path: str, repetitions: int) -> float:
    client.get(path)  # once first: templates compiled, caches warm, as on a running server
    timings = []
    for _ in range(repetitions):
        start = time.perf_counter()
        response = client.get(path)
        timings.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
    return statistics.median(timings)


def public_pages(marks: Landmarks) -> dict[str, str]:
    series = f"/series/{marks.series_slug}"
    pages = {
        "home": "/",
        "series page": series,
        "workshop page (public)": f"{series}/{marks.region}",
        "booking form": f"{series}/{marks.region}/book",
        "series calendar": f"{series}/calendar.ics",
        "practice library": "/practice/",
        "library theme page": f"/practice/{marks.theme_slug}",
        "library search": f"/practice/{marks.theme_slug}?q=chronology+family",
    }
    if marks.publication_slug:
        pages["published practice"] = f"/practice/{marks.theme_slug}/{marks.publication_slug}"
    return pages


def _signed_in(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    response = client.post("/staff/login", data={"email": email, "password": PASSWORD})
    if response.status_code != 303:
        raise RuntimeError("could not sign in the bench's organiser")
    return client


def _timed(app: Flask, work: Callable[[FlaskClient], float], client: FlaskClient) -> float:
    with app.app_context():
        return work(client)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repetitions", type=int, default=9)
    args = parser.parse_args(argv)
    try:
        print("building the national data set ...", file=sys.stderr, flush=True)
        national, marks, national_seconds = build("national", NATIONAL)
        print("building the demo-sized data set ...", file=sys.stderr, flush=True)
        demo, demo_marks, _ = build("demo", DEMO)

        demo_client = _signed_in(demo, demo_marks.organiser_email)
        reference = _timed(demo, lambda c: median_seconds(
            c, f"/organiser/workshops/{demo_marks.workshop_id}", args.repetitions), demo_client)
        national_client = _signed_in(national, marks.organiser_email)
        organiser_national = _timed(national, lambda c: median_seconds(
            c, f"/organiser/workshops/{marks.workshop_id}", args.repetitions), national_client)
        public = national.test_client()
        timings = {name: _timed(national, lambda c, p=path: median_seconds(
            c, p, args.repetitions), public) for name, path in public_pages(marks).items()}
    finally:
        shutil.rmtree(_RUN_DIR, ignore_errors=True)

    print(f"\nNational data: {NATIONAL.workshops:,} workshops, {NATIONAL.bookings:,} bookings, "
          f"{NATIONAL.submissions:,} submissions ({int(NATIONAL.submissions * 0.6):,} cases, "
          f"{int(NATIONAL.submissions * 0.1):,} published); built in {national_seconds:.1f} s")
    print(f"median of {args.repetitions} requests each, Flask test client, SQLite\n")
    print(f"{'page':<44}{'ms':>9}{'ratio':>8}")
    print(f"{'workshop page, organiser (demo data)':<44}{reference * 1000:>9.1f}{1.0:>8.2f}")
    print(f"{'workshop page, organiser (national data)':<44}"
          f"{organiser_national * 1000:>9.1f}{organiser_national / reference:>8.2f}")
    for name, seconds in timings.items():
        print(f"{name + ' (national)':<44}{seconds * 1000:>9.1f}{seconds / reference:>8.2f}")
    slowest = max(timings, key=timings.__getitem__)
    ratio = timings[slowest] / reference
    verdict = "meets" if ratio <= TARGET_RATIO else "MISSES"
    print(f"\nslowest public page / workshop page (demo) = {ratio:.2f} ({slowest}): "
          f"{verdict} the target of <= {TARGET_RATIO:g}x")
    print(f"{os.cpu_count()} CPUs; 1-minute load average {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
