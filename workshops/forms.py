"""Forms, rendered with GOV.UK Frontend widgets; every message sits beside its field."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
    GovPasswordInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from werkzeug.datastructures import FileStorage
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import EqualTo, Length, Optional

from workshops.form_widgets import GovCheckbox, GovEmailInput
from workshops.models import REGIONS, SECTORS
from workshops.organiser_fields import OrganiserForm
from workshops.validators import (
    PASSWORD_MIN,
    EmailAddress,
    InputRequired,
    new_password,
    readable_email,
    strip,
)


def _choices(mapping: dict[str, str], prompt: str) -> list[SelectChoice]:
    return [SelectChoice("", prompt), *(SelectChoice(k, v) for k, v in mapping.items())]


def access_needs_field(description: str) -> TextAreaField:
    """Access needs as every booking form asks them; `description` speaks to who fills it."""
    return TextAreaField("Access needs (optional)", widget=GovTextArea(), filters=[strip],
                         description=description,
                         validators=[Optional(), Length(max=2000, message="Access needs must "
                                                        "be 2,000 characters or fewer")])


def dietary_needs_field() -> TextAreaField:
    return TextAreaField("Dietary needs (optional)", widget=GovTextArea(), filters=[strip],
                         validators=[Optional(), Length(max=1000, message="Dietary needs must "
                                                        "be 1,000 characters or fewer")])


class DelegateForm(FlaskForm):
    name = StringField("Full name", widget=GovTextInput(), filters=[strip], validators=[
        InputRequired("Enter your full name"), Length(max=200, message="Full name must be "
                                                      "200 characters or fewer")])
    email = EmailField("Email address", widget=GovEmailInput(), filters=[readable_email],
                       description="We’ll send your confirmation and calendar invite here",
                       validators=[InputRequired("Enter your email address"), EmailAddress(),
                                   Length(max=254)])
    job_title = StringField("Job title", widget=GovTextInput(), filters=[strip], validators=[
        InputRequired("Enter your job title"), Length(max=200, message="Job title must be "
                                                      "200 characters or fewer")])
    organisation = StringField("Organisation", widget=GovTextInput(), filters=[strip],
                               description="For example, Leeds City Council or Barnardo’s",
                               validators=[InputRequired("Enter your organisation"),
                                           Length(max=200, message="Organisation must be 200 "
                                                  "characters or fewer")])
    region = SelectField("Region you work in", widget=GovSelect(),
                         choices=_choices(REGIONS, "Choose region"),
                         validators=[InputRequired("Choose the region you work in")])
    sector = SelectField("Sector", widget=GovSelect(), choices=_choices(SECTORS, "Choose sector"),
                         validators=[InputRequired("Choose your sector")])
    access_needs = access_needs_field("Anything we should arrange so you can take part")
    dietary_needs = dietary_needs_field()
    list_consent = BooleanField(
        "Include my name, job title and organisation in the delegate list printed in the "
        "packs for this workshop",
        widget=GovCheckbox())


class BookingForm(DelegateForm):
    idempotency_key = HiddenField()
    submit = SubmitField("Book a place", widget=GovSubmitInput())


class ChangeDetailsForm(DelegateForm):
    submit = SubmitField("Save changes", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    """A button that asks nothing more: the page around it says what will happen."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())


class YourEmailForm(FlaskForm):
    """A form that asks for nothing but the visitor's own address, to email them a link."""

    email = EmailField("Email address", widget=GovEmailInput(), filters=[readable_email],
                       validators=[InputRequired("Enter your email address"), EmailAddress()])


class FileUploadForm(FlaskForm):
    """A page that takes files one at a time, as templates/_uploads.html's `upload_form` draws
    it: both buttons send the file chosen. 'Continue', the page's primary button, uploads it
    (if there is one) and goes on; 'Upload file' uploads it and stays, for another. Continue
    had been a link out of the form, and a file chosen before it was pressed was lost."""

    file = FileField("Upload a file", widget=GovFileInput())  # subclasses say what it takes
    upload = SubmitField("Upload file", widget=GovSubmitInput())
    go_on = SubmitField("Continue", widget=GovSubmitInput())

    def chosen_file(self) -> FileStorage | None:
        """The file sent with the form, or None if none was chosen."""
        sent = self.file.data
        return sent if isinstance(sent, FileStorage) and sent.filename else None


class LinksForm(YourEmailForm):
    submit = SubmitField("Email me my links", widget=GovSubmitInput())


class LoginForm(FlaskForm):
    email = EmailField("Email address", widget=GovEmailInput(), filters=[strip],
                       validators=[InputRequired("Enter your email address")])
    password = PasswordField("Password", widget=GovPasswordInput(),
                             validators=[InputRequired("Enter your password")])
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class ForgottenPasswordForm(YourEmailForm):
    submit = SubmitField("Send me a link", widget=GovSubmitInput())


def new_password_fields() -> tuple[PasswordField, PasswordField]:
    """A new password and its confirmation, with the same rules and messages wherever a
    password is chosen. Called in a form's body, where the fields are to come in its order."""
    return (PasswordField("New password", widget=GovPasswordInput(),
                          description=f"At least {PASSWORD_MIN} characters",
                          validators=[InputRequired("Enter a new password"), new_password]),
            PasswordField("Confirm new password", widget=GovPasswordInput(),
                          validators=[InputRequired("Confirm your new password"),
                                      EqualTo("new", "Passwords must match")]))


class SetPasswordForm(OrganiserForm):
    """For the holder of a link emailed to them: an invitation or a password reset."""

    new, confirm = new_password_fields()
    submit = SubmitField("Set password", widget=GovSubmitInput())


class PasswordChangeForm(FlaskForm):
    current = PasswordField("Current password", widget=GovPasswordInput(),
                            validators=[InputRequired("Enter your current password")])
    new, confirm = new_password_fields()
    submit = SubmitField("Change password", widget=GovSubmitInput())
