"""The expert panel: declared interests, assignments, blind scoring, the decision, the rubric.

Cases are made the real way (a delegate's submission through the feedback plugin, screened
and passed on by a screener); mail goes over the real SMTP server; pages are fetched as each
role would fetch them.
"""

from __future__ import annotations

import html
import importlib.util
import re
from pathlib import Path

import pytest
from flask import g
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import select

from tests.conftest import Mailbox, login
from tests.validation.support import case_in, staff
from validation import panel
from validation.models import (
    Assignment,
    Case,
    CaseState,
    Level,
    Publication,
    PublicationStatus,
    RubricDescriptor,
)
from validation.workflow import CaseRefused
from workshops import signals
from workshops.extensions import db
from workshops.models import AuditEntry, Role, User

MIGRATION = Path(__file__).resolve().parents[2] / "migrations" / "versions" / \
    "d1a0b2c3d4e5_validation_cases_panel_rubric_.py"


# --- makings shared with test_publication.py and the browser test ---------------------------

def seed_rubric() -> None:
    """The migration's own descriptors: every test starts from empty tables, rubric included."""
    spec = importlib.util.spec_from_file_location("rubric_migration", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for criterion, texts in module.RUBRIC.items():
        for score, text in enumerate(texts):
            db.session.add(RubricDescriptor(criterion=criterion, score=score, descriptor=text))
    db.session.commit()


def person(role: Role, name: str, organisation: str | None = "Independent",
           authorities: tuple[str, ...] = ()) -> User:
    """A member of staff with a name; panel members declare `organisation` unless it is None."""
    user = staff(role, name.split()[0].lower())
    user.name = name
    db.session.commit()
    if organisation is not None:
        panel.declare_interests(user, organisation, authorities)
        db.session.commit()
    return user


def panel_case(**answers: str) -> Case:
    """A case with the panel, sent by Leeds City Council about practice in Leeds."""
    answers = {"organisation": "Leeds City Council", "local_authority": "Leeds", **answers}
    return case_in(CaseState.WITH_PANEL, **answers)


def score(case: Case, member: User, adequacy: int = 2, evidence: int = 2,
          transferability: int = 2, level: str = Level.PROMISING,
          rationale: str | None = None) -> Assignment:
    assignment = panel.assignment_of(case, member)
    panel.save_scores(assignment, scores={"adequacy": adequacy, "evidence": evidence,
                                          "transferability": transferability},
                      rationale=rationale or f"{member.name} found a clear account.",
                      recommended_level=level, final=True, actor=member)
    db.session.commit()
    return assignment


def scored_case(chair: User, first: User, second: User, **scores_of_first: int) -> Case:
    """A case both members have assigned and scored: ready for the chair's decision."""
    case = panel_case()
    panel.assign(case, [first.id, second.id], actor=chair)
    db.session.commit()
    score(case, first, rationale="Strong baseline data on re-referrals.", **scores_of_first)
    score(case, second, rationale="The costs section is thin.")
    return case


def as_(client: FlaskClient) -> FlaskClient:
    """`client` for its own user: Flask-Login caches the user in the shared app context's g."""
    g.pop("_login_user", None)
    return client


def signed_in(app, user: User) -> FlaskClient:  # noqa: ANN001
    client = app.test_client()
    login(as_(client), user)
    return client


def text(response) -> str:  # noqa: ANN001
    return response.get_data(as_text=True)


def mail_to(mailbox: Mailbox, address: str, subject_starts: str) -> list:
    """The messages to `address` about one thing (the submitter also has a receipt, etc.)."""
    return [m for m in mailbox.to(address) if str(m["Subject"]).startswith(subject_starts)]


@pytest.fixture()
def people(app) -> dict[str, User]:
    seed_rubric()
    return {
        "chair": person(Role.PANEL_CHAIR, "Carol Chair"),
        "ann": person(Role.PANEL_MEMBER, "Ann Expert", "NSPCC"),
        "bob": person(Role.PANEL_MEMBER, "Bob Expert", "Barnardo's", ("Bradford",)),
        "leeds": person(Role.PANEL_MEMBER, "Lee Conflicted", "The Leeds City council"),
        "area": person(Role.PANEL_MEMBER, "Ada Area", "Independent", ("York", "leeds")),
        "new": person(Role.PANEL_MEMBER, "Ned Undeclared", None),
    }


# --- declared interests ---------------------------------------------------------------------

def test_a_member_declares_interests_on_their_page(app, people) -> None:
    client = signed_in(app, people["new"])
    page = as_(client).get("/validation/interests")
    assert page.status_code == 200 and "not declared your interests yet" in text(page)
    response = as_(client).post("/validation/interests", data={
        "organisation": "  Action for Children ",
        "local_authorities": "Wakefield\r\n\r\nKirklees\r\n"})
    assert response.status_code == 303
    profile = panel.profile_of(people["new"])
    assert profile.organisation == "Action for Children"
    assert profile.local_authorities == ["Wakefield", "Kirklees"]
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "interests declared",
                                                      AuditEntry.actor_id == people["new"].id))
    page = text(as_(client).get("/validation/interests"))
    assert "Action for Children" in page and "Wakefield\nKirklees" in page


