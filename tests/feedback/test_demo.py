"""The feedback demo: what someone trying the feedback side sees after `flask --app wsgi demo`.

Both demos are loaded once for the module (it takes several seconds); the tests only read what
they made, and the one that loads again checks that nothing was added.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from feedback import demo as feedback_demo
from feedback import evaluations, submissions
from feedback.demo_data import SERIES, WORKSHOPS
from feedback.demo_practice import PRACTICE
from feedback.evidence import path_of
from feedback.models import Evaluation, EvidenceFile, Invitation, Submission, SubmissionStatus
from tests.conftest import _empty_tables, app_config
from workshops import clock, create_app
from workshops import demo as core_demo
from workshops.demo_data import SERIES as CORE_SERIES
from workshops.extensions import db
from workshops.models import AuditEntry, Booking, BookingStatus, OutboxMessage, Series, Workshop
from workshops.plugins import enabled_plugins
from workshops.practice_form import PRACTICE_FORM

# scripts/run.sh replays this moment (DEMO_NOW): everything the demo replays must precede it.
MAKE_RUN_REPLAYS = datetime(2010, 2, 22, 10, 0, tzinfo=UTC)
LOADED = ("loaded demo data", "loaded feedback demo data")  # stamped when loaded, not replayed


@pytest.fixture(scope="module")
def demo_app(migrated: str, smtp_server) -> Iterator[Flask]:  # noqa: ANN001
    app = create_app(app_config(migrated, smtp_server.port))
    with app.app_context():
        _empty_tables()
        core_demo.load()
        feedback_demo.load()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture()
def series(demo_app: Flask) -> Series:
    return db.session.scalar(select(Series).where(Series.slug == SERIES["slug"]))


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _confirmed(workshop: Workshop) -> list[Booking]:
    return list(db.session.scalars(select(Booking).where(
        Booking.workshop_id == workshop.id, Booking.status == BookingStatus.CONFIRMED)))


# --- the workshops ----------------------------------------------------------------------------

def test_three_workshops_in_november_2009_held_and_finished(series):
    core = db.session.scalar(select(Series).where(Series.slug == CORE_SERIES["slug"]))
    assert series.theme_id == core.theme_id  # the same Safeguarding theme
    workshops = series.workshops
    assert [w.region for w in workshops] == [spec.region for spec in WORKSHOPS]
    assert not {w.venue.name for w in workshops} & {w.venue.name for w in core.workshops}
    for workshop in workshops:
        starts = clock.london(workshop.starts_at)
        assert (starts.year, starts.month, starts.hour) == (2009, 11, 9)
        assert starts.weekday() < 5
        assert workshop.status == "finished"
        assert workshop.booking_opens_at < workshop.booking_closes_at < workshop.starts_at

        confirmed = _confirmed(workshop)
        assert 35 <= len(confirmed) <= min(50, workshop.capacity)
        came = [b for b in confirmed if b.checked_in_at is not None]
        missed = [b for b in confirmed if b.no_show_at is not None]
        assert len(came) + len(missed) == len(confirmed) and 1 <= len(missed) <= 5
        for booking in confirmed:
            assert booking.created_at < workshop.booking_closes_at
            assert booking.reminder_sent_at < workshop.starts_at
        for booking in came:
            assert clock.london(booking.checked_in_at).date() == starts.date()

        # Invited the morning after, as the nightly finishing run would: everyone who came.
        invited = db.session.scalars(
            select(Invitation).where(Invitation.workshop_id == workshop.id)).all()
        assert {i.booking_id for i in invited} == {b.id for b in came}
        for invitation in invited:
            assert clock.london(invitation.invited_at).date() == starts.date() + timedelta(1)


# --- evaluations ------------------------------------------------------------------------------

def test_about_sixty_percent_evaluated_the_day_mostly_well(series):
    ids = [w.id for w in series.workshops]
    found = evaluations.results(ids)
    assert 0.55 <= found.responses.rate <= 0.65
    for workshop_id in ids:
        assert 0.5 <= found.by_workshop[workshop_id].rate <= 0.7

    ratings = Counter()
    for summary in found.ratings:
        ratings.update(dict(zip("12345", summary.counts, strict=True)))
    given = sum(ratings.values())
    assert (ratings["4"] + ratings["5"]) / given >= 0.75
    assert ratings["3"] / given >= 0.08  # some 3s
    assert 0 < ratings["2"] / given <= 0.05 and ratings["1"] / given <= 0.01  # rare

    written = [c.text for summary in found.comments for c in summary.comments]
    assert len(written) >= 15 and len(set(written)) == len(written)


def test_the_reminder_went_a_week_later_to_those_who_had_not_answered(series):
    rows = db.session.execute(
        select(Invitation, Evaluation).outerjoin(
            Evaluation, Evaluation.booking_id == Invitation.booking_id)
        .where(Invitation.workshop_id.in_([w.id for w in series.workshops]))).all()
    reminded = [(i, e) for i, e in rows if i.reminded_at is not None]
    assert reminded and any(e is not None for _, e in reminded)  # some answered once reminded
    for invitation, evaluation in rows:
        if evaluation is not None:
            assert invitation.invited_at < evaluation.submitted_at
            assert evaluation.submitted_at < invitation.invited_at + timedelta(weeks=3)
        if invitation.reminded_at is not None:
            assert invitation.reminded_at - invitation.invited_at >= timedelta(days=7)
            assert evaluation is None or evaluation.submitted_at > invitation.reminded_at
        else:
            assert evaluation is not None  # answered before the reminder was due


# --- practice ---------------------------------------------------------------------------------

def test_thirteen_practice_submissions_sent_and_three_drafts(series):
    found = db.session.scalars(select(Submission).order_by(Submission.id)).all()
    sent = [s for s in found if s.status == SubmissionStatus.SUBMITTED]
    drafts = [s for s in found if s.status == SubmissionStatus.DRAFT]
    assert (len(sent), len(drafts), len(found)) == (13, 3, 16)
    assert len({s.title for s in found}) == 16

    assert len({s.reference for s in sent}) == 13
    for submission in sent:
        assert submissions.problems(submission) == {}, submission.title
        submitted = clock.london(submission.submitted_at)
        assert datetime(2009, 12, 1) <= submitted.replace(tzinfo=None) < datetime(2010, 2, 20)
        assert submission.reference.startswith(f"VLP-{submitted.year}-")
        assert submission.created_at < submission.submitted_at
    for draft in drafts:
        assert draft.reference is None and submissions.problems(draft)
        assert "about" in draft.sections_saved
        assert len(draft.sections_saved) < len(PRACTICE_FORM.sections)

    # Delegates who came started from their booking; two members of the public did not.
    public = [s for s in found if s.booking is None]
    assert len(public) == 2 and all(s.workshop_id is None for s in public)
    for submission in (s for s in found if s.booking is not None):
        assert submission.booking.workshop.series_id == series.id
        assert submission.booking.checked_in_at is not None
        assert submission.email == submission.booking.email

    # Screeners see the flags the submitters confirmed: two titled names of staff.
    flagged = [s for s in sent if s.flags]
    assert len(flagged) == 2 and all(s.flags_confirmed for s in flagged)
    assert {f["kind"] for s in flagged for f in s.flags} == {"titled_name"}

    receipts = db.session.scalars(select(OutboxMessage.subject).where(
        OutboxMessage.attachment_name.is_not(None))).all()
    assert sorted(r.rsplit(" ", 1)[-1] for r in receipts) == sorted(s.reference for s in sent)


def test_three_submissions_carry_an_evaluation_report_as_a_pdf(series):
    files = db.session.scalars(select(EvidenceFile)).all()
    assert len(files) == 3 and len({f.submission_id for f in files}) == 3
    for attached in files:
        assert attached.kind == "PDF" and attached.original_name.endswith(".pdf")
        assert attached.submission.status == SubmissionStatus.SUBMITTED
        assert attached.uploaded_at < attached.submission.submitted_at
        assert path_of(attached.stored_name).read_bytes().startswith(b"%PDF-")


# --- the replay -------------------------------------------------------------------------------

def test_nothing_replayed_after_the_moment_make_run_replays(series):
    for column in (Submission.created_at, Submission.updated_at, Submission.submitted_at,
                   Invitation.invited_at, Invitation.reminded_at, Evaluation.submitted_at,
                   EvidenceFile.uploaded_at, OutboxMessage.created_at):
        assert db.session.scalar(select(func.max(column))) < MAKE_RUN_REPLAYS, column
    replayed = select(func.max(AuditEntry.at)).where(AuditEntry.action.not_in(LOADED))
    assert db.session.scalar(replayed) < MAKE_RUN_REPLAYS
    first = db.session.scalar(select(func.min(Booking.created_at)).join(Workshop).where(
        Workshop.series_id == series.id))
    assert datetime(2009, 9, 1, tzinfo=UTC) < first


def test_every_example_is_written_to_the_form_and_replayed_in_time():
    regions = {spec.region for spec in WORKSHOPS}
    sections = {s.key for s in PRACTICE_FORM.sections}
    for example in PRACTICE:
        assert set(example.answers) <= set(PRACTICE_FORM.keys), example.answers["title"]
        assert set(example.sections) <= sections
        assert (example.submitted is None) == (example.last_saved is not None)
        ends = example.submitted or example.last_saved
        assert example.started <= ends <= feedback_demo.REPLAYED_UNTIL
        if example.via == "booking":
            assert example.region in regions
    assert clock.from_london(feedback_demo.REPLAYED_UNTIL) < MAKE_RUN_REPLAYS


def test_a_demo_clock_set_before_the_replayed_events_skips_them(demo_app, capsys):
    demo_app.config["CLOCK_OFFSET"] = datetime(2010, 1, 15, tzinfo=UTC) - datetime.now(UTC)
    try:
        assert feedback_demo.load() == {}
    finally:
        demo_app.config["CLOCK_OFFSET"] = timedelta(0)
    assert "not loaded" in capsys.readouterr().err


def test_loading_again_adds_nothing_and_the_clock_is_put_back(demo_app):
    assert demo_app.config["CLOCK_OFFSET"] == timedelta(0)
    tables = (Series, Workshop, Booking, Invitation, Evaluation, Submission, EvidenceFile,
              OutboxMessage)
    before = [_count(model) for model in tables]
    # Through the plugin's hook, as `flask demo` calls it.
    assert enabled_plugins(demo_app)["feedback"].demo() == {}
    assert [_count(model) for model in tables] == before
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(minutes=1)
