"""The panel in a browser: the chair assigns (a conflicted member is refused on the page), two
members score blind, the chair validates and edits the feedback, an editor copy-edits and sends
the text for approval, and the submitter approves it through the emailed link.

With SCREENSHOTS=1 the chair's case view, the scoring page and the other steps are saved in
docs/screenshots/ as panel-*.png.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.support import Checks, screenshot, sign_in, text_body, wait_for_mail
from tests.validation.test_panel import panel_case, person, seed_rubric
from validation.models import Case, CaseState, Publication, PublicationStatus
from workshops.extensions import db
from workshops.models import Role

pytestmark = pytest.mark.browser


def _shot(page: Page, name: str) -> None:
    screenshot(page, f"panel-{name}")


def _score(page: Page, checks: Checks, label: str, scores: tuple[int, int, int],
           rationale: str) -> None:
    for legend, value in zip(("Adequacy of information",
                              "Strength of evidence of improved outcomes", "Transferability"),
                             scores, strict=True):
        page.get_by_role("group", name=legend).get_by_label(str(value), exact=True).check()
    page.get_by_label("Your rationale").fill(rationale)
    page.get_by_role("group", name="The level you recommend").get_by_label(
        "Validated", exact=True).check()
    page.get_by_role("button", name="Submit your scores").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your scores")
    checks.axe(page, f"{label}: scores submitted")


def test_the_panel_validates_practice_and_the_submitter_approves_its_wording(
        live, new_page, checks: Checks) -> None:
    with live.data():
        seed_rubric()
        chair = person(Role.PANEL_CHAIR, "Carol Chair")
        ann = person(Role.PANEL_MEMBER, "Ann Expert", "NSPCC")
        bob = person(Role.PANEL_MEMBER, "Bob Expert", "Barnardo's", ("Bradford",))
        person(Role.PANEL_MEMBER, "Lee Conflicted", "Leeds City Council")
        editor = person(Role.SCREENER, "Sam Screener", None)
        case = panel_case(title="Chronology clinic for neglect cases")
        case_id, submitter = case.id, case.submitter_email
        emails = {"chair": chair.email, "ann": ann.email, "bob": bob.email,
                  "editor": editor.email}
    case_url = f"/validation/cases/{case_id}"

    # The chair assigns: the conflicted member cannot be ticked, and one member is too few.
    chair_page = new_page("chair")
    sign_in(chair_page, emails["chair"], then=case_url)
    checks.axe(chair_page, "chair: case with no panel")
    chair_page.get_by_role("button", name="Assign panel members").click()
    expect(chair_page.get_by_role("heading", level=1)).to_have_text("Assign panel members")
    expect(chair_page.get_by_text("Conflict of interest: they work for Leeds City Council"))\
        .to_be_visible()
    expect(chair_page.get_by_label("Lee Conflicted")).to_have_count(0)
    expect(chair_page.locator("#cannot-be-assigned")).to_contain_text("Lee Conflicted")
    checks.axe(chair_page, "chair: assign")
    chair_page.get_by_label("Ann Expert").check()
    chair_page.get_by_role("button", name="Assign").click()
    summary = chair_page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Choose at least two panel members")
    checks.axe(chair_page, "chair: assign refused")
    _shot(chair_page, "assign_refused")
    chair_page.get_by_label("Ann Expert").check()
    chair_page.get_by_label("Bob Expert").check()
    chair_page.get_by_role("button", name="Assign").click()
    expect(chair_page.locator("#panel-members")).to_contain_text("Ann Expert")
    expect(chair_page.locator("#panel-members")).to_contain_text("Bob Expert")
    checks.axe(chair_page, "chair: case with two members")

    # The first member scores without seeing anyone else's scores.
    ann_page = new_page("ann")
    sign_in(ann_page, emails["ann"], then="/validation/panel")
    checks.axe(ann_page, "ann: the panel's cases")
    _shot(ann_page, "home")
    ann_page.get_by_role("link", name="Score Chronology clinic for neglect cases").click()
    expect(ann_page.get_by_role("heading", level=1)).to_have_text("Score this practice")
    expect(ann_page.locator("#panel-scores")).to_have_count(0)
    expect(ann_page.get_by_text("Too little information to understand what was done"))\
        .to_be_visible()
    checks.axe(ann_page, "ann: scoring")
    _shot(ann_page, "scoring")
    _score(ann_page, checks, "ann", (3, 3, 2), "A baseline and a year of re-referral data.")
    expect(ann_page.locator("#panel-scores th[scope=col]")).to_have_count(2)  # her own only

    bob_page = new_page("bob")
    sign_in(bob_page, emails["bob"], then=f"/validation/cases/{case_id}/score")
    expect(bob_page.get_by_text("A baseline and a year of re-referral data.")).to_have_count(0)
    _score(bob_page, checks, "bob", (2, 1, 2), "Promising, but the sample is small.")
    expect(bob_page.locator("#panel-rationales")).to_contain_text(
        "A baseline and a year of re-referral data.")

    # The chair sees both, with the disagreement on evidence, and validates.
    chair_page.goto(case_url)
    expect(chair_page.locator(".app-disagreement")).to_contain_text(
        "Large disagreement on Strength of evidence of improved outcomes: 1 to 3")
    checks.axe(chair_page, "chair: case with scores")
    _shot(chair_page, "chair_case")
    chair_page.get_by_role("button", name="Record the decision").click()
    checks.axe(chair_page, "chair: decision")
    _shot(chair_page, "decision")
    chair_page.get_by_label("Validated", exact=True).check()
    chair_page.get_by_label("Reasons for the decision").fill(
        "Outcomes improved against a baseline; another area could run it.")
    chair_page.get_by_role("button", name="Continue to the feedback").click()
    feedback = chair_page.get_by_label("Feedback email to the submitter")
    expect(feedback).to_have_value(re.compile("Promising, but the sample is small."))
    checks.axe(chair_page, "chair: feedback draft")
    _shot(chair_page, "feedback_draft")
    feedback.fill(feedback.input_value() + "\n\nThank you from the whole panel.")
    edited = feedback.input_value()
    # Going back to change the decision does not throw the chair's wording away.
    chair_page.get_by_role("button", name="Change the decision").click()
    expect(chair_page.locator("#feedback-kept")).to_be_visible()
    checks.axe(chair_page, "chair: decision with edited feedback")
    chair_page.get_by_role("button", name="Continue to the feedback").click()
    expect(feedback).to_have_value(edited)
    checks.axe(chair_page, "chair: edited feedback kept")
    _shot(chair_page, "feedback_kept")
    chair_page.get_by_role("button", name="Send the decision and feedback").click()
    expect(chair_page.locator(".govuk-notification-banner")).to_contain_text("Decision recorded")
    decision = wait_for_mail(live.mailbox, submitter, "The panel's decision")
    assert "Thank you from the whole panel." in text_body(decision)
    assert "A baseline and a year of re-referral data." in text_body(decision)

    # An editor copy-edits and sends the text for approval.
    editor_page = new_page("editor")
    sign_in(editor_page, emails["editor"], then="/validation/publications")
    checks.axe(editor_page, "editor: publications")
    editor_page.get_by_role("link", name="Chronology clinic for neglect cases").click()
    expect(editor_page.get_by_role("heading", level=1)).to_have_text("Prepare for publication")
    checks.axe(editor_page, "editor: copy-edit")
    _shot(editor_page, "copy_edit")
    editor_page.get_by_label("Summary").fill(
        "Monthly multi-agency chronology clinics for families open to neglect services.")
    editor_page.get_by_label("Topic (optional)").fill("neglect")
    editor_page.get_by_role("button", name="Save changes").click()
    expect(editor_page.locator(".govuk-notification-banner")).to_contain_text("saved")
    editor_page.get_by_role("button", name="Save and send to the submitter for approval").click()
    checks.axe(editor_page, "editor: send for approval")
    editor_page.get_by_role("button", name="Send to the submitter for approval").click()
    expect(editor_page.locator(".govuk-notification-banner")).to_contain_text(
        "for approval")

    # The submitter approves through the link in their email.
    message = wait_for_mail(live.mailbox, submitter, "Please approve the wording")
    link = re.search(r"Read and approve the wording: (\S+)", text_body(message)).group(1)
    submitter_page = new_page("submitter")
    submitter_page.goto(link)
    expect(submitter_page.get_by_role("heading", level=1)).to_have_text(
        "Approve the wording of your practice")
    expect(submitter_page.get_by_text("Monthly multi-agency chronology clinics")).to_be_visible()
    checks.axe(submitter_page, "submitter: approve")
    _shot(submitter_page, "approve")
    submitter_page.get_by_role("button", name="Approve and publish").click()
    expect(submitter_page.locator(".govuk-panel__title")).to_have_text(
        "Your practice is published")
    checks.axe(submitter_page, "submitter: published")

    with live.data():
        found = db.session.scalar(db.select(Publication).where(Publication.case_id == case_id))
        assert found.status == PublicationStatus.PUBLISHED
        assert db.session.get(Case, case_id).state == CaseState.PUBLISHED
    checks.assert_clean()
