"""Web forms built from the practice form's one definition: a section's questions become its
fields, in the same order, with the same guidance and limits."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovFileInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    EmailField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Length

from workshops.form_widgets import GovCheckbox, GovEmailInput, input_hints
from workshops.forms import FileUploadForm
from workshops.practice_form import Kind, Question, Section
from workshops.validators import EmailAddress, InputRequired, readable_email, strip


def _field(question: Question) -> Any:
    label, description = question.label, question.guidance
    if not question.required and question.kind != Kind.CHECK:
        label = f"{label} (optional)"  # as the printed form says
    if question.kind == Kind.TEXT and question.word_limit:
        # Long answers count their words as you type; a short one says its limit up front.
        description = f"{description} Up to {question.word_limit} words.".strip()
    if question.kind == Kind.LONG:
        return TextAreaField(label, description=description, widget=GovCharacterCount())
    if question.kind == Kind.CHOICE:
        return SelectField(label, description=description, widget=GovSelect(),
                           choices=[SelectChoice("", "Select one"),
                                    *(SelectChoice(v, label) for v, label in question.options)],
                           validate_choice=False)
    if question.kind == Kind.CHECK:
        return BooleanField(label, description=description, widget=GovCheckbox())
    if question.kind == Kind.EMAIL:
        return EmailField(label, description=description, widget=GovEmailInput(),
                          filters=[strip])
    return StringField(label, description=description, widget=GovTextInput())


def section_form(section: Section, data: dict[str, Any] | None = None) -> FlaskForm:
    """A form class made for this section, instantiated with the stored answers (or the POST)."""

    class SectionForm(FlaskForm):
        submit = SubmitField("Save and continue", widget=GovSubmitInput())

    for question in section.questions:
        setattr(SectionForm, question.key, _field(question))
    # The POST wins over `data` when there is one, so a page with errors shows what was typed.
    return SectionForm(data=data or {})


def field_params(question: Question) -> dict[str, Any]:
    """What the GOV.UK macro needs beyond the field: word limits, rows, label size."""
    params: dict[str, Any] = {}
    if question.kind == Kind.LONG:
        params.update(maxwords=question.word_limit, rows=max(5, min(12, question.lines)))
    if question.kind == Kind.TEXT:
        params["classes"] = "govuk-!-width-full" if (question.word_limit or 0) > 5 \
            else "govuk-!-width-two-thirds"
    if question.kind == Kind.EMAIL:
        params["classes"] = "govuk-!-width-two-thirds"
    params.update(input_hints(question))
    if question.kind != Kind.CHECK:
        params["label"] = {"classes": "govuk-label--s"}
    return params


class StartForm(FlaskForm):
    email = EmailField("Email address", widget=GovEmailInput(), filters=[readable_email],
                       description="We will send a link to this address. Use it to fill in the "
                                   "form, and to come back to it later.",
                       validators=[InputRequired("Enter your email address"),
                                   EmailAddress(),
                                   Length(max=254, message="Email address must be 254 "
                                                           "characters or fewer")])
    submit = SubmitField("Send me the link", widget=GovSubmitInput())


class ContinueForm(FlaskForm):
    submit = SubmitField("Start or continue your submission", widget=GovSubmitInput())


class EvidenceForm(FileUploadForm):
    file = FileField("Upload a file", widget=GovFileInput(),
                     description="PDF, Word, Excel, PowerPoint, JPEG, PNG or GIF, smaller than "
                                 "10 MB. Up to 5 files.")


class FilledFormUpload(FlaskForm):
    file = FileField("Upload your filled-in practice form", widget=GovFileInput(),
                     description="The practice form PDF you downloaded from your booking page, "
                                 "filled in and saved.")
    submit = SubmitField("Upload form", widget=GovSubmitInput())


class RemoveForm(FlaskForm):
    submit = SubmitField("Remove", widget=GovSubmitInput())


class SubmitForm(FlaskForm):
    flags_confirmed = BooleanField(
        "I have checked the highlighted text: it does not identify a child, parent or carer",
        widget=GovCheckbox())
    submit = SubmitField("Accept and send", widget=GovSubmitInput())
