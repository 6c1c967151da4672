"""The validation demo: every stage of the workflow has something in it after `flask demo`.

The core, feedback and validation demos are loaded once for the module (several seconds); the
tests only read what they made, and the one that loads again checks that nothing was added.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from feedback import demo as feedback_demo
from tests.conftest import _empty_tables, app_config
from validation import demo as validation_demo
from validation import library, panel
from validation.models import (
    Assignment,
    Case,
    CaseState,
    InfoRequest,
    PanelProfile,
    Publication,
    PublicationStatus,
)
from workshops import clock, create_app
from workshops import demo as core_demo
from workshops.extensions import db
from workshops.models import AuditEntry, OutboxMessage, Role, User
from workshops.plugins import enabled_plugins

# scripts/run.sh replays this moment (DEMO_NOW): everything the demo replays must precede it.
MAKE_RUN_REPLAYS = datetime(2010, 2, 22, 10, 0, tzinfo=UTC)
LOADED = ("loaded demo data", "loaded feedback demo data", "loaded validation demo data")
C = CaseState


@pytest.fixture(scope="module")
def demo_app(migrated: str, smtp_server) -> Iterator[Flask]:  # noqa: ANN001
    app = create_app(app_config(migrated, smtp_server.port))
    with app.app_context():
        _empty_tables()
        core_demo.load()
        feedback_demo.load()
        app.extensions["validation_demo_passwords"] = validation_demo.load()
        yield app
        db.session.remove()
        db.engine.dispose()


def _case(local_authority: str) -> Case:
    return db.session.scalar(select(Case).where(Case.local_authority == local_authority))


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_every_stage_of_the_workflow_has_cases(demo_app):
    states = Counter(db.session.scalars(select(Case.state)))
    assert states == {C.RECEIVED: 2, C.SCREENING: 2, C.INFO_REQUESTED: 1, C.WITH_PANEL: 2,
                      C.DECIDED: 2, C.PUBLISHED: 2, C.NOT_PUBLISHED: 1, C.WITHDRAWN: 1}
    publications = Counter(db.session.scalars(select(Publication.status)))
    assert publications == {PublicationStatus.EDITING: 1,
                            PublicationStatus.AWAITING_APPROVAL: 1,
                            PublicationStatus.PUBLISHED: 2}


def test_two_panel_members_made_with_passwords_and_interests_declared(demo_app):
    passwords = demo_app.extensions["validation_demo_passwords"]
    assert {role for role, _ in passwords.values()} == {Role.PANEL_MEMBER.value}
    assert len(passwords) == 2 and all(len(p) >= 12 for _, p in passwords.values())
    panel_staff = db.session.scalars(select(User).where(
        User.role.in_([Role.PANEL_MEMBER.value, Role.PANEL_CHAIR.value]))).all()
    assert len(panel_staff) == 4
    declared = {p.user_id for p in db.session.scalars(select(PanelProfile))}
    assert declared == {u.id for u in panel_staff}


def test_the_assign_page_would_refuse_a_conflicted_member(demo_app):
    coventry = _case("Coventry")
    refused = [c for c in panel.candidates(coventry) if c.conflict]
    assert [c.user.email for c in refused] == [validation_demo.KEARNEY.email]
    assert "Coventry" in refused[0].conflict


def test_one_case_has_one_score_in_and_scores_stay_hidden_from_the_other_member(demo_app):
    coventry = _case("Coventry")
    assert coventry.state == C.WITH_PANEL
    scored = [a for a in coventry.assignments if a.scored]
    waiting = [a for a in coventry.assignments if not a.scored]
    assert len(scored) == 1 and len(waiting) == 1
    assert panel.visible_scores(coventry, waiting[0].user) == []
    assert panel.decision_blocker(coventry) is not None


def test_one_case_has_both_scores_and_a_large_disagreement_for_the_chair(demo_app):
    torbay = _case("Torbay")
    assert torbay.state == C.WITH_PANEL
    assert all(a.scored for a in torbay.assignments) and len(torbay.assignments) == 2
    assert panel.disagreements(torbay.assignments)
    assert panel.decision_blocker(torbay) is None
    # Its thread: the screener's questions, the answer and an amended evidence section.
    (request,) = torbay.requests
    assert request.answered_at is not None and request.answer
    assert list(request.amendments) == ["evidence"]
    assert "88%" in torbay.answers["evidence"]


def test_one_case_waits_for_the_submitter_and_was_reminded(demo_app):
    somerset = _case("Somerset")
    assert somerset.state == C.INFO_REQUESTED
    assert somerset.open_request is not None and somerset.open_request.reminded_at is not None


def test_the_not_validated_case_was_closed_with_the_drafted_feedback_sent(demo_app):
    walsall = _case("Walsall")
    assert (walsall.state, walsall.level) == (C.NOT_PUBLISHED, "not_validated")
    assert "What would strengthen it:" in walsall.feedback_to_submitter
    sent = db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.recipient == walsall.submitter_email,
        OutboxMessage.subject.contains("decision")))
    assert sent is not None


def test_the_strong_examples_are_in_the_public_library(demo_app):
    found = library.search("family group conference")
    assert [p.case.local_authority for p in found.items] == ["Calderdale"]
    found = library.search("graded care profile neglect")
    assert [p.case.local_authority for p in found.items] == ["Devon"]
    published = library.search(None).items
    assert {p.case.local_authority for p in published} == {"Calderdale", "Devon"}
    assert all(p.level == "validated" and p.topic for p in published)


def test_nothing_replayed_after_the_moment_make_run_replays(demo_app):
    for column in (Case.state_since, InfoRequest.asked_at, InfoRequest.answered_at,
                   Assignment.assigned_at, Assignment.scored_at, Case.decided_at,
                   Publication.sent_for_approval_at, Publication.published_at,
                   PanelProfile.declared_at, OutboxMessage.created_at):
        assert db.session.scalar(select(func.max(column))) < MAKE_RUN_REPLAYS, column
    replayed = select(func.max(AuditEntry.at)).where(AuditEntry.action.not_in(LOADED))
    assert db.session.scalar(replayed) < MAKE_RUN_REPLAYS
    first = db.session.scalar(select(func.min(Case.state_since)).where(
        Case.state != C.RECEIVED))
    assert datetime(2009, 12, 1, tzinfo=UTC) < first


def test_loading_again_adds_nothing_and_the_clock_is_put_back(demo_app):
    assert demo_app.config["CLOCK_OFFSET"] == timedelta(0)
    tables = (User, Case, Assignment, InfoRequest, PanelProfile, Publication, OutboxMessage,
              AuditEntry)
    before = [_count(model) for model in tables]
    # Through the plugin's hook, as `flask demo` calls it.
    assert enabled_plugins(demo_app)["validation"].demo() == {}
    assert [_count(model) for model in tables] == before
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(minutes=1)