def test_the_organisation_is_required(app, people) -> None:
    client = signed_in(app, people["ann"])
    response = as_(client).post("/validation/interests", data={"organisation": " "})
    assert response.status_code == 422
    assert "Enter your organisation, or ‘Independent’ if you work for none" in text(response)


def test_organisations_compare_without_case_or_council_noise() -> None:
    assert panel.organisation_key("The Leeds City Council") == panel.organisation_key("leeds city")
    assert panel.organisation_key("Barnardo's") != panel.organisation_key("NSPCC")
    assert panel.organisation_key("Council") == ""


# --- assigning ------------------------------------------------------------------------------

def test_a_member_of_the_sending_organisation_is_refused(app, people) -> None:
    case = panel_case()
    with pytest.raises(CaseRefused, match="Lee Conflicted cannot be assigned: they work for "
                                          "The Leeds City council, which sent this practice"):
        panel.assign(case, [people["ann"].id, people["leeds"].id], actor=people["chair"])
    db.session.rollback()
    assert db.session.scalar(select(Assignment)) is None  # all or nothing


def test_a_member_working_with_the_local_authority_is_refused(app, people) -> None:
    case = panel_case()
    with pytest.raises(CaseRefused, match="Ada Area cannot be assigned: they work with Leeds, "
                                          "where this practice takes place"):
        panel.assign(case, [people["ann"].id, people["area"].id], actor=people["chair"])


def test_a_member_who_has_not_declared_is_refused_until_they_do(app, people) -> None:
    case = panel_case()
    with pytest.raises(CaseRefused, match="Ned Undeclared cannot be assigned until they "
                                          "declare their interests"):
        panel.assign(case, [people["ann"].id, people["new"].id], actor=people["chair"])
    db.session.rollback()
    panel.declare_interests(people["new"], "Independent", [])
    panel.assign(case, [people["ann"].id, people["new"].id], actor=people["chair"])
    db.session.commit()
    assert len(case.assignments) == 2


def test_a_case_needs_at_least_two_members(app, people) -> None:
    case = panel_case()
    for chosen in ([people["ann"].id], []):  # one ticked, or none: the same rule, said once
        with pytest.raises(CaseRefused, match="Choose at least two panel members"):
            panel.assign(case, chosen, actor=people["chair"])
        db.session.rollback()
    panel.assign(case, [people["ann"].id, people["bob"].id], actor=people["chair"])
    db.session.commit()
    with pytest.raises(CaseRefused, match="Choose a panel member to add"):
        panel.assign(case, [people["ann"].id], actor=people["chair"])
    db.session.rollback()
    # With two on the panel, one more may join alone.
    panel.assign(case, [people["chair"].id], actor=people["chair"])
    db.session.commit()
    assert [a.user.name for a in case.assignments] == ["Ann Expert", "Bob Expert", "Carol Chair"]
    assigned = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "panel member assigned")).all()
    assert len(assigned) == 3 and assigned[0].details["reference"] == case.reference


def test_only_the_chair_assigns_and_only_with_the_panel(app, people) -> None:
    case = panel_case()
    with pytest.raises(CaseRefused, match="Only the panel chair"):
        panel.assign(case, [people["ann"].id, people["bob"].id], actor=people["ann"])
    db.session.rollback()
    screening = case_in(CaseState.SCREENING)
    with pytest.raises(CaseRefused, match="only assign panel members while the case is with"):
        panel.assign(screening, [people["ann"].id, people["bob"].id], actor=people["chair"])
    # The page says so at once, with nothing to tick; a stale form posted is refused the same.
    client = signed_in(app, people["chair"])
    url = f"/validation/cases/{screening.id}/panel/assign"
    page = as_(client).get(url)
    assert page.status_code == 200 and 'id="assign-closed"' in text(page)
    assert "it is ‘screening’" in text(page) and 'name="members"' not in text(page)
    stale = as_(client).post(url, data={"members": [people["ann"].id, people["bob"].id]})
    assert stale.status_code == 409 and 'id="assign-closed"' in text(stale)
    assert not db.session.get(Case, screening.id).assignments


