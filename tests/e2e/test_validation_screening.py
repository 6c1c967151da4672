"""Screening in a real browser: a screener asks for more information, the submitter answers from
the emailed link and changes a section, and the screener passes the case to the panel."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.support import (
    Checks,
    link_in,
    screenshot,
    sign_in,
    tab_to,
    text_body,
    wait_for_mail,
)
from tests.validation.support import received_case, staff
from workshops.models import Role

pytestmark = pytest.mark.browser

def _shot(page: Page, name: str) -> None:
    screenshot(page, f"validation-{name}")


def test_screen_ask_answer_amend_and_pass_to_the_panel(live, new_page, checks: Checks) -> None:
    with live.data():
        case = received_case(flagged=True, email="amara@example.org",
                             title="Chronology clinic for neglect cases")
        reference, case_id = case.reference, case.id
        screener_email = staff(Role.SCREENER, name="sam").email

    screener = new_page("screener")
    sign_in(screener, screener_email)
    screener.get_by_role("link", name="Validation").click()
    expect(screener.get_by_role("heading", level=1)).to_have_text("Practice cases")
    checks.axe(screener, "queue")
    _shot(screener, "queue")
    screener.get_by_role("link", name=reference).click()
    expect(screener.get_by_role("heading", level=1)).to_have_text(
        "Chronology clinic for neglect cases")
    expect(screener.locator("mark.app-flag")).to_have_text(["Mrs Patel"])
    checks.axe(screener, "case page, received")

    screener.get_by_role("button", name="Start screening").click()
    expect(screener.get_by_role("heading", level=1)).to_have_text("Screen the submission")
    expect(screener.locator(".govuk-notification-banner")).to_contain_text("You are screening")
    checks.axe(screener, "screening checklist")
    _shot(screener, "screen")

    screener.get_by_role("link", name="Ask the submitter for more information instead").click()
    expect(screener.get_by_role("heading", level=1)).to_have_text(
        "Ask the submitter for more information")
    screener.get_by_role("button", name="Send the questions").click()
    summary = screener.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter your questions for the submitter")
    checks.axe(screener, "request with an error")
    screener.get_by_label("Your questions").fill(
        "How many families does your evidence cover, and over what period?")
    screener.get_by_role("button", name="Send the questions").click()
    expect(screener.locator(".govuk-inset-text").first).to_contain_text("Waiting for the submitter")
    checks.axe(screener, "case page, waiting")

    # The submitter, from the email.
    asked = wait_for_mail(live.mailbox, "amara@example.org", "Questions about your practice")
    assert "How many families does your evidence cover" in text_body(asked)
    submitter = new_page("submitter")
    submitter.goto(link_in(asked, "Answer the questions"))
    expect(submitter.get_by_role("heading", level=1)).to_have_text(
        "Answer the questions about your submission")
    expect(submitter.locator("#questions")).to_contain_text("How many families")
    checks.axe(submitter, "respond page")
    submitter.get_by_label("Your answer to the questions").fill(
        "The audit covered 42 families over 18 months. I have added this to the evidence "
        "section.")
    submitter.get_by_role("button", name="Change the difference it made").click()
    expect(submitter.get_by_role("heading", level=1)).to_have_text("The difference it made")
    checks.axe(submitter, "amend a section")
    _shot(submitter, "amend")
    evidence = submitter.get_by_label("How you know it made a difference")
    evidence.fill("word " * 401)
    submitter.get_by_role("button", name="Save changes").click()
    expect(submitter.locator(".govuk-error-summary")).to_contain_text("400 words or fewer")
    checks.axe(submitter, "amend a section with an error")
    evidence.fill("We audited all 42 families open to the clinic over 18 months, against the "
                  "18 months before it began: re-referrals fell from 11 to 4.")
    submitter.get_by_role("button", name="Save changes").click()
    expect(submitter.get_by_role("heading", level=1)).to_have_text(
        "Answer the questions about your submission")
    # The draft answer survived the trip to the section.
    expect(submitter.get_by_label("Your answer to the questions")).to_have_value(
        "The audit covered 42 families over 18 months. I have added this to the evidence "
        "section.")
    expect(submitter.locator(".govuk-summary-list")).to_contain_text("How you know it made")
    _shot(submitter, "respond")
    # By keyboard: from the answer, Tab reaches the send button and Enter sends.
    submitter.get_by_label("Your answer to the questions").focus()
    tab_to(submitter, "#send")
    submitter.keyboard.press("Enter")
    expect(submitter.locator(".govuk-panel")).to_contain_text("Answer sent")
    checks.axe(submitter, "answer sent")
    wait_for_mail(live.mailbox, "amara@example.org", "We have your answer")

    # Back to the screener: the answer and the change are in the case.
    wait_for_mail(live.mailbox, screener_email, f"The submitter of {reference} has answered")
    screener.goto(f"/validation/cases/{case_id}")
    thread = screener.locator(".app-thread")
    expect(thread).to_contain_text("The audit covered 42 families over 18 months.")
    expect(thread).to_contain_text("How you know it made a difference")
    expect(screener.locator("#answer-evidence")).to_contain_text("re-referrals fell from 11 to 4")
    expect(screener.locator("#answer-evidence")).to_contain_text("Changed by the submitter")
    screener.locator("#answer-evidence summary").click()  # what it said before
    checks.axe(screener, "case page, answered")
    _shot(screener, "case")

    screener.get_by_role("button", name="Screen this submission").click()
    screener.get_by_role("button", name="Pass to the panel").click()
    expect(screener.locator(".govuk-error-summary")).to_contain_text("Confirm you have read")
    checks.axe(screener, "screening with an error")
    screener.get_by_label("I have read the possible identifying information").check()
    screener.get_by_label("Note to the panel (optional)").fill(
        "Mrs Patel is the health visitor, not a parent.")
    screener.get_by_role("button", name="Pass to the panel").click()
    expect(screener.locator(".govuk-notification-banner")).to_contain_text("is with the panel")
    expect(screener.locator(".govuk-summary-list").first).to_contain_text("With the panel")
    checks.axe(screener, "case page, with the panel")

    told = wait_for_mail(live.mailbox, "amara@example.org", "Your practice submission")
    assert "is with the expert panel" in str(told["Subject"])
    submitter.goto(link_in(told, "See where your submission has got to"))
    expect(submitter.get_by_text("With the expert panel").first).to_be_visible()
    expect(submitter.locator("body")).not_to_contain_text("health visitor, not a parent")
    checks.axe(submitter, "status page")
    _shot(submitter, "status")
    checks.assert_clean()
