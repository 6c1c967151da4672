"""The submitter's pages, reached by the personal link in our emails (/validation/respond/...).

While questions wait for an answer the link opens the answer page: the questions, a draft
answer, changes to any text answer, extra evidence files. At any other time it shows where the
submission has got to, in plain English: never staff notes, scores or who said what.
The link is the permission: it went only to the address the submission came from.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovFileInput,
    GovSubmitInput,
    GovTextInput,
)
from sqlalchemy import select
from wtforms import BooleanField, EmailField, StringField, SubmitField, TextAreaField

from validation import bp, publication, requests, withdrawal
from validation.models import SUBMITTER_STATUS, Case, CaseState
from validation.requests import (
    ANSWER_WORD_LIMIT,
    REASON_WORD_LIMIT,
    AnswerInvalid,
    amendable,
    amendable_section,
    amendable_sections,
    amendment_flags,
    current_answers,
    evidence_count,
    removable,
    who_asked,
)
from validation.workflow import OPEN, CaseRefused
from workshops import uploads
from workshops.extensions import db
from workshops.form_widgets import GovCheckbox, GovEmailInput, input_hints
from workshops.forms import FileUploadForm
from workshops.practice_form import Kind, Question, Section
from workshops.transitions import TransitionNotAllowed
from workshops.validators import strip

# --- forms ------------------------------------------------------------------------------------

class RespondForm(FlaskForm):
    answer = TextAreaField(
        "Your answer to the questions", widget=GovCharacterCount(),
        description="Answer each question. If you changed your answers to the form or added "
                    "files, say so here too.")
    send = SubmitField("Send your answer", widget=GovSubmitInput())
    save = SubmitField("Save and come back later", widget=GovSubmitInput())


class EvidenceForm(FileUploadForm):
    file = FileField("Upload a file", widget=GovFileInput(),
                     description=f"{uploads.ACCEPTED}, smaller than "
                                 f"{uploads.MAX_BYTES // (1024 * 1024)} MB.")


class RemoveForm(FlaskForm):
    submit = SubmitField("Remove", widget=GovSubmitInput())


class WithdrawForm(FlaskForm):
    reason = TextAreaField(
        "Why are you withdrawing it? (optional)", widget=GovCharacterCount(),
        description="This helps us improve the programme. You do not have to say.")
    submit = SubmitField("Withdraw my submission", widget=GovSubmitInput())


def _amend_field(question: Question) -> Any:
    if question.kind == Kind.LONG:
        return TextAreaField(question.label, description=question.guidance,
                             widget=GovCharacterCount())
    if question.kind == Kind.EMAIL:
        return EmailField(question.label, description=question.guidance, widget=GovEmailInput(),
                          filters=[strip])
    return StringField(question.label, description=question.guidance, widget=GovTextInput())


def amend_form(section: Section, data: dict[str, Any]) -> FlaskForm:
    """A form for the section's amendable questions, in the form's order, with its guidance."""

    class AmendForm(FlaskForm):
        # Shown only while the section holds findings not yet confirmed; the same words as the
        # e-form's at submission.
        flags_confirmed = BooleanField(
            "I have checked the highlighted text: it does not identify a child, parent or carer",
            widget=GovCheckbox())
        submit = SubmitField("Save changes", widget=GovSubmitInput())
        undo = SubmitField("Put back what I first sent", widget=GovSubmitInput())

    for question in section.questions:
        if amendable(question):
            setattr(AmendForm, question.key, _amend_field(question))
    return AmendForm(data=data)


def field_params(question: Question) -> dict[str, Any]:
    params: dict[str, Any] = {"label": {"classes": "govuk-label--s"}}
    if question.kind == Kind.LONG:
        params.update(maxwords=question.word_limit, rows=max(5, min(12, question.lines)))
    elif question.kind == Kind.EMAIL:
        params["classes"] = "govuk-!-width-two-thirds"
    else:
        params["classes"] = "govuk-!-width-full"
    params.update(input_hints(question))
    return params


# --- shared -----------------------------------------------------------------------------------

def _by_token(token: str) -> Case:
    found = db.session.scalar(select(Case).where(Case.token == token))
    if found is None:
        abort(404)
    return found


def _waiting(case: Case) -> bool:
    return case.state == CaseState.INFO_REQUESTED and case.open_request is not None


def _moved_on(case: Case, what: str) -> tuple[str, int]:
    """The 409 page for the submitter: the case is no longer where the page thought it was."""
    db.session.rollback()
    return render_template("validation/moved_on.html", case=case, what=what,
                           status=SUBMITTER_STATUS.get(case.state)), 409


def _refusal_on(form: FlaskForm, refusal: CaseRefused) -> None:
    name = refusal.field if refusal.field and refusal.field in form else "submit"
    if name not in form:
        name = "send"
    form[name].errors = [*form[name].errors, refusal.message]


def _section_flags(case: Case, section: Section) -> list[dict[str, Any]]:
    keys = {q.key for q in section.questions}
    return [f for f in amendment_flags(case, case.open_request) if f["field"] in keys]


def _respond_page(case: Case, form: RespondForm, problems: dict[str, str] | None = None,
                  code: int = 200) -> tuple[str, int]:
    info = case.open_request
    changed = set((info.amendments or {}) if info else {})
    problems = problems or {}
    unchecked = [f["field"] for f in amendment_flags(case, info) if not f["confirmed"]]
    sections = [{"section": s, "changed": [q.label for q in s.questions if q.key in changed],
                 "problems": list(dict.fromkeys(problems[q.key] for q in s.questions
                                                if q.key in problems)),
                 "unchecked": sum(unchecked.count(q.key) for q in s.questions)}
                for s in amendable_sections()]
    labels = {q.key: (s.key, q.label) for s in amendable_sections() for q in s.questions}
    return render_template(
        "validation/respond.html", case=case, request_=info, form=form, sections=sections,
        asker=who_asked(info.stage), limit=ANSWER_WORD_LIMIT, problems=problems,
        labels=labels, files=evidence_count(case), max_files=uploads.MAX_FILES,
        added=[f for f in case.files if removable(case, f)]), code


# --- the personal link ------------------------------------------------------------------------

@bp.route("/respond/<token>", methods=["GET", "POST"])
def respond(token: str) -> ResponseReturnValue:
    """The answer page while questions wait; the status page otherwise."""
    case = _by_token(token)
    if request.method == "GET" and not _waiting(case):
        return render_template("validation/status.html", case=case,
                               status=SUBMITTER_STATUS.get(case.state),
                               withdrawable=case.state in OPEN,
                               publication=publication.publication_for(case),
                               answered=[r for r in case.requests if r.answered_at],
                               sent=bool(request.args.get("sent")))
    if not _waiting(case):
        return _moved_on(case, "send an answer")
    form = RespondForm(data={"answer": case.open_request.answer})
    if not form.validate_on_submit():
        return _respond_page(case, form, code=422 if form.errors else 200)
    change = request.form.get("change", "")
    if change or form.save.data:
        try:
            requests.save_draft(case, form.answer.data or "")
        except CaseRefused as refusal:
            _refusal_on(form, refusal)
            return _respond_page(case, form, code=422)
        if change == "evidence":
            return redirect(url_for(".respond_evidence", token=token), code=303)
        if change:
            return redirect(url_for(".respond_section", token=token, section_key=change), code=303)
        flash("Your answer is saved. Use the link in our email to come back to it.", "success")
        return redirect(url_for(".respond", token=token), code=303)
    try:
        requests.answer_request(case, form.answer.data or "")
    except TransitionNotAllowed:
        return _moved_on(case, "send an answer")
    except AnswerInvalid as invalid:
        problems = dict(invalid.errors)
        if message := problems.pop("answer", None):
            form.answer.errors = [*form.answer.errors, message]
        else:
            # The answer is fine: keep it, so going to fix a section loses nothing.
            with suppress(CaseRefused):
                requests.save_draft(case, form.answer.data or "")
        return _respond_page(case, form, problems, code=422)
    except CaseRefused as refusal:
        _refusal_on(form, refusal)
        return _respond_page(case, form, code=422)
    return redirect(url_for(".respond", token=token, sent=1), code=303)


@bp.route("/respond/<token>/section/<section_key>", methods=["GET", "POST"])
def respond_section(token: str, section_key: str) -> ResponseReturnValue:
    """Change the text answers of one section, with the questions beside them."""
    case = _by_token(token)
    try:
        section = amendable_section(section_key)
    except KeyError:
        abort(404)
    if not _waiting(case):
        if request.method == "GET":
            return redirect(url_for(".respond", token=token), code=303)
        return _moved_on(case, "change your answers")
    answers = current_answers(case)
    form = amend_form(section, {k: v for k, v in answers.items() if isinstance(v, str)})
    if form.validate_on_submit():
        original = case.answers or {}
        values = ({q.key: original.get(q.key) for q in section.questions} if form.undo.data
                  else {q.key: form[q.key].data for q in section.questions if amendable(q)})
        try:
            requests.amend_section(case, section.key, values,
                                   flags_confirmed=bool(form.flags_confirmed.data))
        except AnswerInvalid as invalid:
            for key, message in invalid.errors.items():
                form[key].errors = [*form[key].errors, message]
        except CaseRefused:
            return _moved_on(case, "change your answers")
        else:
            if form.undo.data:
                flash(f"‘{section.title}’ is back to what you first sent.", "success")
            elif any(not f["confirmed"] for f in _section_flags(case, section)):
                flash(f"Changes to ‘{section.title}’ saved. Some of the text may identify a "
                      "child, parent or carer: check the highlighted text below.", "warning")
                return redirect(url_for(".respond_section", token=token,
                                        section_key=section.key), code=303)
            else:
                flash(f"Changes to ‘{section.title}’ saved. They reach "
                      f"{who_asked(case.open_request.stage)} when you send your answer.",
                      "success")
            return redirect(url_for(".respond", token=token), code=303)
    amendments = case.open_request.amendments or {}
    flags = _section_flags(case, section)
    return render_template(
        "validation/amend.html", case=case, section=section, form=form, flags=flags,
        unchecked=sum(not f["confirmed"] for f in flags),
        request_=case.open_request, asker=who_asked(case.open_request.stage),
        questions=[q for q in section.questions if amendable(q)],
        params={q.key: field_params(q) for q in section.questions if amendable(q)},
        originals={k: old for k, (old, _new) in amendments.items()},
    ), 422 if form.errors else 200


# --- evidence ---------------------------------------------------------------------------------

@bp.route("/respond/<token>/evidence", methods=["GET", "POST"])
def respond_evidence(token: str) -> ResponseReturnValue:
    case = _by_token(token)
    if not _waiting(case):
        if request.method == "GET":
            return redirect(url_for(".respond", token=token), code=303)
        return _moved_on(case, "add a file")
    form = EvidenceForm()
    onward = url_for(".respond", token=token)
    if form.validate_on_submit():
        upload = form.chosen_file()
        if upload is None and form.go_on.data:
            return redirect(onward, code=303)
        if upload is None:
            form.file.errors = ["Select a file to upload"]
        else:
            try:
                attached = requests.add_file(case, upload.filename or "", upload.read())
            except CaseRefused as refusal:
                _refusal_on(form, refusal)
            else:
                flash(f"‘{attached.original_name}’ added. It reaches "
                      f"{who_asked(case.open_request.stage)} when you send your answer.",
                      "success")
                return redirect(onward if form.go_on.data
                                else url_for(".respond_evidence", token=token), code=303)
    return render_template(
        "validation/respond_evidence.html", case=case, form=form, remove=RemoveForm(),
        onward=onward,
        count=evidence_count(case), max_files=uploads.MAX_FILES,
        earlier=[f for f in case.files if not removable(case, f)],
        added=[f for f in case.files if removable(case, f)],
    ), 422 if form.errors else 200


@bp.post("/respond/<token>/evidence/<int:file_id>/remove")
def respond_remove_file(token: str, file_id: int) -> ResponseReturnValue:
    case = _by_token(token)
    if not _waiting(case):
        return _moved_on(case, "remove a file")
    if RemoveForm().validate_on_submit():
        try:
            removed = requests.remove_file(case, file_id)
        except CaseRefused:
            abort(404)  # not a file of this request: as if it did not exist
        flash(f"{removed} removed", "success")
    return redirect(url_for(".respond_evidence", token=token), code=303)


@bp.get("/respond/<token>/files/<int:file_id>")
def respond_file(token: str, file_id: int) -> ResponseReturnValue:
    return uploads.send_upload(uploads.one_of(_by_token(token).files, file_id))


# --- withdrawal -------------------------------------------------------------------------------

@bp.route("/respond/<token>/withdraw", methods=["GET", "POST"])
def withdraw(token: str) -> ResponseReturnValue:
    case = _by_token(token)
    if case.state not in OPEN:
        return _moved_on(case, "withdraw it")
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            withdrawal.withdraw(case, form.reason.data or "")
        except TransitionNotAllowed:
            return _moved_on(case, "withdraw it")
        except CaseRefused as refusal:
            _refusal_on(form, refusal)
        else:
            flash(f"You have withdrawn {case.reference}. We have emailed you to confirm.",
                  "success")
            return redirect(url_for(".respond", token=token), code=303)
    return render_template("validation/withdraw.html", case=case, form=form,
                           limit=REASON_WORD_LIMIT), 422 if form.errors else 200