def test_the_assign_page_marks_conflicts_and_refuses_them_with_a_message(app, people,
                                                                         mailbox) -> None:
    case = panel_case()
    client = signed_in(app, people["chair"])
    page = text(as_(client).get(f"/validation/cases/{case.id}/panel/assign"))
    assert "Conflict of interest: they work for The Leeds City council" in page
    assert "Conflict of interest: they work with Leeds" in page
    assert "Not declared: cannot be assigned until they declare their interests" in page
    # Those who cannot be assigned are listed apart, with no box to tick (the refusal below
    # answers a forged post).
    offered = re.findall(r'<input[^>]*name="members"[^>]*value="(\d+)"', page) + re.findall(
        r'<input[^>]*value="(\d+)"[^>]*name="members"', page)
    free = ("chair", "ann", "bob")
    assert sorted(set(map(int, offered))) == sorted(people[who].id for who in free)
    apart = page.split('id="cannot-be-assigned"', 1)[1]
    assert all(name in apart for name in ("Lee Conflicted", "Ada Area", "Ned Undeclared"))
    response = as_(client).post(f"/validation/cases/{case.id}/panel/assign",
                                data={"members": [people["ann"].id, people["leeds"].id]})
    assert response.status_code == 422
    body = text(response)
    assert "There is a problem" in body and 'href="#members"' in body
    assert "Lee Conflicted cannot be assigned: they work for" in body
    assert db.session.scalar(select(Assignment)) is None
    response = as_(client).post(f"/validation/cases/{case.id}/panel/assign",
                                data={"members": [people["ann"].id]})
    assert response.status_code == 422 and "Choose at least two panel members" in text(response)
    response = as_(client).post(f"/validation/cases/{case.id}/panel/assign",
                                data={"members": [people["ann"].id, people["bob"].id]})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/validation/cases/{case.id}#panel")
    page = text(as_(client).get(f"/validation/cases/{case.id}"))
    assert "Ann Expert" in page and "Bob Expert" in page and "Not yet" in page
    assert "They have been emailed" in page
    for who in ("ann", "bob"):
        [told] = mail_to(mailbox, people[who].email, "Please assess practice submission")
        body = told.get_body(("plain",)).get_content()
        assert f"Hello {people[who].name}," in body and case.reference in body
        assert f"/validation/cases/{case.id}/score" in body
    assert mail_to(mailbox, people["leeds"].email, "Please assess") == []


def test_members_can_be_removed_until_they_have_scored(app, people) -> None:
    case = panel_case()
    panel.assign(case, [people["ann"].id, people["bob"].id], actor=people["chair"])
    db.session.commit()
    score(case, people["ann"])
    ann, bob = case.assignments
    client = signed_in(app, people["chair"])
    refused = as_(client).post(f"/validation/cases/{case.id}/panel/assignments/{ann.id}/remove")
    assert refused.status_code == 409 and "Ann Expert has submitted scores" in text(refused)
    confirm = text(as_(client).get(
        f"/validation/cases/{case.id}/panel/assignments/{bob.id}/remove"))
    assert "Remove Bob Expert from this case?" in confirm and "fewer than two" in confirm
    assert as_(client).post(
        f"/validation/cases/{case.id}/panel/assignments/{bob.id}/remove").status_code == 303
    db.session.expire_all()
    assert [a.user.name for a in db.session.get(Case, case.id).assignments] == ["Ann Expert"]
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "panel member removed"))


# --- scoring --------------------------------------------------------------------------------

def test_a_member_saves_a_draft_then_submits_and_the_scores_are_final(app, people) -> None:
    case = panel_case()
    panel.assign(case, [people["ann"].id, people["bob"].id], actor=people["chair"])
    db.session.commit()
    client = signed_in(app, people["ann"])
    url = f"/validation/cases/{case.id}/score"
    draft = as_(client).post(url, data={"adequacy": "2", "rationale": "Half way",
                                        "save": "y"})
    assert draft.status_code == 303
    page = text(as_(client).get(url))
    assert "Half way" in page and re.search(r'value="2"\s+checked', page)
    assert panel.visible_scores(case, people["chair"]) == []  # a draft is nobody else's
    home = text(as_(client).get("/validation/panel")).split('id="my-cases"', 1)[1]
    assert "Continue scoring" in home and "Draft saved" in home
    assert "Continue scoring" in text(as_(client).get(f"/validation/cases/{case.id}"))
    empty = as_(client).post(url, data={"submit": "y"})
    assert empty.status_code == 422
    body = text(empty)
    for message in ("Choose a score for strength of evidence of improved outcomes",
                    "Enter your rationale: what led you to these scores",
                    "Choose the level you recommend"):
        assert message in body
    done = as_(client).post(url, data={"adequacy": "2", "evidence": "3", "transferability": "1",
                                       "rationale": "Strong data.", "recommended_level":
                                       "validated", "submit": "y"})
    assert done.status_code == 303
    db.session.expire_all()
    mine = panel.assignment_of(db.session.get(Case, case.id), people["ann"])
    assert (mine.adequacy, mine.evidence, mine.transferability) == (2, 3, 1) and mine.scored
    page = text(as_(client).get(url))
    assert "They are final" in page
    assert "No other member has submitted theirs yet" in page  # not "you can now see them"
    bob = signed_in(app, people["bob"])
    as_(bob).post(url, data={"adequacy": "1", "evidence": "1", "transferability": "1",
                             "rationale": "Thin.", "recommended_level": "emerging",
                             "submit": "y"})
    assert "You can now see the other member&#39;s scores." in text(as_(bob).get(url))
    again = as_(client).post(url, data={"adequacy": "0", "evidence": "0", "transferability": "0",
                                        "rationale": "Changed my mind",
                                        "recommended_level": "not_validated", "submit": "y"})
    assert again.status_code == 200
    db.session.expire_all()
    assert panel.assignment_of(db.session.get(Case, case.id), people["ann"]).adequacy == 2
    with pytest.raises(CaseRefused, match="they are final"):
        score(case, people["ann"], adequacy=0)
    actions = db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.actor_id == people["ann"].id)).all()
    assert "scores saved as draft" in actions and "scores submitted" in actions


