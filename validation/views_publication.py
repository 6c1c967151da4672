"""Preparing decided practice for the library: staff copy-edit and send it for approval; the
submitter approves the wording, or asks for a change, through their personal link.

The rules live in `publication.py`; these views parse, call, commit and render.
"""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import BooleanField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length

from validation import bp, publication
from validation.models import LEVEL_LABELS, Case, Publication, PublicationStatus
from validation.publication import EDITORS, PUBLIC_TEXT, CaseRefused
from workshops.extensions import db
from workshops.form_widgets import GovCheckbox
from workshops.models.catalogue import REGIONS
from workshops.validators import InputRequired, words
from workshops.views.auth import role_required

LONG_TEXT = {"summary", "what_you_did", "impact", "evidence", "transferability"}


def _lines(value: str | None) -> str | None:
    return value.replace("\r\n", "\n").replace("\r", "\n").strip() if isinstance(value, str) \
        else value


def _text_field(name: str, label: str) -> StringField | TextAreaField:
    if name in LONG_TEXT:
        return TextAreaField(label, widget=GovCharacterCount(), filters=[_lines])
    return StringField(label, widget=GovTextInput(), filters=[_lines])


class EditForm(FlaskForm):
    """A field per public text field, in reading order; `publication.text_problems` checks them."""

    submit = SubmitField("Save changes", widget=GovSubmitInput())
    # A button in the same form, so edits typed but not yet saved go with it, not away.
    send = SubmitField("Save and send to the submitter for approval", widget=GovSubmitInput())

    locals().update({name: _text_field(name, label) for name, label, _, _ in PUBLIC_TEXT})


def _publication(publication_id: int) -> Publication:
    return db.get_or_404(Publication, publication_id)


def _field_params(topics: list[str]) -> dict[str, dict]:
    in_use = f" In use already: {', '.join(topics)}." if topics else ""
    params = {}
    for name, _, limit, required in PUBLIC_TEXT:
        item: dict = {"label": {"classes": "govuk-label--s"}}
        if name in LONG_TEXT:
            item.update(maxwords=limit, rows=8 if (limit or 0) > 200 else 5)
        else:
            item["classes"] = "govuk-!-width-full"
            if not required:
                item["label"]["text"] = "Topic (optional)"
                item["hint"] = {"text": "A few words readers can filter by, such as "
                                        f"‘neglect’ or ‘adolescents’.{in_use}"}
        params[name] = item
    return params


@bp.get("/publications")
@role_required(*EDITORS)
def publications() -> str:
    found = db.session.scalars(
        select(Publication).options(selectinload(Publication.case))
        .order_by(Publication.status != PublicationStatus.EDITING,
                  Publication.published_at.desc().nulls_first(), Publication.id.desc())
        .limit(100)).all()
    return render_template("validation/publications.html", publications=found,
                           LEVEL_LABELS=LEVEL_LABELS)


@bp.route("/publications/<int:publication_id>", methods=["GET", "POST"])
@role_required(*EDITORS)
def publication_edit(publication_id: int) -> ResponseReturnValue:
    found = _publication(publication_id)
    form = EditForm(obj=found if request.method == "GET" else None)
    if found.status == PublicationStatus.EDITING and form.validate_on_submit():
        values = {name: form[name].data or "" for name, _, _, _ in PUBLIC_TEXT}
        problems = publication.text_problems(values)
        for name, message in problems.items():
            form[name].errors = [*form[name].errors, message]
        if not problems:
            try:
                changed = publication.edit(found, values, actor=current_user)
            except CaseRefused as refusal:
                db.session.rollback()
                form.submit.errors = [refusal.message]
            else:
                db.session.commit()
                if form.send.data:
                    if changed:
                        flash("Your changes are saved.", "success")
                    return redirect(url_for(".publication_send", publication_id=found.id),
                                    code=303)
                flash("Your changes are saved." if changed else "Nothing had changed.",
                      "success")
                return redirect(url_for(".publication_edit", publication_id=found.id),
                                code=303)
    # The hints count what the form holds: after a refusal, the editor's text, not the saved.
    shown = {name: form[name].data if request.method == "POST" else getattr(found, name)
             for name, *_ in PUBLIC_TEXT}
    return render_template(
        "validation/publication_edit.html", form=form, publication=found,
        params=_field_params(publication.topics_in_use()), leftovers=publication.leftovers(found),
        counts={name: words(text or "") for name, text in shown.items()},
        limits={name: limit for name, _, limit, _ in PUBLIC_TEXT},
        requests=publication.change_requests(found), regions=REGIONS, texts=PUBLIC_TEXT,
        level_label=LEVEL_LABELS.get(found.level, found.level),
    ), 422 if form.errors else 200


