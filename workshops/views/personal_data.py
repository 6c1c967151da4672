"""Personal data requests, for administrators: find what is held under an address, download a
copy for the person, erase their booking details (workshops.personal_data).

The address travels in POST bodies only: in a URL it would be written to access logs.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, flash, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import EmailField, HiddenField, SubmitField
from wtforms.validators import Email, Length

from workshops import audit, personal_data
from workshops.booking import email_key
from workshops.extensions import db
from workshops.form_widgets import GovEmailInput
from workshops.formatting import and_list
from workshops.models import Role
from workshops.validators import InputRequired, readable_email
from workshops.views.auth import role_required

bp = Blueprint("personal_data", __name__, url_prefix="/admin/personal-data")


class FindForm(FlaskForm):
    email = EmailField(
        "Email address", widget=GovEmailInput(), filters=[readable_email],
        description="The address the person booked or sent practice with",
        validators=[InputRequired("Enter the email address the request is about"),
                    Email("Enter an email address in the correct format, like "
                          "name@example.org", check_deliverability=False),
                    Length(max=254, message="Email address must be 254 characters or fewer")])
    submit = SubmitField("Find their data", widget=GovSubmitInput())


class ActOnForm(FlaskForm):
    """The results page's buttons: the address rides along, already checked."""

    email = HiddenField(validators=[InputRequired("Find the person’s data first"),
                                    Length(max=254)])


class EraseForm(ActOnForm):
    confirm = HiddenField()
    submit = SubmitField("Erase their booking details", widget=GovSubmitInput())


@bp.before_request
@role_required(Role.ADMIN)
def admins_only() -> None:
    """Anonymous visitors go to sign in; staff who are not administrators get 403."""
    return None


@bp.after_request
def never_kept(response: Response) -> Response:
    # Each page shows someone's personal data: never kept by a browser or a shared cache.
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _results(email: str, status: int = 200) -> tuple[str, int]:
    email = email_key(email)  # as bookings are matched: case and spaces aside
    found = personal_data.find(email)
    return render_template("admin/personal_data.html", form=FindForm(email=email), email=email,
                           holdings=found.holdings, needed=found.still_needed), status


@bp.route("/", methods=["GET", "POST"])
def find() -> ResponseReturnValue:
    form = FindForm()
    if form.validate_on_submit():
        return _results(form.email.data)
    return render_template("admin/personal_data.html", form=form, email=None, holdings=None,
                           needed=[]), 422 if form.errors else 200


@bp.post("/copy")
def copy() -> ResponseReturnValue:
    form = ActOnForm()
    if not form.validate_on_submit():
        return find()
    copied = personal_data.copy(form.email.data)
    body = json.dumps(copied, indent=2, ensure_ascii=False)
    # Who took a copy of someone's data, and when: not the address (the log outlives erasure),
    # but how much was in it.
    audit.record("copied personal data on request", "personal_data", 0,
                 holdings=len(copied["holdings"]))
    db.session.commit()
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": 'attachment; filename="personal-data.json"'})


@bp.post("/erase")
def erase() -> ResponseReturnValue:
    form = EraseForm()
    if not form.validate_on_submit():
        return find()
    email = form.email.data
    if form.confirm.data != "yes":
        return render_template("admin/personal_data_erase.html", form=form, email=email,
                               holdings=personal_data.find(email).holdings)
    try:
        erased = personal_data.erase(email, actor=current_user)
    except personal_data.ErasureRefused as refusal:
        flash(refusal.message)
        return _results(email, 409)
    if erased:
        flash(f"Erased the details of {and_list([str(e) for e in erased])} made with {email}.",
              "success")
    else:
        flash(f"Nothing was held under {email} to erase.", "success")
    return _results(email)