def test_the_rubric_wording_is_each_scores_hint(app, people) -> None:
    case = panel_case()
    panel.assign(case, [people["ann"].id, people["bob"].id], actor=people["chair"])
    db.session.commit()
    page = text(as_(signed_in(app, people["ann"])).get(f"/validation/cases/{case.id}/score"))
    assert "Strong evidence of improved outcomes: a baseline, sound data over time" in page
    assert "Too little information to understand what was done or judge it." in page
    # Each level says what it means, as on the chair's decision page; the limit is said first.
    for meaning in panel.LEVEL_MEANINGS.values():
        assert escape(meaning) in page
    assert "Up to 20,000 characters." in page


def test_no_one_sees_others_scores_before_submitting_their_own(app, people) -> None:
    chair, ann, bob = people["chair"], people["ann"], people["bob"]
    case = panel_case()
    panel.assign(case, [ann.id, bob.id, chair.id], actor=chair)
    db.session.commit()
    first = score(case, ann, rationale="Ann's private view")
    # The domain: Bob and the chair (assigned, not yet scored) see nothing; Ann sees hers.
    assert panel.visible_scores(case, bob) == []
    assert panel.visible_scores(case, chair) == []
    assert panel.visible_scores(case, ann) == [first]
    outsider = person(Role.PANEL_MEMBER, "Oscar Outsider")
    assert panel.visible_scores(case, outsider) == []
    # The pages say the same.
    bob_client = signed_in(app, bob)
    for url in (f"/validation/cases/{case.id}", f"/validation/cases/{case.id}/score"):
        page = text(as_(bob_client).get(url))
        assert "Ann&#39;s private view" not in page and "Ann's private view" not in page
        assert 'id="panel-scores"' not in page
    assert "once you have submitted your own" in text(as_(bob_client).get(
        f"/validation/cases/{case.id}/score"))
    second = score(case, bob, rationale="Bob's view")
    assert panel.visible_scores(case, bob) == [first, second]
    page = text(as_(bob_client).get(f"/validation/cases/{case.id}/score"))
    assert "Ann&#39;s private view" in page and "Bob&#39;s view" in page
    # The chair who has not scored is blind too; once done, the chair sees every set.
    chair_client = signed_in(app, chair)
    assert "Ann&#39;s private view" not in text(as_(chair_client).get(
        f"/validation/cases/{case.id}"))
    score(case, chair, rationale="The chair's view")
    assert len(panel.visible_scores(case, chair)) == 3
    assert "Ann&#39;s private view" in text(as_(chair_client).get(f"/validation/cases/{case.id}"))


def test_a_chair_not_on_the_panel_sees_every_submitted_set(app, people) -> None:
    case = scored_case(people["chair"], people["ann"], people["bob"])
    assert len(panel.visible_scores(case, people["chair"])) == 2


def test_a_large_disagreement_is_highlighted_for_the_chair(app, people) -> None:
    case = scored_case(people["chair"], people["ann"], people["bob"], evidence=1)
    assert panel.disagreements(case.assignments) == []  # 1 and 2: close enough
    third, fourth = person(Role.PANEL_MEMBER, "Tess Third"), person(Role.PANEL_MEMBER, "Fay")
    panel.assign(case, [third.id, fourth.id], actor=people["chair"])
    db.session.commit()
    score(case, third, evidence=3)
    assert panel.disagreements(case.assignments) == [
        "Large disagreement on Strength of evidence of improved outcomes: 1 to 3"]
    score(case, fourth, evidence=0, transferability=0)
    message = "Large disagreement on Strength of evidence of improved outcomes: 0 to 3"
    assert panel.disagreements(case.assignments) == [
        message, "Large disagreement on Transferability: 0 to 2"]
    chair_page = text(as_(signed_in(app, people["chair"])).get(f"/validation/cases/{case.id}"))
    assert message in chair_page
    member_page = text(as_(signed_in(app, people["ann"])).get(f"/validation/cases/{case.id}"))
    assert "Large disagreement" not in member_page and 'id="panel-scores"' in member_page
    assert f"{message}. Talk it through before deciding." in chair_page
    panel.decide(case, level=Level.PROMISING, rationale="Some evidence.", feedback="Thanks.",
                 actor=people["chair"])
    db.session.commit()
    decided = text(as_(signed_in(app, people["chair"])).get(f"/validation/cases/{case.id}"))
    assert f"{message}." in decided and "Talk it through before deciding" not in decided


# --- the decision ---------------------------------------------------------------------------

