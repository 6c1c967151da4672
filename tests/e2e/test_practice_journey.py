"""After the workshop: two delegates share practice, one online and one with the fillable PDF."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from feedback import submissions
from packs.fillable import fillable_form
from tests.conftest import make_workshop
from tests.e2e.support import Checks, screenshot, text_body, wait_for_mail
from tests.feedback.support import attended, complete_answers, fill_pdf, finish

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _practice_link(message) -> str:  # noqa: ANN001
    found = re.search(r"(http\S+/feedback/invitation/[\w-]+)\s", text_body(message))
    assert found, text_body(message)
    return found.group(1)


def _attached_pdf_text(message) -> str:  # noqa: ANN001
    pdfs = [p for p in message.iter_attachments() if p.get_content_type() == "application/pdf"]
    assert len(pdfs) == 1
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdfs[0].get_content())).pages)


def _save_section(page: Page, title: str, fields: dict[str, str]) -> None:
    page.get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    for label, value in fields.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your practice submission")


def test_a_delegate_fills_in_saves_leaves_returns_attaches_fixes_and_sends(
        live, new_page, checks: Checks) -> None:
    with live.data():
        workshop = make_workshop()
        attended(workshop, 1, name="Zoë Brontë", email="zoe@example.org",
                 organisation="Bradford Council")
        finish(workshop)
    invitation = wait_for_mail(live.mailbox, "zoe@example.org", "Thank you for coming")
    link = _practice_link(invitation)
    page = new_page()

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("After the workshop")
    checks.axe(page, "after the workshop")
    page.get_by_role("button", name="Start or continue your submission").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your practice submission")
    checks.axe(page, "task list")
    # Each status reads on one line beside its section's hint ("In" above "progress" had not).
    for status in page.locator(".govuk-task-list__status .govuk-tag").all():
        box = status.bounding_box()
        line = float(status.evaluate("t => parseFloat(getComputedStyle(t).lineHeight)"))
        assert box is not None and box["height"] < 1.5 * line + 12, status.inner_text()

    _save_section(page, "About the practice and who runs it", {
        "Title of the practice": "Chronology clinic for neglect cases",
        "Local authority area": "Bradford",
    })
    expect(page.locator("#sections-1-status")).to_have_text("Completed")

    # Leave, and come back later through the same email.
    page.goto("/")
    page.goto(link)
    page.get_by_role("button", name="Start or continue your submission").click()
    expect(page.locator("#sections-1-status")).to_have_text("Completed")
    page.get_by_role("link", name="About the practice and who runs it").click()
    expect(page.get_by_label("Title of the practice")).to_have_value(
        "Chronology clinic for neglect cases")
    page.go_back()

    answers = complete_answers()
    _save_section(page, "Contact for the panel", {"Job title or role": "Service manager"})
    page.get_by_role("link", name="The practice", exact=True).click()
    page.get_by_label("Context and need").fill(answers["context"])
    # Too many words: the message sits beside the field and the text is kept.
    page.get_by_label("What you did").fill("word " * 501)
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("500 words or fewer")
    checks.axe(page, "section with an error")
    page.get_by_label("What you did").fill(
        "Weekly clinics with Mrs Patel, the health visitor, and social workers built a shared "
        "chronology for every family open to neglect services.")
    page.get_by_label("The outcomes you aimed for").fill(answers["outcomes_aimed"])
    page.get_by_role("button", name="Save and continue").click()
    _save_section(page, "The difference it made", {
        "What impact it made": answers["impact"],
        "How you know it made a difference": answers["evidence"]})
    _save_section(page, "Resources and transferability", {
        "Costs and resources": answers["costs"], "Transferability": answers["transferability"],
        "Summary for publication": answers["summary"]})
    page.get_by_role("link", name="Declarations", exact=True).click()
    # .all() does not wait: until the section has loaded it finds the task list's no boxes.
    expect(page.get_by_role("heading", level=1)).to_have_text("Declarations")
    expect(page.get_by_role("checkbox")).to_have_count(4)
    for box in page.get_by_role("checkbox").all():
        box.check()
    page.get_by_role("button", name="Save and continue").click()
    checks.axe(page, "task list, all done")

    page.get_by_role("link", name="Attach evidence (optional)").click()
    page.get_by_label("Upload a file").set_input_files(
        {"name": "audit-2009.pdf", "mimeType": "application/pdf", "buffer": PDF})
    page.get_by_role("button", name="Upload file").click()
    expect(page.get_by_role("link", name="audit-2009.pdf")).to_be_visible()
    checks.axe(page, "evidence")
    page.get_by_role("button", name="Continue").click()

    page.get_by_role("button", name="Check your answers").click()
    expect(page.locator("mark")).to_have_text(["Mrs Patel"])
    checks.axe(page, "check answers with a flag")
    screenshot(page, "practice-check-answers")
    page.get_by_role("button", name="Accept and send").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("confirm it does not identify")
    # Fix the text rather than confirm it.
    page.get_by_role("link", name="Change what you did").click()
    page.get_by_label("What you did").fill(
        "Weekly clinics with the health visitor and social workers built a shared chronology "
        "for every family open to neglect services.")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before sending your submission")
    expect(page.locator("mark")).to_have_count(0)
    page.get_by_role("button", name="Accept and send").click()

    panel = page.locator(".govuk-panel")
    expect(panel).to_contain_text("Submission sent")
    reference = re.search(r"VLP-\d{4}-\d{4}", panel.inner_text()).group(0)
    checks.axe(page, "submission sent")
    receipt = wait_for_mail(live.mailbox, "zoe@example.org",
                            "We have received your practice submission")
    assert reference in receipt["Subject"]
    text = _attached_pdf_text(receipt)
    assert reference in text and "Chronology clinic for neglect cases" in text
    assert "audit-2009.pdf" in text and "Mrs Patel" not in text
    checks.assert_clean()


def test_a_file_chosen_then_continue_pressed_is_attached(live, new_page,
                                                         checks: Checks) -> None:
    # Continue, the green button, had been a link out of the form: the file chosen was lost.
    with live.data():
        workshop = make_workshop()
        delegate = attended(workshop, 3, name="Kit Marlow", email="kit@example.org")
        finish(workshop)
        token = submissions.draft_for_booking(delegate).token
    page = new_page()
    page.goto(f"/feedback/practice/{token}/evidence")
    page.get_by_label("Upload a file").set_input_files(
        {"name": "evaluation-2009.pdf", "mimeType": "application/pdf", "buffer": PDF})
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your practice submission")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "‘evaluation-2009.pdf’ attached")
    expect(page.locator("#extras-1-status")).to_have_text("1 attached")
    page.get_by_role("link", name="Attach evidence (optional)").click()
    expect(page.get_by_role("link", name="evaluation-2009.pdf")).to_be_visible()
    checks.axe(page, "evidence, one attached")
    # Nothing chosen: Continue goes on, with no error.
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your practice submission")
    checks.assert_clean()


def test_a_second_delegate_uploads_the_filled_fillable_form(live, new_page,
                                                            checks: Checks) -> None:
    with live.data():
        workshop = make_workshop()
        delegate = attended(workshop, 2, name="Ann Other", email="ann@example.org")
        filled = fill_pdf(fillable_form(delegate, public_url=live.url("/")),
                          complete_answers(title="Family group conferences at the front door"))
        finish(workshop)
    link = _practice_link(wait_for_mail(live.mailbox, "ann@example.org", "Thank you for coming"))
    page = new_page()
    page.goto(link)
    page.get_by_role("button", name="Start or continue your submission").click()
    page.get_by_role("link", name="Upload the filled-in fillable form instead").click()
    checks.axe(page, "upload form")
    # The wrong file first: a clear message, nothing changed.
    page.get_by_label("Upload your filled-in practice form").set_input_files(
        {"name": "notes.pdf", "mimeType": "application/pdf", "buffer": b"not a pdf"})
    page.get_by_role("button", name="Upload form").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("This file is not a PDF")
    checks.axe(page, "upload form with an error")
    page.get_by_label("Upload your filled-in practice form").set_input_files(
        {"name": "practice-form.pdf", "mimeType": "application/pdf", "buffer": filled})
    page.get_by_role("button", name="Upload form").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before sending your submission")
    expect(page.get_by_text("Family group conferences at the front door").first).to_be_visible()
    page.get_by_role("button", name="Accept and send").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Submission sent")
    receipt = wait_for_mail(live.mailbox, "ann@example.org",
                            "We have received your practice submission")
    assert "Family group conferences" in _attached_pdf_text(receipt)
    checks.assert_clean()