class SendForm(FlaskForm):
    flags_checked = BooleanField(
        "I have checked the highlighted text: it does not identify a child, parent or carer",
        widget=GovCheckbox())
    submit = SubmitField("Send to the submitter for approval", widget=GovSubmitInput())


@bp.route("/publications/<int:publication_id>/send", methods=["GET", "POST"])
@role_required(*EDITORS)
def publication_send(publication_id: int) -> ResponseReturnValue:
    found = _publication(publication_id)
    form = SendForm()
    if form.validate_on_submit():
        try:
            publication.send_for_approval(found, actor=current_user,
                                          flags_checked=bool(form.flags_checked.data))
        except CaseRefused as refusal:
            db.session.rollback()
            target = form.flags_checked if refusal.field == "flags_checked" else form.submit
            target.errors = [refusal.message]
        else:
            db.session.commit()
            flash(f"Sent to {found.case.submitter_email} for approval. The practice is "
                  "published when they approve the wording.", "success")
            return redirect(url_for(".publication_edit", publication_id=found.id), code=303)
    left = publication.leftovers(found)
    return render_template("validation/publication_send.html", form=form, publication=found,
                           leftovers=[item for item in left if not item.personal],
                           personal=[item for item in left if item.personal], texts=PUBLIC_TEXT,
                           regions=REGIONS, level_label=LEVEL_LABELS.get(found.level, found.level),
                           problems=publication.text_problems(
                               {name: getattr(found, name) or "" for name, *_ in PUBLIC_TEXT}),
                           ), 422 if form.errors else 200


# --- the submitter's approval ---------------------------------------------------------------

class ApproveForm(FlaskForm):
    approve = SubmitField("Approve and publish", widget=GovSubmitInput())


class ChangeForm(FlaskForm):
    comment = TextAreaField("What would you like us to change?", widget=GovTextArea(),
                            filters=[_lines],
                            description="Say which part, and what it should say instead.",
                            validators=[InputRequired("Say what you would like us to change"),
                                        Length(max=5000, message="What you would like us to "
                                               "change must be 5,000 characters or fewer")])
    change = SubmitField("Ask for this change", widget=GovSubmitInput())


def _personal(body: str, status: int = 200) -> Response:
    # The submitter's own page behind their personal link: no shared cache may keep it.
    response = Response(body, status=status)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/approve/<token>", methods=["GET", "POST"])
def approve(token: str) -> ResponseReturnValue:
    case = db.session.scalar(select(Case).where(Case.token == token))
    found = publication.publication_for(case) if case is not None else None
    if found is None:
        abort(404)
    # Two small forms, not radios with a revealed comment box: the reveal puts aria-expanded
    # on a radio button, which is not valid ARIA.
    approve_form, change_form = ApproveForm(), ChangeForm()
    waiting = found.status == PublicationStatus.AWAITING_APPROVAL
    answered = approve_form.approve.data or change_form.change.data
    if waiting and request.method == "POST" and answered:
        form = approve_form if approve_form.approve.data else change_form
        if form.validate_on_submit():
            try:
                if form is approve_form:
                    publication.approve(found)
                else:
                    publication.request_change(found, change_form.comment.data or "")
            except CaseRefused as refusal:
                db.session.rollback()
                target = change_form.comment if form is change_form else approve_form.approve
                target.errors = [*target.errors, refusal.message]
            else:
                db.session.commit()
                return redirect(url_for(".approve", token=token), code=303)
    errors = bool(approve_form.errors or change_form.errors)
    return _personal(render_template("validation/publication_approve.html",
                                     approve_form=approve_form, change_form=change_form,
                                     errors=errors, publication=found, case=found.case,
                                     waiting=waiting, texts=PUBLIC_TEXT, regions=REGIONS,
                                     level_label=LEVEL_LABELS.get(found.level, found.level)),
                     422 if errors else 200)