def test_a_decision_needs_two_submitted_scores(app, people) -> None:
    case = panel_case()
    panel.assign(case, [people["ann"].id, people["bob"].id], actor=people["chair"])
    db.session.commit()
    score(case, people["ann"])
    with pytest.raises(CaseRefused, match="at least 2 submitted sets of scores before a "
                                          "decision: 1 so far"):
        panel.decide(case, level=Level.VALIDATED, rationale="r", feedback="f",
                     actor=people["chair"])
    db.session.rollback()
    client = signed_in(app, people["chair"])
    page = text(as_(client).get(f"/validation/cases/{case.id}/decision"))
    assert "1 so far" in page and "Continue to the feedback" not in page
    response = as_(client).post(f"/validation/cases/{case.id}/decision", data={
        "level": "validated", "rationale": "r", "feedback": "f", "send": "y"})
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(Case, case.id).state == CaseState.WITH_PANEL


def test_the_reasons_for_a_decision_keep_their_lines_without_an_indent(app, people) -> None:
    case = scored_case(people["chair"], people["ann"], people["bob"])
    panel.decide(case, level=Level.PROMISING, rationale="Clear baseline.\nThin on costs.",
                 feedback="Thank you.\nPlease add the costs.", actor=people["chair"])
    db.session.commit()
    page = text(as_(signed_in(app, people["chair"])).get(f"/validation/cases/{case.id}"))
    # Each line as typed; the GOV.UK macros' own indentation is not put before the second.
    assert '<div class="app-answer">Clear baseline.<br>Thin on costs.</div>' in page
    assert '<div class="app-answer">Thank you.<br>Please add the costs.</div>' in page


def test_only_the_chair_decides(app, people) -> None:
    case = scored_case(people["chair"], people["ann"], people["bob"])
    with pytest.raises(CaseRefused, match="Only the panel chair decides"):
        panel.decide(case, level=Level.VALIDATED, rationale="r", feedback="f",
                     actor=people["ann"])
    db.session.rollback()
    client = signed_in(app, people["ann"])
    assert as_(client).get(f"/validation/cases/{case.id}/decision").status_code == 403
    assert as_(client).post(f"/validation/cases/{case.id}/decision", data={
        "level": "validated", "rationale": "r", "feedback": "f", "send": "y"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(Case, case.id).state == CaseState.WITH_PANEL


def test_the_panels_free_text_has_a_limit_that_is_said_beside_the_box(app, people) -> None:
    # A pasted file is not a rationale: each box refuses it with a message, and keeps nothing.
    scoring = panel_case()
    panel.assign(scoring, [people["ann"].id, people["bob"].id], actor=people["chair"])
    db.session.commit()
    pasted = "x" * 20_001
    member = as_(signed_in(app, people["ann"]))
    scored = member.post(f"/validation/cases/{scoring.id}/score", data={
        "adequacy": "2", "evidence": "2", "transferability": "2", "rationale": pasted,
        "recommended_level": "validated", "submit": "y"})
    assert scored.status_code == 422 and 'id="rationale-error"' in text(scored)
    assert "Your rationale must be 20,000 characters or fewer" in text(scored)
    assert not panel.assignment_of(db.session.get(Case, scoring.id), people["ann"]).scored
    interests = member.post("/validation/interests", data={
        "organisation": "Independent", "local_authorities": "Leeds\n" * 1_000})
    assert interests.status_code == 422
    assert "Local authorities you work with must be 5,000 characters or fewer" in text(interests)
    case = scored_case(people["chair"], people["ann"], people["bob"])
    chair = as_(signed_in(app, people["chair"]))
    url = f"/validation/cases/{case.id}/decision"
    decided = chair.post(url, data={"level": "validated", "rationale": pasted,
                                    "feedback": pasted, "send": "y"})
    assert decided.status_code == 422
    for message in ("Reasons for the decision must be 20,000 characters or fewer",
                    "The feedback must be 20,000 characters or fewer"):
        assert message in text(decided)
    db.session.expire_all()
    assert db.session.get(Case, case.id).state == CaseState.WITH_PANEL


def test_a_chair_on_the_panel_scores_before_deciding(app, people) -> None:
    case = scored_case(people["chair"], people["ann"], people["bob"])
    panel.assign(case, [people["chair"].id], actor=people["chair"])
    db.session.commit()
    with pytest.raises(CaseRefused, match="submit your own scores before deciding"):
        panel.decide(case, level=Level.VALIDATED, rationale="r", feedback="f",
                     actor=people["chair"])
    db.session.rollback()
    page = text(as_(signed_in(app, people["chair"])).get(f"/validation/cases/{case.id}/decision"))
    assert "submit your own scores before deciding" in page and 'id="panel-scores"' not in page
    score(case, people["chair"])
    panel.decide(case, level=Level.VALIDATED, rationale="r", feedback="f", actor=people["chair"])


def test_the_feedback_is_drafted_from_the_scores_and_sent_as_the_chair_edits_it(
        app, people, mailbox: Mailbox) -> None:
    case = scored_case(people["chair"], people["ann"], people["bob"], evidence=3)
    client = signed_in(app, people["chair"])
    url = f"/validation/cases/{case.id}/decision"
    missing = as_(client).post(url, data={"next": "y"})
    assert missing.status_code == 422
    assert "Choose the level the panel gives this practice" in text(missing)
    assert "Enter the reasons for the decision" in text(missing)
    draft = as_(client).post(url, data={"level": "validated", "rationale": "Outcomes are clear.",
                                        "next": "y"})
    assert draft.status_code == 200
    body = text(draft)
    textarea = re.search(r'<textarea[^>]*name="feedback"[^>]*>(.*?)</textarea>', body, re.S)
    assert textarea, body
    drafted = textarea.group(1)
    for expected in ("Strong baseline data on re-referrals.", "The costs section is thin.",
                     "The panel&#39;s decision: Validated.", "Outcomes are clear.",
                     "Strength of evidence of improved outcomes: the members gave 2 and 3. "
                     "2 means: ", "Adequacy of information: both members gave 2. Enough",
                     "What would strengthen it:", "send you the final wording to approve"):
        assert expected in drafted, expected
    nothing_sent = as_(client).post(url, data={"level": "validated", "rationale": "R",
                                               "feedback": " ", "send": "y"})
    assert nothing_sent.status_code == 422
    assert "Enter the feedback for the submitter" in text(nothing_sent)
    received = []
    edited = "Hello,\n\nWell done: the panel validated your chronology clinic.\n\n- Keep going"
    with signals.submission_decided.connected_to(
            lambda sender, **kw: received.append((sender.reference, kw["level"]))):
        sent = as_(client).post(url, data={"level": "validated",
                                           "rationale": "Outcomes are clear.",
                                           "feedback": edited.replace("\n", "\r\n"),
                                           "send": "y"})
    assert sent.status_code == 303
    db.session.expire_all()
    decided = db.session.get(Case, case.id)
    assert received == [(decided.reference, "validated")]
    assert decided.state == CaseState.DECIDED and decided.level == Level.VALIDATED
    assert decided.decided_by_id == people["chair"].id and decided.decided_at
    assert decided.feedback_to_submitter == edited
    [mail] = mail_to(mailbox, decided.submitter_email, "The panel's decision")
    assert mail["Subject"] == f"The panel's decision on your practice submission {case.reference}"
    plain = mail.get_body(("plain",)).get_content()
    assert "Well done: the panel validated your chronology clinic." in plain
    assert "Strong baseline data" not in plain  # the chair's edit, not the draft
    assert "You are receiving this email because" in plain
    assert "See your submission and this decision: http" in plain
    assert f"/validation/respond/{decided.token}\n" in plain.replace("\r\n", "\n")
    html = mail.get_body(("html",)).get_content()
    assert "<p>Well done: the panel validated your chronology clinic.</p>" in html
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "decide",
                                                      AuditEntry.entity_id == case.id))
    # Validated practice goes to the editors, drafted from the answers.
    found = db.session.scalar(select(Publication).where(Publication.case_id == case.id))
    assert found.status == PublicationStatus.EDITING and found.level == Level.VALIDATED
    assert found.what_you_did == decided.answers["what_you_did"]
    assert found.summary == decided.answers["summary"]
    assert found.theme_name == decided.theme and found.theme_slug == "theme-answer"
    assert found.contact_route == "Contact Leeds City Council through the programme team"
    assert found.year == decided.decided_at.year
    assert decided.answers["contact_email"] not in found.contact_route
    page = text(as_(client).get(f"/validation/cases/{case.id}"))
    assert "Well done: the panel validated" in page and "Being edited" in page


