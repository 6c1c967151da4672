"""More information: asking, the submitter's answer page (answer, amendments, evidence), the
return to the stage that asked, the reminder, withdrawal, and what a personal link can reach."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from markupsafe import escape
from sqlalchemy import select

from feedback.models import Submission
from tests.validation.support import (
    FLAGGED_TEXT,
    PDF,
    PNG,
    case_in,
    received_case,
    sign_in,
    staff,
)
from tests.validation.test_panel import person
from validation import panel, request_reminders, requests, screening, withdrawal
from validation.models import Case, CaseFile, CaseState, InfoRequest
from validation.tasks import remind_to_answer_questions
from validation.workflow import CaseRefused
from workshops import clock, uploads
from workshops.extensions import db
from workshops.models import AuditEntry, Role, User
from workshops.practice_form import PRACTICE_FORM


@pytest.fixture()
def app_overrides(tmp_path: Path) -> dict:
    return {"EVIDENCE_FOLDER": str(tmp_path / "evidence"), "VALIDATION_REMINDER_DAYS": 14}


def _fresh(case: Case) -> Case:
    db.session.expire_all()
    return db.session.get(Case, case.id)


def _text(message) -> str:  # noqa: ANN001
    return message.get_body(("plain",)).get_content()


def _respond(token: str, *rest: str) -> str:
    return "/".join(["/validation/respond", token, *rest])


# --- asking -------------------------------------------------------------------------------------

def test_a_screener_asks_and_the_submitter_gets_a_personal_link(client, mailbox) -> None:
    case = case_in(CaseState.SCREENING)
    screener = db.session.get(User, case.screener_id)
    sign_in(client, screener)
    mailbox.clear()
    response = client.post(f"/validation/cases/{case.id}/request",
                           data={"questions": "How many families took part?\nOver what time?"})
    assert response.status_code == 303
    case = _fresh(case)
    assert case.state == CaseState.INFO_REQUESTED
    assert case.asked_at_stage == CaseState.SCREENING
    (asked,) = case.requests
    assert asked.stage == CaseState.SCREENING and asked.asked_by_id == screener.id
    assert asked.questions == "How many families took part?\nOver what time?"
    (mail,) = mailbox.to(case.submitter_email)
    assert mail["Subject"] == f"Questions about your practice submission {case.reference}"
    text = _text(mail)
    assert re.search(rf"Answer the questions: http\S+/validation/respond/{case.token}\s", text)
    assert "How many families took part?" in text and "screening team" in text
    assert "You are receiving this email because" in text
    entry = db.session.scalars(select(AuditEntry).where(
        AuditEntry.entity == "validation_case", AuditEntry.entity_id == case.id)
        .order_by(AuditEntry.id.desc())).first()
    assert entry.action == "request information" and entry.details["request_id"] == asked.id
    page = client.get(f"/validation/cases/{case.id}").get_data(as_text=True)
    assert "Waiting for the submitter" in page and "How many families took part?" in page


@pytest.mark.parametrize(("questions", "message"), [
    ("", "Enter your questions for the submitter"),
    ("   ", "Enter your questions for the submitter"),
    ("why " * 501, "Questions must be 500 words or fewer"),
    # One "word" as long as a pasted file: within the word limit, not the characters.
    ("w" * 15_001, "Questions must be 15,000 characters or fewer"),
])
def test_questions_are_required_and_limited(client, mailbox, questions, message) -> None:
    case = case_in(CaseState.SCREENING)
    sign_in(client, Role.SCREENER)
    mailbox.clear()
    response = client.post(f"/validation/cases/{case.id}/request",
                           data={"questions": questions})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and 'href="#questions"' in page  # in the summary, linked to the field
    assert _fresh(case).state == CaseState.SCREENING and mailbox.messages == []


# --- answering ----------------------------------------------------------------------------------

def test_the_answer_page_shows_the_questions_and_saves_a_draft(client) -> None:
    case = case_in(CaseState.INFO_REQUESTED)
    page = client.get(_respond(case.token)).get_data(as_text=True)
    assert "Answer the questions about your submission" in page
    assert "Please say how many families took part." in page
    response = client.post(_respond(case.token), data={"answer": "Half done", "save": "y"})
    assert response.status_code == 303
    assert "Half done" in client.get(_respond(case.token)).get_data(as_text=True)
    # Leaving to change a section keeps the draft too.
    response = client.post(_respond(case.token), data={"answer": "Still going",
                                                       "change": "difference"})
    assert response.headers["Location"].endswith(_respond(case.token, "section", "difference"))
    assert _fresh(case).open_request.answer == "Still going"
    assert _fresh(case).state == CaseState.INFO_REQUESTED


def test_answering_returns_the_case_to_screening_with_amendments(client, mailbox) -> None:
    case = case_in(CaseState.INFO_REQUESTED, title="Chronology clinic")
    old_evidence, old_title = case.answers["evidence"], case.answers["title"]
    page = client.get(_respond(case.token, "section", "difference")).get_data(as_text=True)
    assert "Please say how many families took part." in page  # the questions beside the text
    assert str(escape(old_evidence)) in page
    response = client.post(_respond(case.token, "section", "difference"), data={
        "impact": case.answers["impact"],
        "evidence": "We audited 42 families over 18 months against the year before.",
    })
    assert response.status_code == 303
    client.post(_respond(case.token, "section", "about"), data={
        "title": "Chronology clinic for neglect", "organisation": case.answers["organisation"],
        "local_authority": case.answers["local_authority"],
        "partners": case.answers.get("partners", "")})
    # Nothing reaches the case before the answer is sent.
    assert _fresh(case).answers["evidence"] == old_evidence
    mailbox.clear()
    response = client.post(_respond(case.token),
                           data={"answer": "42 families, over 18 months.", "send": "y"})
    assert response.status_code == 303 and "sent=1" in response.headers["Location"]
    case = _fresh(case)
    assert case.state == CaseState.SCREENING and case.asked_at_stage is None
    assert case.answers["evidence"].startswith("We audited 42 families")
    assert case.title == "Chronology clinic for neglect"  # the queue's column follows
    (answered,) = case.requests
    assert answered.answer == "42 families, over 18 months." and answered.answered_at
    assert answered.amendments == {
        "evidence": [old_evidence, "We audited 42 families over 18 months against the year "
                                   "before."],
        "title": [old_title, "Chronology clinic for neglect"],
    }
    confirmation = mailbox.to(case.submitter_email)
    assert [m["Subject"] for m in confirmation] == [
        f"We have your answer about practice submission {case.reference}"]
    assert "How you know it made a difference" in _text(confirmation[0])
    screener = db.session.get(User, case.screener_id)
    (to_staff,) = mailbox.to(screener.email)
    assert f"/validation/cases/{case.id}" in _text(to_staff)

    done = client.get(_respond(case.token) + "?sent=1").get_data(as_text=True)
    assert "Answer sent" in done and "42 families, over 18 months." in done
    # The screener sees the thread: the question, the answer, what changed and what it was.
    sign_in(client, screener)
    page = client.get(f"/validation/cases/{case.id}").get_data(as_text=True)
    assert "The submitter answered" in page and "42 families, over 18 months." in page
    assert "by the submitter on" in page and str(escape(old_evidence)) in page
    assert 'href="#answer-evidence"' in page


def test_text_taken_out_on_request_leaves_every_page_and_export(client, app) -> None:
    """A titled name the submitter was asked to remove: once they have, the submission's own
    page and its export (which leaves the service) show the new text, and a panel member
    reads only that; the screeners who asked can still compare it with the old."""
    chair = staff(Role.PANEL_CHAIR)
    case = case_in(CaseState.WITH_PANEL, flagged=True, chair=chair)
    member, other = (person(Role.PANEL_MEMBER, name) for name in ("Ann Expert", "Bob Expert"))
    panel.assign(case, [member.id, other.id], actor=chair)
    db.session.commit()
    requests.request_information(case, chair, "Please take out the health visitor's name.")
    [practice] = [part for part in PRACTICE_FORM.sections if part.key == "practice"]
    section = {q.key: case.answers.get(q.key) or "" for q in practice.questions}
    rewritten = FLAGGED_TEXT.replace("Mrs Patel, the health visitor,", "the health visitor")
    assert client.post(_respond(case.token, "section", "practice"),
                       data={**section, "what_you_did": rewritten}).status_code == 303
    client.post(_respond(case.token), data={"answer": "Done.", "send": "y"})
    assert _fresh(case).state == CaseState.WITH_PANEL

    submission = db.session.get(Submission, case.submission_id)
    assert submission.answers["what_you_did"] == rewritten and submission.flags == []
    sign_in(client, chair)
    page = client.get(f"/feedback/submissions/{submission.id}").get_data(as_text=True)
    assert "the submitter changed ‘What you did’, when asked for more information" in page
    assert "Mrs Patel" not in page and "1 flagged" not in client.get(
        "/feedback/submissions").get_data(as_text=True)
    assert "Mrs Patel" not in client.get("/feedback/submissions.json").get_data(as_text=True)
    assert "Mrs Patel" in client.get(f"/validation/cases/{case.id}").get_data(as_text=True)

    sign_in(client, member)
    page = client.get(f"/validation/cases/{case.id}").get_data(as_text=True)
    assert "by the submitter on" in page and "Mrs Patel" not in page


def test_an_answer_to_the_panel_returns_the_case_to_the_panel(client, mailbox) -> None:
    chair = staff(Role.PANEL_CHAIR)
    case = case_in(CaseState.INFO_REQUESTED, stage=CaseState.WITH_PANEL, chair=chair)
    assert case.asked_at_stage == CaseState.WITH_PANEL
    assert "expert panel" in _text(mailbox.to(case.submitter_email)[-1])
    page = client.get(_respond(case.token)).get_data(as_text=True)
    assert "What did it cost to run for a year?" in page and "the expert panel asked" in page
    client.post(_respond(case.token), data={"answer": "About £40,000.", "send": "y"})
    case = _fresh(case)
    assert case.state == CaseState.WITH_PANEL
    assert "The panel" in client.get(_respond(case.token) + "?sent=1").get_data(as_text=True)
    assert mailbox.to(chair.email) and "back with the panel" in _text(mailbox.to(chair.email)[-1])


def test_a_chair_asks_through_the_page(client) -> None:
    case = case_in(CaseState.WITH_PANEL)
    sign_in(client, Role.PANEL_CHAIR)
    response = client.post(f"/validation/cases/{case.id}/request",
                           data={"questions": "Who paid for it?"})
    assert response.status_code == 303
    case = _fresh(case)
    assert case.state == CaseState.INFO_REQUESTED and case.asked_at_stage == "with_panel"


def test_an_assigned_panel_member_asks_and_hears_the_answer(client, mailbox) -> None:
    chair = staff(Role.PANEL_CHAIR)
    case = case_in(CaseState.WITH_PANEL, chair=chair)
    member, other = (person(Role.PANEL_MEMBER, name) for name in ("Ann Expert", "Bob Expert"))
    outsider = person(Role.PANEL_MEMBER, "Olu Other")
    panel.assign(case, [member.id, other.id], actor=chair)
    db.session.commit()
    sign_in(client, outsider)
    assert client.get(f"/validation/cases/{case.id}/request").status_code == 403
    sign_in(client, member)
    assert "Ask the submitter for more information" in client.get(
        f"/validation/cases/{case.id}").get_data(as_text=True)
    asked = client.post(f"/validation/cases/{case.id}/request",
                        data={"questions": "How many families took part?"})
    assert asked.status_code == 303
    case = _fresh(case)
    assert case.state == CaseState.INFO_REQUESTED and case.asked_at_stage == "with_panel"
    assert "expert panel" in _text(mailbox.to(case.submitter_email)[-1])
    client.post(_respond(case.token), data={"answer": "Forty-two.", "send": "y"})
    assert _fresh(case).state == CaseState.WITH_PANEL
    [told] = [m for m in mailbox.to(member.email) if "has answered" in m["Subject"]]
    assert "Forty-two" not in _text(told) and f"/validation/cases/{case.id}" in _text(told)


def test_an_answer_is_required_and_limited(client) -> None:
    case = case_in(CaseState.INFO_REQUESTED)
    response = client.post(_respond(case.token), data={"answer": " ", "send": "y"})
    assert response.status_code == 422
    assert "Enter your answer to the questions" in response.get_data(as_text=True)
    response = client.post(_respond(case.token), data={"answer": "yes " * 1001, "send": "y"})
    assert response.status_code == 422
    assert "Your answer must be 1000 words or fewer" in response.get_data(as_text=True)
    assert _fresh(case).state == CaseState.INFO_REQUESTED


@pytest.mark.parametrize(("section", "field", "value", "message"), [
    ("difference", "evidence", "word " * 401,
     "How you know it made a difference must be 400 words or fewer (it is 401 words)"),
    ("about", "title", "a b c d e f g h i j k l m n o p", "must be 15 words or fewer"),
    ("difference", "impact", "", "Enter an answer for ‘What impact it made’"),
    ("contact", "contact_email", "not an address",
     "Enter an email address in the correct format, like name@example.org"),
])
def test_amendments_keep_the_forms_limits(client, section, field, value, message) -> None:
    case = case_in(CaseState.INFO_REQUESTED)
    data = {k: v for k, v in case.answers.items() if isinstance(v, str)}
    data[field] = value
    response = client.post(_respond(case.token, "section", section), data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and f'href="#{field}"' in page
    assert _fresh(case).open_request.amendments == {}


def test_an_amendment_can_be_undone(client) -> None:
    case = case_in(CaseState.INFO_REQUESTED)
    original = case.answers["summary"]
    data = {k: case.answers[k] for k in ("costs", "transferability")}
    client.post(_respond(case.token, "section", "transfer"), data={**data, "summary": "New."})
    assert _fresh(case).open_request.amendments == {"summary": [original, "New."]}
    page = client.get(_respond(case.token, "section", "transfer")).get_data(as_text=True)
    assert "What you first sent for ‘Summary for publication’" in page
    client.post(_respond(case.token, "section", "transfer"), data={**data, "summary": "New.",
                                                                  "undo": "y"})
    assert _fresh(case).open_request.amendments == {}


def test_declarations_and_unknown_sections_cannot_be_amended(client) -> None:
    case = case_in(CaseState.INFO_REQUESTED)
    assert client.get(_respond(case.token, "section", "declarations")).status_code == 404
    assert client.get(_respond(case.token, "section", "nope")).status_code == 404
    with pytest.raises(KeyError):
        requests.amend_section(case, "declarations", {"no_identifying_information": False})


# --- evidence -----------------------------------------------------------------------------------

def test_evidence_is_sniffed_limited_and_reaches_staff_with_the_answer(client) -> None:
    case = case_in(CaseState.INFO_REQUESTED, files=3)
    url = _respond(case.token, "evidence")
    assert "It holds 3 now" in client.get(url).get_data(as_text=True)
    # A renamed file is judged by what it is.
    response = client.post(url, data={"file": (io.BytesIO(b"MZ\x90\x00 exe"),
                                               "report.pdf")})
    assert response.status_code == 422
    assert "Its contents do not match" in response.get_data(as_text=True)
    big = b"%PDF-" + b"0" * uploads.MAX_BYTES
    response = client.post(url, data={"file": (io.BytesIO(big), "big.pdf")})
    assert response.status_code == 422 and "smaller than 10 MB" in response.get_data(
        as_text=True)
    response = client.post(url, data={})
    assert response.status_code == 422 and "Select a file to upload" in response.get_data(
        as_text=True)

    for name, data in (("audit.pdf", PDF), ("chart", PNG)):
        response = client.post(url, data={"file": (io.BytesIO(data), name)})
        assert response.status_code == 303
    case = _fresh(case)
    assert [(f.original_name, f.kind) for f in case.files] == [
        ("audit.pdf", "PDF"), ("chart.png", "PNG image")]
    # Five in all, counting the three sent with the submission.
    page = client.get(url).get_data(as_text=True)
    assert "holds as many files as it can" in page
    with pytest.raises(CaseRefused, match="up to 5 files"):
        requests.add_file(case, "one-more.pdf", PDF)

    # Staff do not see a draft answer's files ...
    reader = staff(Role.SCREENER)
    sign_in(client, reader)
    audit_pdf = case.files[0]
    assert client.get(f"/validation/cases/{case.id}/files/{audit_pdf.id}").status_code == 404
    assert "audit.pdf" not in client.get(f"/validation/cases/{case.id}").get_data(as_text=True)
    # ... until the answer is sent.
    requests.answer_request(case, "The audit is attached.")
    page = client.get(f"/validation/cases/{case.id}").get_data(as_text=True)
    assert "audit.pdf" in page and "They added 2 files" in page
    download = client.get(f"/validation/cases/{case.id}/files/{audit_pdf.id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["Cache-Control"] == "private, no-store"


def test_continue_sends_the_file_chosen_with_it(client) -> None:
    # The way back to the answer had been a link beside the form: a file chosen and not yet
    # uploaded was lost. Continue is in the form now, and uploads it on the way.
    case = case_in(CaseState.INFO_REQUESTED)
    url = _respond(case.token, "evidence")
    page = client.get(url).get_data(as_text=True)
    start = page.index('<form method="post" enctype="multipart/form-data"')
    form = page[start:page.index("</form>", start)]
    assert re.search(r'name="go_on" class="govuk-button"[^>]*>\s*Continue\s*<', form)
    response = client.post(url, data={"file": (io.BytesIO(PDF), "audit.pdf"), "go_on": "y"})
    assert response.status_code == 303 and response.location.endswith(_respond(case.token))
    answer_page = client.get(response.location).get_data(as_text=True)
    assert "‘audit.pdf’ added" in answer_page and "1 you added now: audit.pdf" in answer_page
    response = client.post(url, data={"go_on": "y"})
    assert response.status_code == 303 and response.location.endswith(_respond(case.token))
    assert [f.original_name for f in _fresh(case).files] == ["audit.pdf"]


def test_the_submitter_removes_only_files_of_the_open_request(client) -> None:
    case = case_in(CaseState.INFO_REQUESTED)
    kept = requests.add_file(case, "first.pdf", PDF)
    requests.answer_request(case, "Attached.")
    screener = db.session.get(User, case.screener_id)
    requests.request_information(_fresh(case), screener, "And the second year?")
    case = _fresh(case)
    added = requests.add_file(case, "second.pdf", PDF)
    stored = uploads.path_of(added.stored_name)
    assert stored.is_file()
    assert client.post(_respond(case.token, "evidence", str(kept.id), "remove")).status_code \
        == 404
    # The page offers to remove only this answer's file; the earlier one is listed as sent.
    page = client.get(_respond(case.token, "evidence")).get_data(as_text=True)
    removes = re.findall(r'<form method="post" action="([^"]+/remove)"', page)
    assert removes == [_respond(case.token, "evidence", str(added.id), "remove")]
    assert "first.pdf</a> <span class=\"app-meta\">(sent with an earlier answer)" in page
    response = client.post(removes[0])
    assert response.status_code == 303
    case = _fresh(case)
    assert [f.original_name for f in case.files] == ["first.pdf"] and not stored.exists()


# --- one personal link, one case ----------------------------------------------------------------

def test_a_personal_link_reaches_only_its_own_case(client) -> None:
    mine = case_in(CaseState.INFO_REQUESTED)
    theirs = case_in(CaseState.INFO_REQUESTED)
    their_file = requests.add_file(theirs, "theirs.pdf", PDF)
    assert client.get(_respond(mine.token, "files", str(their_file.id))).status_code == 404
    assert client.post(_respond(mine.token, "evidence", str(their_file.id), "remove")) \
        .status_code == 404
    assert client.get(_respond(theirs.token, "files", str(their_file.id))).data == PDF
    assert db.session.get(CaseFile, their_file.id) is not None
    # Answering through one link changes only that case.
    client.post(_respond(mine.token), data={"answer": "Mine.", "send": "y"})
    assert _fresh(mine).state == CaseState.SCREENING
    assert _fresh(theirs).state == CaseState.INFO_REQUESTED


@pytest.mark.parametrize(("method", "path"), [
    ("get", "/validation/respond/not-a-token"),
    ("post", "/validation/respond/not-a-token"),
    ("get", "/validation/respond/not-a-token/section/about"),
    ("get", "/validation/respond/not-a-token/evidence"),
    ("post", "/validation/respond/not-a-token/evidence/1/remove"),
    ("get", "/validation/respond/not-a-token/files/1"),
    ("get", "/validation/respond/not-a-token/withdraw"),
    ("post", "/validation/respond/not-a-token/withdraw"),
])
def test_unknown_links_are_not_found(client, method, path) -> None:
    response = getattr(client, method)(path)
    assert response.status_code == 404 and "Page not found" in response.get_data(as_text=True)


def test_a_delegates_booking_link_is_not_a_case_link(client) -> None:
    case = received_case()
    from workshops.models import Booking

    booking = db.session.scalar(select(Booking).where(Booking.email == case.submitter_email))
    assert client.get(_respond(booking.token)).status_code == 404


# --- the status page ----------------------------------------------------------------------------

@pytest.mark.parametrize(("state", "says"), [
    (CaseState.RECEIVED, "We will check it is complete"),
    (CaseState.SCREENING, "We are checking your submission is complete"),
    (CaseState.WITH_PANEL, "A panel of sector experts is reading your submission"),
    (CaseState.WITHDRAWN, "You withdrew this submission"),
])
def test_the_link_shows_the_status_in_plain_english(client, state, says) -> None:
    case = case_in(state)
    page = client.get(_respond(case.token)).get_data(as_text=True)
    assert says in page and case.reference in page
    assert ("Withdraw your submission" in page) == (state != CaseState.WITHDRAWN)


def test_the_status_page_shows_no_staff_notes_or_scores(client) -> None:
    case = case_in(CaseState.SCREENING)
    screener = db.session.get(User, case.screener_id)
    screening.pass_to_panel(case, screener, note="Weak evidence, internal only.")
    case = _fresh(case)
    case.decision_rationale = "Scores were 1, 1 and 2."
    db.session.commit()
    page = client.get(_respond(case.token)).get_data(as_text=True)
    assert "With the expert panel" in page
    assert "internal only" not in page and "Scores were" not in page
    assert screener.email not in page


# --- the reminder -------------------------------------------------------------------------------

def _age(request: InfoRequest, days: int) -> None:
    request.asked_at = clock.now() - timedelta(days=days)
    db.session.commit()


def test_one_reminder_after_the_set_days_if_unanswered(app, mailbox) -> None:
    waiting = case_in(CaseState.INFO_REQUESTED)
    answered = case_in(CaseState.INFO_REQUESTED)
    withdrawn = case_in(CaseState.INFO_REQUESTED)
    requests.answer_request(answered, "Done.")
    withdrawal.withdraw(withdrawn)
    mailbox.clear()
    for case in (waiting, answered, withdrawn):
        _age(_fresh(case).requests[0], 13)
    assert request_reminders.send_reminders() == 0  # not yet due
    for case in (waiting, answered, withdrawn):
        _age(_fresh(case).requests[0], 14)
    assert remind_to_answer_questions.call_local() == 1  # the periodic task itself
    assert request_reminders.send_reminders() == 0  # and never twice
    (reminder,) = mailbox.messages
    assert reminder["To"] == waiting.submitter_email
    assert reminder["Subject"] == ("Reminder: questions about your practice submission "
                                   f"{waiting.reference}")
    text = _text(reminder)
    assert "only reminder" in text and f"/validation/respond/{waiting.token}" in text
    assert _fresh(waiting).requests[0].reminded_at is not None


def test_a_new_request_gets_its_own_reminder(app, mailbox) -> None:
    case = case_in(CaseState.INFO_REQUESTED)
    _age(case.requests[0], 20)
    assert request_reminders.send_reminders() == 1
    requests.answer_request(_fresh(case), "Here.")
    screener = db.session.get(User, _fresh(case).screener_id)
    requests.request_information(_fresh(case), screener, "One more thing.")
    _age(_fresh(case).requests[1], 20)
    assert request_reminders.send_reminders() == 1


# --- withdrawal ---------------------------------------------------------------------------------

@pytest.mark.parametrize("state", [CaseState.RECEIVED, CaseState.SCREENING,
                                   CaseState.INFO_REQUESTED, CaseState.WITH_PANEL])
def test_a_submitter_withdraws_from_any_open_state(client, mailbox, state) -> None:
    case = case_in(state)
    mailbox.clear()
    page = client.get(_respond(case.token, "withdraw")).get_data(as_text=True)
    assert "Withdraw your practice submission?" in page and "You cannot undo this" in page
    response = client.post(_respond(case.token, "withdraw"),
                           data={"reason": "Our service has been recommissioned."})
    assert response.status_code == 303
    case = _fresh(case)
    assert case.state == CaseState.WITHDRAWN
    entry = db.session.scalars(select(AuditEntry).where(
        AuditEntry.entity == "validation_case", AuditEntry.entity_id == case.id)
        .order_by(AuditEntry.id.desc())).first()
    assert entry.action == "withdraw" and entry.actor_label == case.submitter_email
    assert entry.details == {"reference": case.reference, "before": str(state),
                             "after": "withdrawn",
                             "reason": "Our service has been recommissioned."}
    (mail,) = mailbox.to(case.submitter_email)
    assert mail["Subject"] == f"You have withdrawn practice submission {case.reference}"
    if case.screener_id:
        screener = db.session.get(User, case.screener_id)
        assert "recommissioned" in _text(mailbox.to(screener.email)[0])
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You withdrew this submission" in page and "Withdraw your submission" not in page


def test_organisers_see_a_withdrawn_submission_as_withdrawn_and_it_is_not_exported_on(
        app) -> None:
    kept, gone = received_case(), case_in(CaseState.SCREENING)
    withdrawal.withdraw(gone)
    organiser = app.test_client()
    sign_in(organiser, Role.ORGANISER)
    listing = organiser.get("/feedback/submissions").text
    row = re.search(rf"{gone.reference}.*?</tr>", listing, re.S).group(0)
    assert "Withdrawn" in row
    assert "Received" in re.search(rf"{kept.reference}.*?</tr>", listing, re.S).group(0)
    detail = organiser.get(f"/feedback/submissions/{gone.submission_id}").text
    assert re.search(r"Status\s*</dt>\s*<dd[^>]*>\s*Withdrawn", detail)
    exported = organiser.get("/feedback/submissions.json").get_json()
    assert [s["reference"] for s in exported["submissions"]] == [kept.reference]
    assert exported["submissions"][0]["status"] == "Received"
    # The submitter's own pages in the feedback plugin say so too.
    submission = db.session.get(Submission, gone.submission_id)
    status = app.test_client().get(f"/feedback/practice/{submission.token}").text
    assert 'id="withdrawn"' in status and "What happens next" not in status
    assert f'href="/validation/respond/{gone.token}"' in status  # followed into validation
    landing = app.test_client().get(f"/feedback/booking/{submission.booking.token}").text
    assert f"Withdrawn {gone.reference}" in landing and f"Sent {gone.reference}" not in landing
    spreadsheet = organiser.get("/feedback/submissions.csv")
    assert spreadsheet.data.startswith(b"\xef\xbb\xbfReference,Status,Submitted,")
    assert f"{gone.reference},Withdrawn," in spreadsheet.text
    assert re.search(rf"{kept.reference},Received,\d{{4}}-\d\d-\d\d \d\d:\d\d,",
                     spreadsheet.text)


@pytest.mark.parametrize(("reason", "message"), [
    ("no " * 201, "Your reason must be 200 words or fewer"),
    ("n" * 6_001, "Your reason must be 6,000 characters or fewer"),
])
def test_a_withdrawal_reason_has_a_limit(client, reason, message) -> None:
    case = received_case()
    response = client.post(_respond(case.token, "withdraw"), data={"reason": reason})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _fresh(case).state == CaseState.RECEIVED
