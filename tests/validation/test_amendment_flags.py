"""Identifying information in a submitter's amendments: scanned as the e-form's text is at
submission, shown beside the answer it is in, changed or confirmed before the answer can go, and
then carried into the case's flags, where the check on the public text finds it."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.validation.support import FLAGGED_TEXT, case_in, sign_in
from tests.validation.test_panel import person, score, seed_rubric
from validation import panel, publication, requests
from validation.models import Case, CaseState, Level
from validation.requests import AnswerInvalid
from workshops.extensions import db
from workshops.models import AuditEntry, Role

REFUSED = ("Check the highlighted text in ‘What you did’ and confirm it does not identify a "
           "child, parent or carer, or change it")
# A valid NHS number (its check digit holds), from the scanner's own corpus.
NHS = "943 476 5919"
NAMED = f"We worked with Mrs Patel's son Jack, NHS number {NHS}, every week for a year."
PLAIN = "We worked with one family every week for a year, with a named worker throughout."
SECTION = "practice"  # 'The practice', which holds 'What you did'


def _fresh(case: Case) -> Case:
    db.session.expire_all()
    return db.session.get(Case, case.id)


def _url(case: Case, *rest: str) -> str:
    return "/".join(["/validation/respond", case.token, *rest])


def _practice(case: Case, **changes: str) -> dict[str, str]:
    """The section's form as the page posts it: the case's answers, with `changes`."""
    keys = ("theme", "context", "what_you_did", "outcomes_aimed")
    return {**{key: case.answers[key] for key in keys}, **changes}


def _amend(client, case: Case, **data: str):  # noqa: ANN001, ANN202
    return client.post(_url(case, "section", SECTION), data=_practice(case, **data))


def _part(page: str, element_id: str) -> str:
    """The element with `element_id`, up to the end of its first block: enough to say 'beside'."""
    found = re.search(rf'id="{element_id}".*?</(?:div|dd)>', page, re.S)
    assert found, f"no #{element_id} on the page"
    return found.group(0)


def _found(flags: list[dict]) -> list[tuple[str, str, str]]:
    return [(f["field"], f["kind"], f["match"]) for f in flags]


def _answer_audit(case: Case) -> AuditEntry:
    return db.session.scalars(select(AuditEntry).where(
        AuditEntry.entity == "validation_case", AuditEntry.entity_id == case.id,
        AuditEntry.action.like("answer to %"))).one()


# --- shown beside the answer ------------------------------------------------------------------

def test_an_amendment_naming_a_family_is_saved_and_flagged_beside_the_answer(client) -> None:
    case = case_in(CaseState.INFO_REQUESTED)
    response = _amend(client, case, what_you_did=NAMED)
    # Saved, and back to the section rather than on to the answer: there is something to check.
    assert response.status_code == 303
    assert response.headers["Location"].endswith(_url(case, "section", SECTION))
    request = _fresh(case).open_request
    assert request.amendments["what_you_did"][1] == NAMED
    assert _found(request.flags) == [("what_you_did", "titled_name", "Mrs Patel"),
                                     ("what_you_did", "nhs_number", NHS)]
    assert not any(flag["confirmed"] for flag in request.flags)

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Changes to ‘The practice’ saved. Some of the text may identify" in page
    assert "Some of your changes may identify a child, parent or carer" in page
    assert "We found 2 things in your changes" in page
    beside = _part(page, "flags-what_you_did")
    assert "These may identify someone (in ‘What you did’)" in beside
    assert "<mark>Mrs Patel</mark>" in beside and f"<mark>{NHS}</mark>" in beside
    assert "An NHS number" in beside and "such as Mrs Patel" in beside
    # The note follows the answer it is about.
    assert page.index('id="what_you_did"') < page.index('id="flags-what_you_did"') \
        < page.index('id="outcomes_aimed"')
    assert 'name="flags_confirmed"' in page
    assert "I have checked the highlighted text: it does not identify a child, parent or " \
        "carer" in page

    answer_page = client.get(_url(case)).get_data(as_text=True)
    row = _part(answer_page, f"section-{SECTION}")
    assert "Check highlighted text" in row and "2 things in your changes may identify" in row
    assert "Check highlighted text" not in _part(answer_page, "section-difference")


def test_the_contacts_own_details_are_not_scanned(client) -> None:
    case = case_in(CaseState.INFO_REQUESTED)
    response = client.post(_url(case, "section", "contact"), data={
        "contact_name": "Dr Jane Smith", "contact_role": "Head of early help",
        "contact_email": "jane.smith@example.gov.uk", "contact_phone": "0113 496 0000"})
    assert response.status_code == 303 and response.headers["Location"].endswith(_url(case))
    request = _fresh(case).open_request
    assert request.amendments["contact_name"][1] == "Dr Jane Smith" and request.flags == []


# --- changed or confirmed before the answer can go --------------------------------------------

def test_answering_without_confirming_is_refused_beside_the_section(client) -> None:
    case = case_in(CaseState.INFO_REQUESTED)
    _amend(client, case, what_you_did=NAMED)
    response = client.post(_url(case), data={"answer": "Twelve families.", "send": "y"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert REFUSED in _part(page, f"section-{SECTION}")
    assert "Check the highlighted text" not in _part(page, "section-difference")
    # The error summary leads to the answer on the section's page.
    assert f'href="{_url(case, "section", SECTION)}#what_you_did"' in page
    case = _fresh(case)
    assert case.state == CaseState.INFO_REQUESTED and case.flags == []
    assert "Mrs Patel" not in case.answers["what_you_did"]
    assert case.open_request.answer == "Twelve families."  # kept for when they come back
    with pytest.raises(AnswerInvalid) as refused:
        requests.answer_request(case, "Twelve families.")
    assert refused.value.errors == {"what_you_did": REFUSED}


def test_changing_the_text_takes_the_flag_away(client) -> None:
    case = case_in(CaseState.INFO_REQUESTED)
    flagged = client.get(_amend(client, case, what_you_did=NAMED).headers["Location"])
    assert "<mark>Mrs Patel</mark>" in flagged.get_data(as_text=True)
    response = _amend(client, case, what_you_did=PLAIN)
    assert response.status_code == 303 and response.headers["Location"].endswith(_url(case))
    assert _fresh(case).open_request.flags == []
    page = client.get(_url(case, "section", SECTION)).get_data(as_text=True)
    assert "may identify" not in page and 'name="flags_confirmed"' not in page
    assert "Check highlighted text" not in client.get(_url(case)).get_data(as_text=True)
    response = client.post(_url(case), data={"answer": "Twelve families.", "send": "y"})
    assert response.status_code == 303
    case = _fresh(case)
    assert case.state == CaseState.SCREENING and case.answers["what_you_did"] == PLAIN
    assert case.flags == [] and _answer_audit(case).details["flags"] == 0


def test_a_tick_confirms_only_what_the_page_has_shown(client) -> None:
    case = case_in(CaseState.INFO_REQUESTED)
    # Ticked with text the page has not flagged yet: the new findings still wait to be seen.
    response = _amend(client, case, what_you_did=NAMED, flags_confirmed="y")
    assert response.headers["Location"].endswith(_url(case, "section", SECTION))
    assert not any(flag["confirmed"] for flag in _fresh(case).open_request.flags)
    # Shown, then ticked with a new finding added: the shown one is confirmed, the new one not.
    response = _amend(client, case, what_you_did=f"{NAMED} Jack was born on 3 March 2004.",
                      flags_confirmed="y")
    assert response.headers["Location"].endswith(_url(case, "section", SECTION))
    flags = _fresh(case).open_request.flags
    assert [(f["match"], f["confirmed"]) for f in flags] == [
        ("Mrs Patel", True), (NHS, True), ("3 March 2004", False)]
    page = client.get(_url(case, "section", SECTION)).get_data(as_text=True)
    assert "We found 1 thing in your changes" in page
    assert "An NHS number</strong> – you confirmed it does not identify anyone" in page


def test_confirmed_flags_join_the_case_and_the_public_texts_check_finds_them(client) -> None:
    seed_rubric()
    chair = person(Role.PANEL_CHAIR, "Carol Chair")
    case = case_in(CaseState.INFO_REQUESTED, stage=CaseState.WITH_PANEL, chair=chair)
    _amend(client, case, what_you_did=NAMED)
    response = _amend(client, case, what_you_did=NAMED, flags_confirmed="y")
    assert response.status_code == 303 and response.headers["Location"].endswith(_url(case))
    assert all(flag["confirmed"] for flag in _fresh(case).open_request.flags)
    assert "Check highlighted text" not in client.get(_url(case)).get_data(as_text=True)
    response = client.post(_url(case), data={"answer": "Twelve families.", "send": "y"})
    assert response.status_code == 303

    case = _fresh(case)
    assert case.state == CaseState.WITH_PANEL and case.answers["what_you_did"] == NAMED
    assert _found(case.flags) == [("what_you_did", "titled_name", "Mrs Patel"),
                                  ("what_you_did", "nhs_number", NHS)]
    assert all("confirmed" not in flag for flag in case.flags)
    audit = _answer_audit(case)
    assert audit.action == "answer to panel" and audit.details["flags"] == 2

    # The panel validates it; the amended text reaches the public copy, and is caught there.
    first = person(Role.PANEL_MEMBER, "Ann Expert", "NSPCC")
    second = person(Role.PANEL_MEMBER, "Bob Expert", "Barnardo's")
    panel.assign(case, [first.id, second.id], actor=chair)
    db.session.commit()
    score(case, first, evidence=3, level=Level.VALIDATED)
    score(case, second, level=Level.VALIDATED)
    panel.decide(case, level=Level.VALIDATED, rationale="Clear outcomes.", feedback="Well done.",
                 actor=chair)
    db.session.commit()
    found = publication.publication_for(case)
    assert found.what_you_did == NAMED
    left = {leftover.match: leftover for leftover in publication.leftovers(found)}
    assert {"Mrs Patel", NHS} <= set(left)
    assert left[NHS].label == "An NHS number" and left[NHS].fields == ("What they did",)


def test_what_the_case_already_holds_is_not_asked_again_or_added_twice(client) -> None:
    case = case_in(CaseState.INFO_REQUESTED, flagged=True)  # 'Mrs Patel', confirmed when sent
    assert _found(case.flags) == [("what_you_did", "titled_name", "Mrs Patel")]
    _amend(client, case, what_you_did=f"{FLAGGED_TEXT} Her son's NHS number was {NHS}.")
    assert _found(_fresh(case).open_request.flags) == [("what_you_did", "nhs_number", NHS)]
    _amend(client, case, what_you_did=f"{FLAGGED_TEXT} Her son's NHS number was {NHS}.",
           flags_confirmed="y")
    assert client.post(_url(case), data={"answer": "Done.", "send": "y"}).status_code == 303
    case = _fresh(case)
    assert _found(case.flags) == [("what_you_did", "titled_name", "Mrs Patel"),
                                  ("what_you_did", "nhs_number", NHS)]
    assert _answer_audit(case).details["flags"] == 1


def test_text_the_submitter_takes_out_is_no_longer_flagged_to_staff(app) -> None:
    case = case_in(CaseState.INFO_REQUESTED, flagged=True)  # 'Mrs Patel', confirmed when sent
    assert _found(case.flags) == [("what_you_did", "titled_name", "Mrs Patel")]
    submitter = app.test_client()
    _amend(submitter, case, what_you_did="Weekly clinics with the health visitor and social "
           "workers built a shared chronology for every family open to neglect services.")
    response = submitter.post(_url(case), data={"answer": "Taken the name out.", "send": "y"})
    assert response.status_code == 303
    case = _fresh(case)
    assert case.state == CaseState.SCREENING and case.flags == []
    assert _answer_audit(case).details["flags_cleared"] == 1
    screener = app.test_client()
    sign_in(screener, Role.SCREENER)
    for url in (f"/validation/cases/{case.id}", "/validation/"):
        page = screener.get(url).get_data(as_text=True)
        assert case.reference in page
        assert " flagged" not in page and "Possible identifying information" not in page, url


def test_a_flag_whose_text_stays_follows_it_when_the_answer_moves_it(app) -> None:
    case = case_in(CaseState.INFO_REQUESTED, flagged=True)
    submitter = app.test_client()
    _amend(submitter, case, what_you_did="Since 2009, in Leeds: " + case.answers["what_you_did"])
    submitter.post(_url(case), data={"answer": "Added the year.", "send": "y"})
    case = _fresh(case)
    [flag] = case.flags
    assert case.answers["what_you_did"][flag["start"]:flag["end"]] == "Mrs Patel"
    assert _answer_audit(case).details["flags_cleared"] == 0


# --- nothing to confirm -------------------------------------------------------------------------

def test_an_amendment_with_nothing_identifying_needs_no_confirmation(client) -> None:
    case = case_in(CaseState.INFO_REQUESTED)
    response = _amend(client, case, what_you_did=PLAIN)
    assert response.status_code == 303 and response.headers["Location"].endswith(_url(case))
    assert _fresh(case).open_request.flags == []
    assert 'name="flags_confirmed"' not in client.get(
        _url(case, "section", SECTION)).get_data(as_text=True)
    response = client.post(_url(case), data={"answer": "Twelve families.", "send": "y"})
    assert response.status_code == 303
    case = _fresh(case)
    assert case.state == CaseState.SCREENING and case.answers["what_you_did"] == PLAIN
    assert case.flags == [] and _answer_audit(case).details["flags"] == 0
