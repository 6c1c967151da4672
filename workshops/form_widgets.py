"""GOV.UK widgets that govuk-frontend-wtf does not ship."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovTextInput

from workshops.practice_form import Kind, Question


class GovEmailInput(GovTextInput):
    """GOV.UK's email address pattern: `type=email`, so phones offer a keyboard with an @.

    Every form carries `novalidate`, so the browser leaves the checking (and the wording of
    its messages) to the form's validators.
    """

    input_type = "email"


def input_hints(question: Question) -> dict[str, Any]:
    """The GOV.UK macro's params that tell the browser what a practice-form box asks: its
    autocomplete token and input type, and no spellchecker for an email address. The same
    for the e-form and for a submitter's amendments."""
    hints: dict[str, Any] = {}
    if question.autocomplete:
        hints["autocomplete"] = question.autocomplete
    if question.input_type:
        hints["type"] = question.input_type
    if question.kind == Kind.EMAIL:
        hints["spellcheck"] = False
    return hints
