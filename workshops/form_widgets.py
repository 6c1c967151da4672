"""GOV.UK widgets that govuk-frontend-wtf does not ship."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovTextInput,
)

from workshops.practice_form import Kind, Question


class GovEmailInput(GovTextInput):
    """GOV.UK's email address pattern: `type=email`, so phones offer a keyboard with an @.

    Every form carries `novalidate`, so the browser leaves the checking (and the wording of
    its messages) to the form's validators.
    """

    input_type = "email"


class _NoEmptyHint:
    """govuk-frontend-wtf gives every group of checkboxes or radios a hint, empty when the
    field has no description: the macro then renders an empty hint element and points the
    fieldset's aria-describedby at it, so a screen reader announces nothing where a hint
    should be. A field with no description gets no hint."""

    def map_gov_params(self, field, **kwargs) -> dict[str, Any]:  # noqa: ANN001, ANN003
        params = super().map_gov_params(field, **kwargs)  # type: ignore[misc]
        hint = params.get("hint")
        if isinstance(hint, dict) and not (hint.get("text") or hint.get("html")):
            del params["hint"]
        return params


class GovCheckbox(_NoEmptyHint, GovCheckboxInput):
    """One GOV.UK checkbox (a BooleanField), with no empty hint."""


class GovCheckboxes(_NoEmptyHint, GovCheckboxesInput):
    """GOV.UK checkboxes (a SelectMultipleField), with no empty hint."""


class GovRadios(_NoEmptyHint, GovRadioInput):
    """GOV.UK radios whose legend always asks the field's question.

    govuk-frontend-wtf puts the label in the legend only when a template passes no `fieldset`
    of its own, so a template that only made the legend larger lost the question: a group of
    radios with no legend, which a screen reader announces without saying what it is for.
    """

    def map_gov_params(self, field, **kwargs) -> dict[str, Any]:  # noqa: ANN001, ANN003
        params = super().map_gov_params(field, **kwargs)
        legend = params.setdefault("fieldset", {}).setdefault("legend", {})
        if not legend.get("html"):
            legend.setdefault("text", field.label.text)
        return params


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
