"""Screening: the queue, the case page, the checklist, passing to the panel, the state table, and
who may do what, route by route."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from tests.validation.support import FLAGGED_TEXT, case_in, received_case, sign_in, staff
from validation import requests, screening, withdrawal, workflow
from validation.models import Case, CaseState
from validation.workflow import TRANSITIONS, CaseRefused
from workshops.extensions import db
from workshops.models import AuditEntry, Role, User
from workshops.transitions import TransitionNotAllowed


@pytest.fixture()
def app_overrides(tmp_path: Path) -> dict:
    return {"EVIDENCE_FOLDER": str(tmp_path / "evidence")}


def _audit(case: Case) -> list[AuditEntry]:
    return list(db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "validation_case",
                                 AuditEntry.entity_id == case.id).order_by(AuditEntry.id)))


def _fresh(case: Case) -> Case:
    db.session.expire_all()
    return db.session.get(Case, case.id)


# --- the state table ----------------------------------------------------------------------------

ILLEGAL = [(action, state) for action, table in TRANSITIONS.items()
           for state in (None, *CaseState) if state not in table]
LEGAL = [(action, state, after) for action, table in TRANSITIONS.items()
         for state, after in table.items()]


def test_the_table_is_walked_whole() -> None:
    # 11 actions over 10 states (none, and the 9 of CaseState): every pair is one or the other.
    assert len(ILLEGAL) + len(LEGAL) == len(TRANSITIONS) * (len(CaseState) + 1)
    assert ("withdraw", CaseState.DECIDED) in ILLEGAL and ("decide", None) in ILLEGAL


def test_every_change_the_table_does_not_list_is_refused(app) -> None:
    case = received_case()
    for action, state in ILLEGAL:
        case.state = state
        with pytest.raises(TransitionNotAllowed):
            workflow.move(case, action, actor="test")
        assert case.state == state, (action, state)  # refused means untouched
    db.session.rollback()
    assert _fresh(case).state == CaseState.RECEIVED


def test_every_change_the_table_lists_is_made(app) -> None:
    case = received_case()
    for action, state, after in LEGAL:
        case.state = state
        assert workflow.move(case, action, actor="test") == after
    db.session.rollback()


@pytest.mark.parametrize(("state", "call"), [
    (CaseState.SCREENING, lambda case, user: screening.start_screening(case, user)),
    (CaseState.RECEIVED, lambda case, user: screening.pass_to_panel(case, user,
                                                                   flags_reviewed=True)),
    (CaseState.RECEIVED, lambda case, user: requests.request_information(case, user, "Why?")),
    (CaseState.SCREENING, lambda case, user: requests.answer_request(case, "Because.")),
    (CaseState.WITHDRAWN, lambda case, user: withdrawal.withdraw(case)),
    (CaseState.RECEIVED, lambda case, user: screening.close_at_screening(case, user, "Spam.")),
])
def test_domain_functions_refuse_a_case_in_the_wrong_state(app, state, call) -> None:
    case = case_in(state)
    with pytest.raises((TransitionNotAllowed, CaseRefused)):
        call(case, staff(Role.SCREENER))
    assert _fresh(case).state == state


def test_the_pages_answer_409_not_500_when_the_case_has_moved_on(client) -> None:
    screening_case = case_in(CaseState.SCREENING)
    received = received_case()
    withdrawn = case_in(CaseState.WITHDRAWN)
    sign_in(client, Role.SCREENER)
    for method, url, data in [
        ("post", f"/validation/cases/{screening_case.id}/start", {}),
        ("get", f"/validation/cases/{received.id}/screen", None),
        ("post", f"/validation/cases/{withdrawn.id}/screen", {"flags_reviewed": "y"}),
        ("post", f"/validation/cases/{received.id}/request", {"questions": "Why?"}),
        ("post", f"/validation/cases/{withdrawn.id}/close", {"reason": "A copy."}),
    ]:
        response = getattr(client, method)(url, data=data)
        assert response.status_code == 409, (url, response.status_code)
        assert "This case has moved on" in response.get_data(as_text=True)
    for method, url, data in [
        ("post", f"/validation/respond/{screening_case.token}", {"answer": "Here.", "send": "y"}),
        ("post", f"/validation/respond/{withdrawn.token}/withdraw", {}),
        ("get", f"/validation/respond/{withdrawn.token}/withdraw", None),
        ("post", f"/validation/respond/{received.token}/section/practice", {"context": "x"}),
        ("post", f"/validation/respond/{received.token}/evidence", {}),
    ]:
        response = getattr(client, method)(url, data=data)
        assert response.status_code == 409, (url, response.status_code)
        assert "Nothing has been changed" in response.get_data(as_text=True)
    assert _fresh(withdrawn).state == CaseState.WITHDRAWN


# --- the queue ----------------------------------------------------------------------------------

def test_the_queue_lists_open_cases_with_counts_days_and_flags(client) -> None:
    flagged = received_case(flagged=True, title="Family network meetings")
    screened = case_in(CaseState.SCREENING, title="Neglect toolkit clinic")
    gone = case_in(CaseState.WITHDRAWN, title="A withdrawn example")
    sign_in(client, Role.PANEL_CHAIR)
    page = client.get("/validation/").get_data(as_text=True)
    assert flagged.reference in page and screened.reference in page
    assert gone.reference not in page  # open cases by default
    assert "Open (2)" in page and "Received (1)" in page and "Withdrawn (1)" in page
    assert "1 flagged" in page and "0 days" in page and "North East" in page
    assert f'href="/validation/cases/{flagged.id}"' in page

    withdrawn = client.get("/validation/?state=withdrawn").get_data(as_text=True)
    assert gone.reference in withdrawn and flagged.reference not in withdrawn
    found = client.get("/validation/?q=toolkit").get_data(as_text=True)
    assert screened.reference in found and flagged.reference not in found
    assert "No cases match" in client.get("/validation/?q=nothing-like-it").get_data(
        as_text=True)
    # A search counts only what it matches, and points to a case in another state.
    assert "Open (1)" in found and "Withdrawn (0)" in found
    elsewhere = client.get(f"/validation/?q={gone.reference}").get_data(as_text=True)
    assert "No cases match" not in elsewhere and 'id="found-elsewhere"' in elsewhere
    assert f'href="/validation/?state=withdrawn&amp;q={gone.reference}">Withdrawn: 1 case' \
        in elsewhere
    assert client.get("/validation/?state=nonsense").status_code == 404
    assert client.get("/validation/?sort=nonsense&page=99").status_code == 200


def test_the_queue_says_what_to_do_when_empty(client) -> None:
    sign_in(client, Role.SCREENER)
    page = client.get("/validation/").get_data(as_text=True)
    assert "There are no open cases" in page


# --- the case page ------------------------------------------------------------------------------

def test_the_case_page_reads_the_submission_with_flags_marked_in_context(client) -> None:
    case = received_case(flagged=True, files=1)
    sign_in(client, Role.PANEL_CHAIR)
    page = client.get(f"/validation/cases/{case.id}").get_data(as_text=True)
    assert "Received" in page and case.title in page
    for title in ("About the practice and who runs it", "The difference it made", "Declarations"):
        assert title in page
    assert '<mark class="app-flag">Mrs Patel</mark>' in page
    assert "(flagged: A person’s name with a title" in page  # said, not only shown
    assert 'href="#answer-what_you_did"' in page  # the flag list links to the answer
    assert "evidence-1.pdf" in page and case.evidence[0]["url"] in page
    assert "Received from the practice form" in page  # the history thread
    # The chair may read but not screen.
    assert "Start screening" not in page and "Ask the submitter" not in page


def test_the_case_page_offers_what_the_role_allows_in_the_state(client) -> None:
    received = received_case()
    screener = sign_in(client, Role.SCREENER)
    page = client.get(f"/validation/cases/{received.id}").get_data(as_text=True)
    assert "Start screening" in page and "Screen this submission" not in page
    screening.start_screening(received, screener)
    page = client.get(f"/validation/cases/{received.id}").get_data(as_text=True)
    assert "Screen this submission" in page and "Ask the submitter for more information" in page
    assert screener.display_name in page


def test_an_unknown_case_is_not_found(client) -> None:
    sign_in(client, Role.SCREENER)
    for url in ("/validation/cases/999999", "/validation/cases/999999/screen",
                "/validation/cases/999999/request", "/validation/cases/999999/files/1"):
        assert client.get(url).status_code == 404, url


# --- screening ----------------------------------------------------------------------------------

def test_starting_screening_takes_the_case(client, mailbox) -> None:
    case = received_case()
    mailbox.clear()
    screener = sign_in(client, Role.SCREENER)
    response = client.post(f"/validation/cases/{case.id}/start")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/validation/cases/{case.id}/screen")
    case = _fresh(case)
    assert case.state == CaseState.SCREENING and case.screener_id == screener.id
    entry = _audit(case)[-1]
    assert entry.action == "start screening" and entry.actor_id == screener.id
    assert entry.details["before"] == "received" and entry.details["after"] == "screening"
    assert mailbox.messages == []  # nothing the submitter needs to know yet


def test_the_checklist_is_made_from_the_practice_form(app) -> None:
    from workshops.practice_form import PRACTICE_FORM

    case = received_case()
    items = screening.checklist(case)
    assert [i.key for i in items] == PRACTICE_FORM.keys
    assert all(i.ok for i in items) and screening.complete(case)
    summary = next(i for i in items if i.key == "summary")
    assert summary.note.endswith("of 150 words")
    assert next(i for i in items if i.key == "contact_phone").ok  # optional: still fine

    # Cases made before a rule changed can break it: the checklist says so, per question.
    answers = dict(case.answers)
    answers.update(summary="word " * 151, organisation_agrees=False, context="")
    case.answers = answers
    broken = {i.key: i for i in screening.checklist(case) if not i.ok}
    assert set(broken) == {"summary", "organisation_agrees", "context"}
    assert "150 words or fewer (it is 151 words)" in broken["summary"].note
    assert broken["organisation_agrees"].note.startswith("Declaration not ticked")
    assert broken["context"].note == "Enter an answer for ‘Context and need’"


def test_an_incomplete_case_cannot_pass_to_the_panel(client) -> None:
    case = case_in(CaseState.SCREENING)
    case.answers = {**case.answers, "evidence": ""}
    db.session.commit()
    with pytest.raises(CaseRefused, match="not complete"):
        screening.pass_to_panel(case, staff(Role.SCREENER))
    sign_in(client, Role.SCREENER)
    page = client.get(f"/validation/cases/{case.id}/screen").get_data(as_text=True)
    assert "1 answer needs attention" in page and "Needs attention" in page
    assert "Pass to the panel" not in page
    assert _fresh(case).state == CaseState.SCREENING


def test_passing_a_flagged_case_needs_the_flags_read(client, mailbox) -> None:
    case = case_in(CaseState.SCREENING, flagged=True)
    screener = sign_in(client, Role.SCREENER)
    page = client.get(f"/validation/cases/{case.id}/screen").get_data(as_text=True)
    assert "Mrs Patel" in page and "Checklist, from the practice form" in page
    response = client.post(f"/validation/cases/{case.id}/screen", data={"note": "Fine."})
    assert response.status_code == 422
    assert "Confirm you have read the possible identifying information" in \
        response.get_data(as_text=True)
    assert _fresh(case).state == CaseState.SCREENING

    response = client.post(f"/validation/cases/{case.id}/screen",
                           data={"flags_reviewed": "y", "note": "The name is the worker's."})
    assert response.status_code == 303
    case = _fresh(case)
    assert case.state == CaseState.WITH_PANEL
    entry = _audit(case)[-1]
    assert entry.action == "pass to panel" and entry.actor_id == screener.id
    assert entry.details["note"] == "The name is the worker's." and entry.details["flags"] == 1
    mail = mailbox.to(case.submitter_email)[-1]
    assert mail["Subject"] == f"Your practice submission {case.reference} is with the expert panel"
    text = mail.get_body(("plain",)).get_content()
    assert f"/validation/respond/{case.token}" in text and "You are receiving this" in text
    assert mail.get_body(("html",)) is not None
    # The note is for staff: the history shows it, the submitter's page never does.
    assert "The name is the worker&#39;s." in client.get(
        f"/validation/cases/{case.id}").get_data(as_text=True)
    assert "worker" not in client.get(f"/validation/respond/{case.token}").get_data(
        as_text=True)


def test_a_note_to_the_panel_has_a_limit(client) -> None:
    case = case_in(CaseState.SCREENING)
    sign_in(client, Role.SCREENER)
    response = client.post(f"/validation/cases/{case.id}/screen", data={"note": "word " * 301})
    assert response.status_code == 422
    assert "Note to the panel must be 300 words or fewer (it is 301 words)" in response.text


def test_a_screener_closes_what_is_not_for_the_panel_and_says_why(client, mailbox) -> None:
    case = case_in(CaseState.SCREENING, title="Our new car park")
    screener = sign_in(client, db.session.get(User, case.screener_id))
    assert "Close it without the panel" in client.get(
        f"/validation/cases/{case.id}/screen").get_data(as_text=True)
    url = f"/validation/cases/{case.id}/close"
    for reason, message in (("", "Enter why the submission is closed"),
                            ("word " * 301, "The reason must be 300 words or fewer")):
        refused = client.post(url, data={"reason": reason})
        assert refused.status_code == 422
        assert message in refused.get_data(as_text=True) and 'href="#reason"' in \
            refused.get_data(as_text=True)
    assert _fresh(case).state == CaseState.SCREENING
    why = "This describes a building project, not practice with children and families."
    done = client.post(url, data={"reason": why})
    assert done.status_code == 303
    case = _fresh(case)
    assert case.state == CaseState.CLOSED_AT_SCREENING and case.feedback_to_submitter == why
    [entry] = [e for e in _audit(case) if e.action == "close at screening"]
    assert entry.actor_id == screener.id
    [told] = [m for m in mailbox.to(case.submitter_email)
              if m["Subject"] == f"Your practice submission {case.reference} will not go to "
                                 "the expert panel"]
    body = told.get_body(("plain",)).get_content()
    assert why in body and f"/validation/respond/{case.token}" in body
    status = client.get(f"/validation/respond/{case.token}").get_data(as_text=True)
    assert "Closed" in status and why in status
    page = client.get(f"/validation/cases/{case.id}").get_data(as_text=True)
    assert "Screening closed the case: it did not go to the panel." in page
    assert why in page.split('id="closed-reason"', 1)[1]  # staff read the reason too
    queue = client.get("/validation/?state=screened_out").get_data(as_text=True)
    assert "Our new car park" in queue and "Our new car park" not in \
        client.get("/validation/").get_data(as_text=True)  # not an open case


def test_two_screeners_cannot_both_start_the_same_case(app) -> None:
    case = received_case()
    first, second = staff(Role.SCREENER), staff(Role.SCREENER)
    stale = db.session.get(Case, case.id)  # the second screener's page, loaded earlier
    assert stale.state == CaseState.RECEIVED
    with app.app_context():  # the first screener's request, in a session of its own
        screening.start_screening(db.session.get(Case, case.id), db.session.get(User, first.id))
        db.session.remove()
    # The lock re-reads the state the first left, so the table refuses the second.
    with pytest.raises(TransitionNotAllowed):
        screening.start_screening(stale, second)
    assert _fresh(case).screener_id == first.id
    assert [e.action for e in _audit(case)].count("start screening") == 1


# --- who may do what, route by route ------------------------------------------------------------

STAFF_PAGES = [
    ("get", "/validation/"),
    ("get", "/validation/cases/{id}/close"),
    ("get", "/validation/cases/{id}"),
    ("get", "/validation/cases/{id}/screen"),
    ("get", "/validation/cases/{id}/request"),
    ("post", "/validation/cases/{id}/start"),
    ("get", "/validation/cases/{id}/files/1"),
]


@pytest.mark.parametrize(("method", "path"), STAFF_PAGES)
def test_staff_pages_need_sign_in(client, method, path) -> None:
    case = received_case()
    response = getattr(client, method)(path.format(id=case.id))
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]


@pytest.mark.parametrize(("method", "path"), STAFF_PAGES)
def test_organisers_are_not_validation_staff(client, method, path) -> None:
    case = case_in(CaseState.SCREENING)
    sign_in(client, Role.ORGANISER)
    assert getattr(client, method)(path.format(id=case.id)).status_code == 403


@pytest.mark.parametrize(("role", "method", "path", "state", "expected"), [
    # Screeners and the chair read every case; a panel member only those they are assigned
    # (tests/validation/test_case_access.py).
    (Role.PANEL_MEMBER, "get", "/validation/", CaseState.SCREENING, 403),
    (Role.PANEL_MEMBER, "get", "/validation/cases/{id}", CaseState.SCREENING, 403),
    (Role.PANEL_CHAIR, "get", "/validation/", CaseState.SCREENING, 200),
    (Role.PANEL_CHAIR, "get", "/validation/cases/{id}", CaseState.SCREENING, 200),
    # Screening is for screeners.
    (Role.PANEL_MEMBER, "post", "/validation/cases/{id}/start", CaseState.RECEIVED, 403),
    (Role.PANEL_CHAIR, "post", "/validation/cases/{id}/start", CaseState.RECEIVED, 403),
    (Role.PANEL_MEMBER, "get", "/validation/cases/{id}/screen", CaseState.SCREENING, 403),
    (Role.PANEL_CHAIR, "get", "/validation/cases/{id}/screen", CaseState.SCREENING, 403),
    (Role.SCREENER, "get", "/validation/cases/{id}/screen", CaseState.SCREENING, 200),
    (Role.ADMIN, "get", "/validation/cases/{id}/screen", CaseState.SCREENING, 200),
    (Role.PANEL_CHAIR, "get", "/validation/cases/{id}/close", CaseState.SCREENING, 403),
    (Role.SCREENER, "get", "/validation/cases/{id}/close", CaseState.SCREENING, 200),
    # Screeners ask while screening; the chair once the case is with the panel.
    (Role.PANEL_MEMBER, "get", "/validation/cases/{id}/request", CaseState.SCREENING, 403),
    (Role.PANEL_MEMBER, "get", "/validation/cases/{id}/request", CaseState.WITH_PANEL, 403),
    (Role.PANEL_CHAIR, "get", "/validation/cases/{id}/request", CaseState.SCREENING, 403),
    (Role.SCREENER, "get", "/validation/cases/{id}/request", CaseState.WITH_PANEL, 403),
    (Role.SCREENER, "get", "/validation/cases/{id}/request", CaseState.SCREENING, 200),
    (Role.PANEL_CHAIR, "get", "/validation/cases/{id}/request", CaseState.WITH_PANEL, 200),
    (Role.ADMIN, "get", "/validation/cases/{id}/request", CaseState.WITH_PANEL, 200),
])
def test_each_role_may_do_its_own_part(client, role, method, path, state, expected) -> None:
    case = case_in(state)
    sign_in(client, role)
    assert getattr(client, method)(path.format(id=case.id)).status_code == expected


def test_the_domain_checks_roles_too(app) -> None:
    case = received_case()
    with pytest.raises(CaseRefused, match="Only screeners"):
        screening.start_screening(case, staff(Role.PANEL_CHAIR))
    screening.start_screening(case, staff(Role.SCREENER))
    with pytest.raises(CaseRefused, match="Only screeners can ask"):
        requests.request_information(case, staff(Role.PANEL_CHAIR), "Why?")
    assert _fresh(case).state == CaseState.SCREENING


def test_flagged_text_is_kept_as_sent() -> None:
    # The support helper's sentence must keep being flagged, or the flag tests test nothing.
    from workshops.identifiers import scan_text

    assert [f.match for f in scan_text("what_you_did", FLAGGED_TEXT)] == ["Mrs Patel"]


def test_the_submitters_receipt_page_shows_where_validation_has_got_to(client) -> None:
    """Feedback's status page asks the installed plugins; it imports nothing of validation's."""
    import re

    from feedback.models import Submission

    def status(page: str) -> str:
        return re.search(r'govuk-tag--blue">\s*([^<]+?)\s*<', page).group(1)

    case = received_case()
    token = db.session.get(Submission, case.submission_id).token
    page = client.get(f"/feedback/practice/{token}").get_data(as_text=True)
    assert status(page) == "Received" and f'href="/validation/respond/{case.token}"' in page
    screening.start_screening(case, staff(Role.SCREENER))
    page = client.get(f"/feedback/practice/{token}").get_data(as_text=True)
    # The submitter's words, the same on both of their pages; staff's list says "Screening".
    assert status(page) == "Being checked"
    assert status(client.get(f"/validation/respond/{case.token}").text) == "Being checked"


def test_the_audit_log_says_what_happened_to_a_case(app, client) -> None:
    case = case_in(CaseState.WITH_PANEL)
    sign_in(client, Role.ADMIN)
    page = client.get("/organiser/audit").text
    # What happened, as the core's entries say it ("Booked"), not the step's name.
    for said in ("Screening started", "Passed to the panel"):
        assert f">{said}<" in page or f"{said}</" in page, said
    assert "Pass to panel" not in page and "Start screening" not in page
    # Its states as the case pages name them, not as stored.
    assert "after: With the panel" in page and "before: Screening" in page
    assert "with_panel" not in page
    filtered = client.get("/organiser/audit?action=pass+to+panel").text
    assert "Passed to the panel" in filtered and case.reference in filtered
