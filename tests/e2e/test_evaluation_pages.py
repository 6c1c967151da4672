"""The evaluation of the day in a browser: a delegate sends it by keyboard alone, an organiser
reads the results; axe-core on every page on the way."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from feedback import evaluations
from feedback.models import Evaluation, Invitation
from tests.conftest import STAFF_PASSWORD, make_staff, make_workshop
from tests.e2e.support import Checks, focused, overflow, screenshot, tab_to
from workshops import booking
from workshops.extensions import db
from workshops.models import Role
from workshops.practice_form import EVALUATION_FORM, Kind

pytestmark = pytest.mark.browser

RATINGS = [q for q in EVALUATION_FORM.questions() if q.kind == Kind.RATING]
WRITTEN = [q for q in EVALUATION_FORM.questions() if q.kind == Kind.LONG]
# How many times to press the right arrow in each group: 0 keeps the first point, 1 (Poor).
STEPS = {"content": 4, "relevance": 3, "presenters": 4, "organisation": 2, "venue": 1}


def _invitation(workshop_id: int, n: int) -> Invitation:
    made = booking.book(workshop_id, booking.Delegate(
        name=f"Delegate {n}", email=f"d{n}@example.org", organisation=f"Council {n}"))
    invitation = Invitation(booking_id=made.id, workshop_id=workshop_id)
    db.session.add(invitation)
    db.session.commit()
    return invitation


def test_a_delegate_evaluates_by_keyboard_and_an_organiser_reads_the_results(
        live, new_page, checks: Checks) -> None:
    with live.data():
        workshop = make_workshop()
        workshop_id, series_id = workshop.id, workshop.series_id
        token = _invitation(workshop_id, 1).token
        # Others have answered already, so the results have something to show.
        for n, (low, high) in enumerate([("2", "5"), ("3", "4"), ("4", "5")], start=2):
            evaluations.record_evaluation(_invitation(workshop_id, n), {
                **{q.key: high for q in RATINGS}, "venue": low,
                "comments": f"Comment number {n}: the case discussion was the best part.",
                "could_be_better": "Longer breaks." if n % 2 else ""})
        unanswered_token = _invitation(workshop_id, 5).token  # invited, never answers
        organiser_email = make_staff(Role.ORGANISER).email

    page: Page = new_page("delegate")
    page.goto(f"/feedback/invitation/{token}/evaluation")
    expect(page.get_by_role("heading", level=1)).to_have_text("Evaluation of the day")
    checks.axe(page, "evaluation form")
    screenshot(page, "evaluation-form")
    keys = page.keyboard

    # Sent empty: the summary takes focus, and its first link leads to the first rating.
    tab_to(page, "#submit", limit=60)
    keys.press("Enter")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    assert page.title().startswith("Error: ")
    for question in RATINGS:
        expect(summary.get_by_role("link", name=f"Select a rating for "
                                                 f"{question.label[0].lower()}"
                                                 f"{question.label[1:]}")).to_be_visible()
    checks.axe(page, "evaluation form with errors")
    screenshot(page, "evaluation-form-errors")
    keys.press("Tab")
    assert focused(page) == "Select a rating for content"
    keys.press("Enter")
    expect(page.locator("#content")).to_be_focused()

    # Each rating is one Tab stop; the arrow keys move along its scale and choose.
    for index, question in enumerate(RATINGS):
        if index:
            keys.press("Tab")
            assert focused(page) == f"#{question.key}"
        for _ in range(STEPS[question.key]):
            keys.press("ArrowRight")
        chosen = STEPS[question.key] + 1
        expect(page.locator(f"input[name={question.key}][value='{chosen}']")).to_be_checked()
    typed = {"do_differently": "Start chronologies at the first referral.",
             "could_be_better": "More time for questions.",
             "comments": "Thank you: <b>useful</b> & well run."}
    for question in WRITTEN:
        keys.press("Tab")
        assert focused(page) == f"#{question.key}"
        keys.type(typed[question.key])
    # GOV.UK Frontend's script counts the words as they are typed.
    expect(page.locator(".govuk-character-count:has(#do_differently) "
                        ".govuk-character-count__status")).to_have_text(
        "You have 144 words remaining")
    keys.press("Tab")
    assert focused(page) == "#submit"
    keys.press("Enter")

    panel = page.locator(".govuk-panel")
    expect(panel.get_by_role("heading", level=1)).to_have_text("Evaluation sent")
    checks.axe(page, "evaluation sent")
    screenshot(page, "evaluation-confirmation")

    with live.data():
        stored = db.session.scalar(select(Evaluation).join(
            Invitation, Invitation.booking_id == Evaluation.booking_id)
            .where(Invitation.token == token))
        assert stored.answers == {**{k: n + 1 for k, n in STEPS.items()}, **typed}

    # Opening the link again shows what they said, not the form.
    page.goto(f"/feedback/invitation/{token}/evaluation")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "You have already sent your evaluation")
    expect(page.locator("form textarea")).to_have_count(0)
    expect(page.get_by_text("Thank you: <b>useful</b> & well run.")).to_be_visible()
    checks.axe(page, "evaluation already sent")
    screenshot(page, "evaluation-sent-before")

    organiser = new_page("organiser")
    organiser.goto(f"/feedback/workshops/{workshop_id}/evaluations")
    organiser.get_by_label("Email address", exact=True).fill(organiser_email)
    organiser.get_by_label("Password", exact=True).fill(STAFF_PASSWORD)
    organiser.get_by_role("button", name="Sign in").click()
    expect(organiser.get_by_role("heading", level=1)).to_have_text("Evaluation results")
    expect(organiser.locator("#response-rate")).to_contain_text(
        "80% of delegates evaluated the day: 4 of 5.")
    expect(organiser.locator("figure.app-chart")).to_have_count(len(RATINGS))
    expect(organiser.get_by_text("Thank you: <b>useful</b> & well run.")).to_be_visible()
    checks.axe(organiser, "evaluation results")
    screenshot(organiser, "evaluation-results")

    # The figures behind a chart, by keyboard too.
    organiser.locator("#rating-venue summary").focus()
    organiser.keyboard.press("Enter")
    expect(organiser.locator("#rating-venue table")).to_be_visible()

    organiser.goto(f"/feedback/series/{series_id}/evaluations")
    expect(organiser.get_by_role("heading", level=1)).to_have_text(
        "Evaluation results: all workshops")
    checks.axe(organiser, "series evaluation results")
    screenshot(organiser, "evaluation-series-results")

    # At 320 CSS pixels (400% zoom) the scale's radios stack and the charts shrink: nothing
    # needs scrolling sideways (WCAG 1.4.10).
    organiser.set_viewport_size({"width": 320, "height": 640})
    for path in (f"/feedback/workshops/{workshop_id}/evaluations",
                 f"/feedback/invitation/{unanswered_token}/evaluation"):
        organiser.goto(path)
        assert not (problem := overflow(organiser, 320)), (path, problem)
    checks.assert_clean()