def _feedback_box(response) -> str:  # noqa: ANN001
    found = re.search(r'<textarea[^>]*name="feedback"[^>]*>(.*?)</textarea>', text(response),
                      re.S)
    assert found, text(response)
    return html.unescape(found.group(1)).strip()


def _hidden(response, name: str) -> str:  # noqa: ANN001
    found = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', text(response), re.S)
    assert found, name
    return html.unescape(found.group(1))


def test_changing_the_decision_keeps_the_chairs_edits_to_the_feedback(app, people) -> None:
    case = scored_case(people["chair"], people["ann"], people["bob"], evidence=3)
    client = signed_in(app, people["chair"])
    url = f"/validation/cases/{case.id}/decision"
    first = as_(client).post(url, data={"level": "validated", "rationale": "Clear.",
                                        "next": "y"})
    drafted = _hidden(first, "drafted")
    assert _feedback_box(first) == drafted.strip()
    edited = drafted.strip() + "\n\nA personal note from the chair: thank you."
    back = as_(client).post(url, data={"level": "validated", "rationale": "Clear.",
                                       "feedback": edited, "drafted": drafted, "change": "y"})
    assert back.status_code == 200 and 'id="feedback-kept"' in text(back)
    assert "A personal note from the chair" in _hidden(back, "feedback")
    # The chair changes the level and carries on: their wording comes back, not a new draft.
    again = as_(client).post(url, data={"level": "emerging", "rationale": "Clear.",
                                        "feedback": _hidden(back, "feedback"),
                                        "drafted": _hidden(back, "drafted"), "next": "y"})
    assert _feedback_box(again) == edited
    assert 'id="feedback-kept"' in text(again) and "Draft the feedback again" in text(again)
    # Asked to, the service drafts it again for the new level.
    redrafted = as_(client).post(url, data={"level": "emerging", "rationale": "Clear.",
                                            "feedback": edited, "drafted": drafted,
                                            "redraft": "y"})
    assert "A personal note from the chair" not in _feedback_box(redrafted)
    assert "The panel's decision: Emerging." in _feedback_box(redrafted)
    # Unedited, a changed decision is drafted afresh, as before.
    unedited = as_(client).post(url, data={"level": "emerging", "rationale": "Clear.",
                                           "feedback": drafted, "drafted": drafted,
                                           "change": "y"})
    assert 'id="feedback-kept"' not in text(unedited)
    fresh = as_(client).post(url, data={"level": "emerging", "rationale": "Clear.",
                                        "next": "y"})
    assert "The panel's decision: Emerging." in _feedback_box(fresh)


