"""Unsent drafts go RETENTION_MONTHS after their last change, with the evidence attached, once
their submitter has been warned by email two weeks before; sent practice stays."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, select

from feedback import submissions
from feedback.models import EvidenceFile, Submission
from tests.conftest import Mailbox, clock_at, mailed_path
from tests.feedback.support import complete_answers, section_post
from workshops import clock, retention, uploads
from workshops.extensions import db
from workshops.formatting import day
from workshops.models import AuditEntry

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ANA = "ana.drafter@example.org"
SUBJECT = "Your draft practice submission will be deleted on"


@pytest.fixture()
def app_overrides(tmp_path: Path) -> dict:
    return {"EVIDENCE_FOLDER": str(tmp_path / "evidence")}


def _draft(email: str = ANA) -> Submission:
    """A confirmed draft with a contact name, and a file whose name names a family."""
    draft = submissions.confirm_email(submissions.start_public(email))
    answers = complete_answers(contact_email=email, contact_name="Ana Drafter")
    submissions.save_section(draft, "contact", section_post("contact", answers))
    return draft


def _at(app: Flask, moment: datetime) -> None:
    app.config["CLOCK_OFFSET"] = clock_at(moment)


def _period_ends(draft: Submission) -> datetime:
    db.session.refresh(draft)
    return retention.months_after(draft.updated_at, retention.months())


def _warnings(mailbox: Mailbox, to: str = ANA) -> list:
    return [m for m in mailbox.to(to) if str(m["Subject"]).startswith(SUBJECT)]


def test_a_draft_past_its_period_is_deleted_with_its_evidence_once_warned(
        app: Flask, mailbox: Mailbox) -> None:
    draft = _draft()
    attached = submissions.add_evidence(draft, "Smith family chronology.pdf", PDF)
    stored = uploads.path_of(attached.stored_name)
    unconfirmed = submissions.start_public("never.confirmed@example.org")
    sent = submissions.confirm_email(submissions.start_public("sender@example.org"))
    sent.answers = complete_answers(contact_email="sender@example.org")
    submissions.submit(sent)
    ends = _period_ends(draft)
    # Six months on, someone else starts a draft: it has half its period to run.
    _at(app, ends - timedelta(days=180))
    recent = _draft("recent@example.org")
    ids = [draft.id, unconfirmed.id]

    _at(app, ends - timedelta(days=14))  # the warning goes; nothing is deleted yet
    report = retention.erase()
    assert [(p.count, p.warned) for p in report.plugins] == [(0, 1)]
    assert len(_warnings(mailbox)) == 1 and stored.exists()
    _at(app, ends + timedelta(hours=1))
    report = retention.erase()

    assert [(p.count, p.warned) for p in report.plugins] == [(2, 0)]
    db.session.expire_all()
    assert db.session.scalars(select(Submission.id).where(Submission.id.in_(ids))).all() == []
    assert db.session.get(EvidenceFile, attached.id) is None
    assert not stored.exists(), "the evidence file is gone from the disk"
    assert db.session.get(Submission, sent.id).reference, "sent practice is kept"
    assert db.session.get(Submission, recent.id).answers["contact_name"] == "Ana Drafter"
    deleted = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "draft deleted by data retention")).all()
    assert sorted(e.entity_id for e in deleted) == sorted(ids)
    assert {e.actor_label for e in deleted} == {"data retention"}
    assert next(e for e in deleted if e.entity_id == draft.id).details["files"] == 1
    # What is left of them says that drafts were started, and names no one.
    left = db.session.scalars(select(AuditEntry).where(
        AuditEntry.entity == "submission", AuditEntry.entity_id.in_(ids))).all()
    assert {"practice_started", "evidence_added"} <= {e.action for e in left}
    stored_text = " ".join(e.actor_label + json.dumps(e.details) for e in left).lower()
    for personal in (ANA, "never.confirmed", "ana drafter", "smith family"):
        assert personal not in stored_text, personal


def test_the_warning_goes_once_two_weeks_before_with_links_that_work(
        app: Flask, client: FlaskClient, mailbox: Mailbox) -> None:
    draft = _draft()
    ends = _period_ends(draft)

    _at(app, ends - timedelta(days=15))
    retention.erase()
    assert _warnings(mailbox) == [], "not yet: more than two weeks to go"
    _at(app, ends - timedelta(days=14))
    retention.erase()
    _at(app, ends - timedelta(days=13))
    retention.erase()

    [warning] = _warnings(mailbox)
    assert warning["Subject"] == f"{SUBJECT} {day(ends)}"
    text = warning.get_body(("plain",)).get_content()
    assert f"We will delete this draft on {day(ends)}." in text
    assert "Title: Untitled practice" in text  # only the contact details were saved
    carry_on = client.get(mailed_path(mailbox, ANA, "Carry on with your draft"))
    assert "Contact for the panel" in carry_on.text
    send = client.get(mailed_path(mailbox, ANA, "Check your answers and send it"))
    assert "Check your answers before sending your submission" in send.text
    assert db.session.get(Submission, draft.id) is not None, "opening it is not deleting it"


def _save_a_line(draft: Submission) -> None:
    answers = complete_answers(contact_email=ANA, contact_name="Ana Drafter-Jones")
    submissions.save_section(draft, "contact", section_post("contact", answers))


def _remove_the_file(draft: Submission) -> None:
    submissions.remove_evidence(draft, draft.files[0].id)


@pytest.mark.parametrize("change", [_save_a_line, _remove_the_file])
def test_a_draft_changed_after_its_warning_is_kept_and_warned_about_again_later(
        app: Flask, mailbox: Mailbox, change) -> None:  # noqa: ANN001
    draft = _draft()
    submissions.add_evidence(draft, "notes.pdf", PDF)
    ends = _period_ends(draft)
    _at(app, ends - timedelta(days=14))
    retention.erase()
    assert len(_warnings(mailbox)) == 1

    _at(app, ends - timedelta(days=2))  # the submitter comes back to it, and leaves it again
    change(draft)
    new_end = _period_ends(draft)
    _at(app, ends + timedelta(days=1))
    report = retention.erase()

    assert report.plugins == []
    db.session.expire_all()
    assert db.session.get(Submission, draft.id) is not None
    assert len(_warnings(mailbox)) == 1
    _at(app, new_end - timedelta(days=14))
    retention.erase()
    assert [w["Subject"] for w in _warnings(mailbox)][1:] == [f"{SUBJECT} {day(new_end)}"]


def test_a_draft_confirmed_late_has_its_whole_period_from_then(
        app: Flask, mailbox: Mailbox) -> None:
    """Someone who opens their confirmation link months later has come back to the draft."""
    started = submissions.start_public(ANA)
    _at(app, retention.months_after(started.created_at, 12) - timedelta(days=10))
    submissions.confirm_email(started)
    retention.erase()
    assert _warnings(mailbox) == []
    db.session.expire_all()
    assert db.session.get(Submission, started.id) is not None


def test_a_draft_already_past_its_period_is_given_two_weeks_notice(
        app: Flask, mailbox: Mailbox) -> None:
    """Drafts started long before this rule came in are warned, not deleted, at its first
    run: the day the warning gives is two weeks off."""
    draft = _draft()
    _at(app, _period_ends(draft) + timedelta(days=60))
    first_run = clock.now()
    retention.erase()
    assert [w["Subject"] for w in _warnings(mailbox)] == \
        [f"{SUBJECT} {day(first_run + timedelta(days=14))}"]
    _at(app, first_run + timedelta(days=13))
    retention.erase()
    assert db.session.get(Submission, draft.id) is not None
    _at(app, first_run + timedelta(days=14, hours=1))
    retention.erase()
    db.session.expire_all()
    assert db.session.get(Submission, draft.id) is None


def test_the_cli_reports_drafts_in_its_dry_run(app: Flask) -> None:
    due = _draft()
    submissions.add_evidence(due, "notes.pdf", PDF)
    ends = _period_ends(due)
    _at(app, due.updated_at + timedelta(days=5))
    _draft("soon@example.org")
    _at(app, ends - timedelta(days=14))
    retention.erase()  # the first is warned; the other's period has five days more to run
    # A day past the first's: it is due, and the other's period ends within the fortnight.
    _at(app, ends + timedelta(days=1))
    runner = app.test_cli_runner()

    dry = runner.invoke(args=["retention", "run", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Would erase 1 unsent practice submission not changed for 12 months and " \
           "1 stored file." in dry.output
    assert "Would warn by email: 1 unsent practice submission to be deleted in 14 days." \
        in dry.output
    assert "1 unsent practice submission (dry run: nothing was changed)." in dry.output
    assert db.session.scalar(select(func.count()).select_from(Submission)) == 2

    done = runner.invoke(args=["retention", "run"])
    assert done.exit_code == 0, done.output
    assert "Erased 1 unsent practice submission not changed for 12 months" in done.output
    assert "Warned by email: 1 unsent practice submission" in done.output
    assert db.session.scalars(select(Submission.email)).all() == ["soon@example.org"]


def test_a_save_that_meets_the_draft_being_deleted_gets_a_page_that_says_so(
        app: Flask, client: FlaskClient) -> None:
    # The retention run deletes a draft between the page's reading it and its saving it:
    # the submitter is told it changed meanwhile (409), not shown a server error.
    draft = _draft()
    token, draft_id = draft.token, draft.id
    answers = complete_answers(contact_email=ANA, contact_name="Ana Late")

    def deleted_meanwhile(session, _context, _instances) -> None:  # noqa: ANN001
        with db.engine.begin() as other:
            other.execute(Submission.__table__.delete().where(Submission.id == draft_id))

    event.listen(db.session, "before_flush", deleted_meanwhile, once=True)
    try:
        response = client.post(f"/feedback/practice/{token}/section/contact",
                               data=section_post("contact", answers))
    finally:
        if event.contains(db.session, "before_flush", deleted_meanwhile):
            event.remove(db.session, "before_flush", deleted_meanwhile)
    assert response.status_code == 409
    assert "This changed while you were working on it" in response.get_data(as_text=True)
