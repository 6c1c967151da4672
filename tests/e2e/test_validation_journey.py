"""The whole validation workflow in a browser, as the people in it meet it, in one journey.

A delegate's practice submission arrives (sent through the feedback plugin, as in use); a
screener asks a question, the submitter answers from the email and amends a section, the
screener passes it to the panel; the chair assigns two members (a conflicted one is refused on
the page), both score blind, the chair validates and sends the drafted feedback; an editor
copy-edits and sends the wording for approval, the submitter approves it from the email, and a
visitor finds the example by searching the theme's page of the public library.

The single steps are tested in depth beside this (test_validation_screening.py,
test_validation_panel.py, test_library_pages.py); this test is about the hand-offs between them.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.support import Checks, link_in, sign_in, text_body, wait_for_mail
from tests.e2e.test_validation_panel import _score
from tests.validation.support import received_case
from tests.validation.test_panel import person, seed_rubric
from validation.models import Case, CaseState, Publication, PublicationStatus
from workshops.extensions import db
from workshops.models import Role

pytestmark = pytest.mark.browser

SUBMITTER = "hannah.cole@example.org"
TITLE = "Weekly chronology clinics for babies at risk of neglect"
SUMMARY = ("Health visitors, midwives, police and social workers met weekly to keep one shared "
           "chronology for every baby on a plan for neglect.")
THEME = "safeguarding"


def test_a_submission_goes_from_the_queue_to_the_public_library(live, new_page,
                                                                checks: Checks) -> None:
    with live.data():
        seed_rubric()
        screener = person(Role.SCREENER, "Sam Screener", None)
        chair = person(Role.PANEL_CHAIR, "Carol Chair")
        ann = person(Role.PANEL_MEMBER, "Ann Expert", "NSPCC")
        bob = person(Role.PANEL_MEMBER, "Bob Expert", "Barnardo's", ("Bradford",))
        # Works with Leeds, where the practice takes place: the chair cannot assign her.
        person(Role.PANEL_MEMBER, "Lee Conflicted", "Independent", ("Leeds",))
        case = received_case(email=SUBMITTER, title=TITLE, summary=SUMMARY,
                             theme="Safeguarding", organisation="Leeds City Council",
                             local_authority="Leeds")
        reference, case_id = case.reference, case.id
        emails = {"screener": screener.email, "chair": chair.email, "ann": ann.email,
                  "bob": bob.email}
    case_url = f"/validation/cases/{case_id}"

    # --- screening: a question for the submitter ---------------------------------------------
    screener_page = new_page("screener")
    sign_in(screener_page, emails["screener"], then="/validation/")
    expect(screener_page.get_by_role("heading", level=1)).to_have_text("Practice cases")
    checks.axe(screener_page, "screener: queue")
    screener_page.get_by_role("link", name=reference).click()
    expect(screener_page.get_by_role("heading", level=1)).to_have_text(TITLE)
    checks.axe(screener_page, "screener: case received")
    screener_page.get_by_role("button", name="Start screening").click()
    expect(screener_page.get_by_role("heading", level=1)).to_have_text("Screen the submission")
    checks.axe(screener_page, "screener: checklist")
    screener_page.get_by_role("link",
                              name="Ask the submitter for more information instead").click()
    expect(screener_page.get_by_role("heading", level=1)).to_have_text(
        "Ask the submitter for more information")
    checks.axe(screener_page, "screener: ask")
    screener_page.get_by_label("Your questions").fill(
        "How many babies did the clinics cover, and what changed for them?")
    screener_page.get_by_role("button", name="Send the questions").click()
    expect(screener_page.locator(".govuk-inset-text").first).to_contain_text(
        "Waiting for the submitter")
    checks.axe(screener_page, "screener: case waiting")

    # --- the submitter answers from the email and amends a section --------------------------
    asked = wait_for_mail(live.mailbox, SUBMITTER, "Questions about your practice")
    submitter_page = new_page("submitter")
    submitter_page.goto(link_in(asked, "Answer the questions"))
    expect(submitter_page.get_by_role("heading", level=1)).to_have_text(
        "Answer the questions about your submission")
    expect(submitter_page.locator("#questions")).to_contain_text("How many babies")
    checks.axe(submitter_page, "submitter: respond")
    answer = "The clinics covered 64 babies in 2009. I have added the figures to the evidence."
    submitter_page.get_by_label("Your answer to the questions").fill(answer)
    submitter_page.get_by_role("button", name="Change the difference it made").click()
    expect(submitter_page.get_by_role("heading", level=1)).to_have_text(
        "The difference it made")
    checks.axe(submitter_page, "submitter: amend a section")
    submitter_page.get_by_label("How you know it made a difference").fill(
        "We audited all 64 babies against the 58 on plans the year before: plans ending in "
        "proceedings fell from 19 to 8.")
    submitter_page.get_by_role("button", name="Save changes").click()
    expect(submitter_page.get_by_label("Your answer to the questions")).to_have_value(answer)
    submitter_page.locator("#send").click()
    expect(submitter_page.locator(".govuk-panel")).to_contain_text("Answer sent")
    checks.axe(submitter_page, "submitter: answer sent")

    # --- the screener reads the answer and passes the case to the panel ----------------------
    wait_for_mail(live.mailbox, emails["screener"], f"The submitter of {reference} has answered")
    screener_page.goto(case_url)
    expect(screener_page.locator(".app-thread")).to_contain_text("covered 64 babies in 2009")
    expect(screener_page.locator("#answer-evidence")).to_contain_text("fell from 19 to 8")
    checks.axe(screener_page, "screener: case answered")
    screener_page.get_by_role("button", name="Screen this submission").click()
    screener_page.get_by_role("button", name="Pass to the panel").click()
    expect(screener_page.locator(".govuk-notification-banner")).to_contain_text(
        "is with the panel")
    wait_for_mail(live.mailbox, SUBMITTER, "Your practice submission")

    # --- the chair assigns; the conflicted member is refused ---------------------------------
    chair_page = new_page("chair")
    sign_in(chair_page, emails["chair"], then=case_url)
    checks.axe(chair_page, "chair: case with no panel")
    chair_page.get_by_role("button", name="Assign panel members").click()
    expect(chair_page.get_by_role("heading", level=1)).to_have_text("Assign panel members")
    expect(chair_page.get_by_text("Conflict of interest: they work with Leeds")).to_be_visible()
    checks.axe(chair_page, "chair: assign")
    expect(chair_page.locator("#cannot-be-assigned")).to_contain_text("Lee Conflicted")
    expect(chair_page.get_by_label("Lee Conflicted")).to_have_count(0)  # nothing to tick
    chair_page.get_by_label("Ann Expert").check()
    chair_page.get_by_role("button", name="Assign").click()
    summary = chair_page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Choose at least two panel members")
    checks.axe(chair_page, "chair: assign refused")
    chair_page.get_by_label("Ann Expert").check()
    chair_page.get_by_label("Bob Expert").check()
    chair_page.get_by_role("button", name="Assign").click()
    expect(chair_page.locator("#panel-members")).to_contain_text("Ann Expert")
    expect(chair_page.locator("#panel-members")).to_contain_text("Bob Expert")

    # --- two members score; the first sees no one else's scores ------------------------------
    ann_page = new_page("ann")
    sign_in(ann_page, emails["ann"], then="/validation/panel")
    checks.axe(ann_page, "ann: the panel's cases")
    ann_page.get_by_role("link", name=f"Score {TITLE}").click()
    expect(ann_page.get_by_role("heading", level=1)).to_have_text("Score this practice")
    expect(ann_page.locator("#panel-scores")).to_have_count(0)
    checks.axe(ann_page, "ann: scoring")
    _score(ann_page, checks, "ann", (3, 3, 2), "Clear figures against the year before.")

    bob_page = new_page("bob")
    sign_in(bob_page, emails["bob"], then=f"{case_url}/score")
    expect(bob_page.get_by_text("Clear figures against the year before.")).to_have_count(0)
    _score(bob_page, checks, "bob", (3, 2, 3), "Another area could start this tomorrow.")

    # --- the chair validates and sends the drafted feedback ----------------------------------
    chair_page.goto(case_url)
    expect(chair_page.locator("#panel-members")).to_contain_text("Bob Expert")
    checks.axe(chair_page, "chair: case with scores")
    chair_page.get_by_role("button", name="Record the decision").click()
    checks.axe(chair_page, "chair: decision")
    chair_page.get_by_label("Validated", exact=True).check()
    chair_page.get_by_label("Reasons for the decision").fill(
        "Fewer proceedings against a baseline, and simple to repeat elsewhere.")
    chair_page.get_by_role("button", name="Continue to the feedback").click()
    feedback = chair_page.get_by_label("Feedback email to the submitter")
    expect(feedback).to_have_value(re.compile("Another area could start this tomorrow."))
    checks.axe(chair_page, "chair: feedback draft")
    chair_page.get_by_role("button", name="Send the decision and feedback").click()
    expect(chair_page.locator(".govuk-notification-banner")).to_contain_text("Decision recorded")
    decision = wait_for_mail(live.mailbox, SUBMITTER, "The panel's decision")
    assert "Clear figures against the year before." in text_body(decision)

    # --- an editor copy-edits and sends the wording for approval -----------------------------
    screener_page.goto("/validation/publications")
    checks.axe(screener_page, "editor: publications")
    screener_page.get_by_role("link", name=TITLE).click()
    expect(screener_page.get_by_role("heading", level=1)).to_have_text("Prepare for publication")
    checks.axe(screener_page, "editor: copy-edit")
    # Straight on to sending, without saving first: the edit goes with it.
    screener_page.get_by_label("Topic (optional)").fill("Neglect")
    screener_page.get_by_role("button", name="Save and send to the submitter for approval").click()
    expect(screener_page.locator(".govuk-notification-banner")).to_contain_text("saved")
    expect(screener_page.locator(".govuk-summary-list")).to_contain_text("Neglect")
    checks.axe(screener_page, "editor: send for approval")
    screener_page.get_by_role("button", name="Send to the submitter for approval").click()
    expect(screener_page.locator(".govuk-notification-banner")).to_contain_text("for approval")

    # --- the submitter approves from the email ----------------------------------------------
    approval = wait_for_mail(live.mailbox, SUBMITTER, "Please approve the wording")
    submitter_page.goto(link_in(approval, "Read and approve the wording"))
    expect(submitter_page.get_by_role("heading", level=1)).to_have_text(
        "Approve the wording of your practice")
    checks.axe(submitter_page, "submitter: approve")
    submitter_page.get_by_role("button", name="Approve and publish").click()
    expect(submitter_page.locator(".govuk-panel__title")).to_have_text(
        "Your practice is published")
    checks.axe(submitter_page, "submitter: published")

    # --- a visitor finds it in the library ---------------------------------------------------
    visitor = new_page("visitor")
    visitor.goto(f"/practice/{THEME}")
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Safeguarding")
    search = visitor.get_by_label("Search the practice")
    search.fill("chronology babies")
    search.press("Enter")
    expect(visitor.locator("#results-count")).to_have_text(
        "1 example matching ‘chronology babies’")
    checks.axe(visitor, "visitor: search results")
    visitor.get_by_role("link", name=TITLE).click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(visitor.locator("main")).to_contain_text("fell from 19 to 8")  # the amended text
    checks.axe(visitor, "visitor: example")

    with live.data():
        assert db.session.get(Case, case_id).state == CaseState.PUBLISHED
        published = db.session.scalar(db.select(Publication).where(
            Publication.case_id == case_id))
        assert (published.status, published.topic) == (PublicationStatus.PUBLISHED, "Neglect")
    checks.assert_clean()