def test_not_validated_practice_is_closed_and_the_submitter_told(app, people,
                                                                 mailbox: Mailbox) -> None:
    case = scored_case(people["chair"], people["ann"], people["bob"])
    feedback = panel.draft_feedback(case, Level.NOT_VALIDATED, "No outcome data yet.")
    assert "will not be published this time" in feedback
    panel.decide(case, level=Level.NOT_VALIDATED, rationale="No outcome data yet.",
                 feedback=feedback, actor=people["chair"])
    db.session.commit()
    assert case.state == CaseState.NOT_PUBLISHED
    assert db.session.scalar(select(Publication)) is None
    [mail] = mail_to(mailbox, case.submitter_email, "The panel's decision")
    assert "There is not yet real evidence" in mail.get_body(("plain",)).get_content()


@pytest.mark.parametrize(("publish", "published"), [(True, True), (False, False)])
def test_promising_practice_is_published_only_when_the_chair_ticks_publish(
        app, people, publish: bool, published: bool) -> None:
    case = scored_case(people["chair"], people["ann"], people["bob"])
    panel.decide(case, level=Level.PROMISING, rationale="Some evidence.", feedback="Thanks.",
                 publish_promising=publish, actor=people["chair"])
    db.session.commit()
    assert (db.session.scalar(select(Publication)) is not None) is published
    assert case.state == (CaseState.DECIDED if published else CaseState.NOT_PUBLISHED)
    assert case.publish_promising is publish


def test_a_case_is_decided_once(app, people) -> None:
    case = scored_case(people["chair"], people["ann"], people["bob"])
    panel.decide(case, level=Level.EMERGING, rationale="Early days.", feedback="Thanks.",
                 actor=people["chair"])
    db.session.commit()
    with pytest.raises(CaseRefused, match="only a case with the panel is decided"):
        panel.decide(case, level=Level.VALIDATED, rationale="r", feedback="f",
                     actor=people["chair"])


# --- the rubric -----------------------------------------------------------------------------

def _rubric_post(**changes: str) -> dict[str, str]:
    data = {f"{c.value}_{s}": text for c, texts in panel.rubric().items()
            for s, text in enumerate(texts)}
    data.update(changes)
    return data


def test_an_admin_edits_the_rubric_and_every_change_is_audited(app, people) -> None:
    admin = person(Role.ADMIN, "Adam Admin", None)
    client = signed_in(app, admin)
    page = text(as_(client).get("/validation/rubric"))
    assert "Too little information to understand what was done or judge it." in page
    blank = as_(client).post("/validation/rubric", data=_rubric_post(evidence_2=" "))
    assert blank.status_code == 422
    assert "Enter what a score of 2 means for strength of evidence" in text(blank)
    response = as_(client).post("/validation/rubric", data=_rubric_post(
        evidence_2="Outcomes improved against a baseline for at least 20 families."))
    assert response.status_code == 303
    assert panel.rubric()["evidence"][2] == \
        "Outcomes improved against a baseline for at least 20 families."
    [entry] = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "rubric edited")).all()
    assert entry.details["criterion"] == "evidence" and entry.details["score"] == 2
    assert entry.details["before"].startswith("Evidence of improved outcomes")
    # Members score against the new wording.
    case = panel_case()
    panel.assign(case, [people["ann"].id, people["bob"].id], actor=people["chair"])
    db.session.commit()
    assert "at least 20 families" in text(as_(signed_in(app, people["ann"])).get(
        f"/validation/cases/{case.id}/score"))


@pytest.mark.parametrize("role", [Role.PANEL_CHAIR, Role.PANEL_MEMBER, Role.SCREENER,
                                  Role.ORGANISER])
def test_only_admins_edit_the_rubric(app, people, role: Role) -> None:
    client = signed_in(app, person(role, "Someone Else", None))
    assert as_(client).get("/validation/rubric").status_code == 403
    assert as_(client).post("/validation/rubric", data=_rubric_post()).status_code == 403
    with pytest.raises(CaseRefused):
        panel.edit_rubric({}, actor=people["chair"])


# --- who may open each page -----------------------------------------------------------------

# (path, roles allowed). "assigned" is a panel member assigned to the case.
ROUTES = [
    ("/validation/interests", {"panel-member", "panel-chair", "admin", "assigned"}),
    ("/validation/panel", {"panel-member", "panel-chair", "admin", "assigned"}),
    ("/validation/cases/{case}/panel/assign", {"panel-chair", "admin"}),
    ("/validation/cases/{case}/panel/assignments/{assignment}/remove", {"panel-chair", "admin"}),
    ("/validation/cases/{case}/score", {"assigned"}),
    ("/validation/cases/{case}/decision", {"panel-chair", "admin"}),
    ("/validation/rubric", {"admin"}),
]
ROLES = ["anonymous", "organiser", "screener", "panel-member", "panel-chair", "admin",
         "assigned"]


@pytest.mark.parametrize("who", ROLES)
def test_each_page_is_for_its_roles_only(app, client, people, who: str) -> None:
    case = panel_case()
    panel.assign(case, [people["ann"].id, people["bob"].id], actor=people["chair"])
    db.session.commit()
    if who == "assigned":
        login(as_(client), people["ann"])
    elif who != "anonymous":
        login(as_(client), person(Role(who), f"Visitor {who}", "Independent"
                                  if who in ("panel-member", "panel-chair") else None))
    for path, allowed in ROUTES:
        url = path.format(case=case.id, assignment=case.assignments[1].id)
        response = as_(client).get(url)
        if who in allowed:
            assert response.status_code == 200, url
        elif who == "anonymous":
            assert response.status_code == 302, url
            assert "/staff/login" in response.headers["Location"]
        else:
            assert response.status_code == 403, url


def test_the_case_page_says_where_the_panel_stands_at_every_stage(app, people) -> None:
    screener = person(Role.SCREENER, "Sam Screener", None)
    client = signed_in(app, screener)
    early = case_in(CaseState.SCREENING)
    assert "comes to the panel when screening passes it on" in text(
        as_(client).get(f"/validation/cases/{early.id}"))
    waiting = panel_case()
    page = text(as_(client).get(f"/validation/cases/{waiting.id}"))
    assert "No one is on the panel for this case yet." in page
    assert "Assign panel members" not in page  # the chair's button only
    # Screening's own questions: the case has not reached the panel, on its page or the
    # chair's list; the panel's questions keep it with the panel, waiting.
    asked_by_screening = case_in(CaseState.INFO_REQUESTED, title="Asked by screening")
    asked_by_panel = case_in(CaseState.INFO_REQUESTED, stage=CaseState.WITH_PANEL,
                             chair=people["chair"], title="Asked by the panel")
    page = text(as_(client).get(f"/validation/cases/{asked_by_screening.id}"))
    assert "comes to the panel when screening passes it on" in page
    assert "Scoring and the decision wait for their answer" not in page
    page = text(as_(client).get(f"/validation/cases/{asked_by_panel.id}"))
    assert "Scoring and the decision wait for their answer" in page
    listed = text(as_(signed_in(app, people["chair"])).get("/validation/panel"))
    assert "Asked by the panel" in listed and "Asked by screening" not in listed


def test_nonsense_in_the_forms_is_answered_with_messages_not_errors(app, people) -> None:
    case = panel_case()
    chair = signed_in(app, people["chair"])
    assign = as_(chair).post(f"/validation/cases/{case.id}/panel/assign",
                             data={"members": ["abc", "999999"]})
    assert assign.status_code == 422
    assert as_(chair).post(f"/validation/cases/{case.id}/panel/assign",
                           data={"members": ["999998", "999999"]}).status_code == 422
    panel.assign(case, [people["ann"].id, people["bob"].id], actor=people["chair"])
    db.session.commit()
    ann = signed_in(app, people["ann"])
    bad_scores = as_(ann).post(f"/validation/cases/{case.id}/score", data={
        "adequacy": "9", "evidence": "-1", "transferability": "x", "rationale": "r",
        "recommended_level": "excellent", "submit": "y"})
    assert bad_scores.status_code == 422 and "Choose a level from the list" in text(bad_scores)
    decision = as_(chair).post(f"/validation/cases/{case.id}/decision",
                               data={"level": "excellent", "rationale": "r", "send": "y"})
    assert decision.status_code == 409  # no scores yet: the blocker, not a crash
    score(case, people["ann"])
    score(case, people["bob"])
    decision = as_(chair).post(f"/validation/cases/{case.id}/decision",
                               data={"level": "excellent", "rationale": "r", "send": "y"})
    assert decision.status_code == 422
    assert "Choose the level the panel gives this practice" in text(decision)


def test_unknown_cases_are_not_found(app, people) -> None:
    client = signed_in(app, people["chair"])
    for url in ("/validation/cases/999999/panel/assign", "/validation/cases/999999/decision",
                "/validation/cases/999999/score",
                "/validation/cases/999999/panel/assignments/1/remove"):
        assert as_(client).get(url).status_code == 404, url
