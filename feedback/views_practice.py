"""The submitter's pages: start, the task list, a page per section, evidence, the upload of the
filled-in fillable PDF, check your answers, submit, and the status page afterwards.

The personal link (`/feedback/practice/<token>`) is the permission: it was sent to the
submitter's confirmed address, or reached from their booking's own personal link.
"""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from feedback import bp, evidence, submissions
from feedback.forms import (
    ContinueForm,
    EvidenceForm,
    FilledFormUpload,
    RemoveForm,
    StartForm,
    SubmitForm,
    field_params,
    section_form,
)
from feedback.models import Evaluation, Invitation, Submission, SubmissionStatus
from feedback.receipt import receipt_pdf
from feedback.submissions import SectionInvalid, SubmissionRefused
from workshops import clock, uploads
from workshops.extensions import db, limiter
from workshops.plugins import onward_states
from workshops.practice_form import PRACTICE_FORM, Kind
from workshops.views.booking import booking_for_link


def _submission(token: str) -> Submission:
    found = db.session.scalar(select(Submission).where(Submission.token == token))
    if found is None:
        abort(404)
    return found


def _draft(token: str) -> Submission | ResponseReturnValue:
    """The draft behind the link; a sent submission sends the visitor to its status page."""
    found = _submission(token)
    if found.status == SubmissionStatus.AWAITING_EMAIL:
        submissions.confirm_email(found)
    return found


def _refusal_on(form, refusal: SubmissionRefused) -> None:  # noqa: ANN001
    name = refusal.field if refusal.field and refusal.field in form else "submit"
    form[name].errors = [*form[name].errors, refusal.message]


# --- starting ---------------------------------------------------------------------------------

@bp.get("/")
def index() -> str:
    """The address printed in every delegate pack, under the practice form."""
    return render_template("feedback/index.html")


@bp.route("/practice/start", methods=["GET", "POST"])
@limiter.limit("5 per minute; 20 per hour", methods=["POST"])
def start() -> ResponseReturnValue:
    form = StartForm()
    if form.validate_on_submit():
        submissions.start_public(form.email.data)
        return render_template("feedback/check_email.html", email=form.email.data)
    return render_template("feedback/start.html", form=form), 422 if form.errors else 200


def _landing(booking, invitation: Invitation | None, action: str) -> ResponseReturnValue:  # noqa: ANN001
    form = ContinueForm()
    if form.validate_on_submit():
        draft = submissions.draft_for_booking(booking)
        return redirect(url_for(".practice", token=draft.token), code=303)
    if invitation is None:
        invitation = db.session.scalar(
            select(Invitation).where(Invitation.booking_id == booking.id))
    sent = submissions.submissions_for_booking(booking)
    return render_template(
        "feedback/landing.html", booking=booking, invitation=invitation, sent=sent, form=form,
        action=action, states=onward_states(current_app, [s.id for s in sent]), now=clock.now(),
        evaluated_at=db.session.scalar(select(Evaluation.submitted_at)
                                       .where(Evaluation.booking_id == booking.id)))


@bp.route("/booking/<token>", methods=["GET", "POST"])
def booking_practice(token: str) -> ResponseReturnValue:
    """From the delegate's booking page (the fillable form points here)."""
    booking = booking_for_link(token)
    return _landing(booking, None, url_for(".booking_practice", token=token))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def invitation(token: str) -> ResponseReturnValue:
    """From the after-the-workshop email."""
    found = db.session.scalar(select(Invitation).where(Invitation.token == token))
    if found is None:
        abort(404)
    return _landing(found.booking, found, url_for(".invitation", token=token))


# --- the draft --------------------------------------------------------------------------------

@bp.get("/practice/<token>")
def practice(token: str) -> ResponseReturnValue:
    submission = _draft(token)
    if submission.status == SubmissionStatus.SUBMITTED:
        return render_template("feedback/status.html", submission=submission, form=PRACTICE_FORM,
                               Kind=Kind,
                               onward=onward_states(current_app, [submission.id])[submission.id])
    states = {s.key: submissions.section_state(submission, s) for s in PRACTICE_FORM.sections}
    filled_in = {s.key for s in PRACTICE_FORM.sections
                 if submissions.filled_in_for_them(submission, s)}
    return render_template("feedback/task_list.html", submission=submission, form=PRACTICE_FORM,
                           states=states, done=sum(v == "Completed" for v in states.values()),
                           filled_in=filled_in)


def _editable_or_status(submission: Submission) -> ResponseReturnValue | None:
    if submission.status == SubmissionStatus.SUBMITTED:
        flash(f"This submission was sent as {submission.reference} and can no longer be "
              "changed.", "info")
        return redirect(url_for(".practice", token=submission.token), code=303)
    return None


@bp.route("/practice/<token>/section/<section_key>", methods=["GET", "POST"])
def practice_section(token: str, section_key: str) -> ResponseReturnValue:
    submission = _draft(token)
    if (sent := _editable_or_status(submission)) is not None:
        return sent
    try:
        section = submissions.section(section_key)
    except KeyError:
        abort(404)
    form = section_form(section, submission.answers)
    if form.validate_on_submit():
        values = {q.key: form[q.key].data for q in section.questions}
        try:
            submissions.save_section(submission, section.key, values)
        except SectionInvalid as invalid:
            for key, message in invalid.errors.items():
                form[key].errors = [*form[key].errors, message]
        else:
            flash(f"‘{section.title}’ saved", "success")
            target = request.args.get("next")
            if target == "check":
                return redirect(url_for(".check", token=token), code=303)
            return redirect(url_for(".practice", token=token), code=303)
    return render_template("feedback/section.html", submission=submission, section=section,
                           form=form, params={q.key: field_params(q) for q in section.questions},
                           Kind=Kind,
                           filled_in=submissions.filled_in_for_them(submission, section)), \
        422 if form.errors else 200


# --- evidence ---------------------------------------------------------------------------------

@bp.route("/practice/<token>/evidence", methods=["GET", "POST"])
def practice_evidence(token: str) -> ResponseReturnValue:
    submission = _draft(token)
    if (sent := _editable_or_status(submission)) is not None:
        return sent
    form = EvidenceForm()
    onward = url_for(".practice", token=token)
    if form.validate_on_submit():
        upload = form.chosen_file()
        if upload is None and form.go_on.data:
            return redirect(onward, code=303)
        if upload is None:
            form.file.errors = ["Select a file to upload"]
        else:
            try:
                attached = submissions.add_evidence(submission, upload.filename or "",
                                                    upload.read())
            except SubmissionRefused as refusal:
                _refusal_on(form, refusal)
            else:
                flash(f"‘{attached.original_name}’ attached", "success")
                return redirect(onward if form.go_on.data
                                else url_for(".practice_evidence", token=token), code=303)
    return render_template("feedback/evidence.html", submission=submission, form=form,
                           remove=RemoveForm(), max_files=evidence.MAX_FILES, onward=onward), \
        422 if form.errors else 200


@bp.post("/practice/<token>/evidence/<int:file_id>/remove")
def remove_evidence(token: str, file_id: int) -> ResponseReturnValue:
    submission = _draft(token)
    if (sent := _editable_or_status(submission)) is not None:
        return sent
    if RemoveForm().validate_on_submit():
        try:
            removed = submissions.remove_evidence(submission, file_id)
        except SubmissionRefused:
            abort(404)
        flash(f"{removed} removed", "success")
    return redirect(url_for(".practice_evidence", token=token), code=303)


@bp.get("/practice/<token>/evidence/<int:file_id>")
def download_evidence(token: str, file_id: int) -> ResponseReturnValue:
    return uploads.send_upload(uploads.one_of(_submission(token).files, file_id))


# --- the fillable PDF, filled in --------------------------------------------------------------

@bp.route("/practice/<token>/upload", methods=["GET", "POST"])
def practice_upload(token: str) -> ResponseReturnValue:
    submission = _draft(token)
    if (sent := _editable_or_status(submission)) is not None:
        return sent
    form = FilledFormUpload()
    if form.validate_on_submit():
        upload = form.file.data
        if not upload or not upload.filename:
            form.file.errors = ["Select the PDF you filled in"]
        else:
            try:
                filled = submissions.import_filled_form(submission, upload.read())
            except SubmissionRefused as refusal:
                _refusal_on(form, refusal)
            else:
                flash(f"We copied {len(filled)} answers from your form. Check them, complete "
                      "anything missing, then send your submission.", "success")
                return redirect(url_for(".check", token=token), code=303)
    return render_template("feedback/upload.html", submission=submission, form=form), \
        422 if form.errors else 200


# --- check and send ---------------------------------------------------------------------------

@bp.route("/practice/<token>/check", methods=["GET", "POST"])
def check(token: str) -> ResponseReturnValue:
    submission = _draft(token)
    if (sent := _editable_or_status(submission)) is not None:
        return sent
    form = SubmitForm()
    missing, flags = submissions.problems(submission), submissions.flags(submission)
    if form.validate_on_submit():
        try:
            submissions.submit(submission, flags_confirmed=bool(form.flags_confirmed.data))
        except SubmissionRefused as refusal:
            # Missing answers are listed beside each answer already; the summary lists them
            # all, with the tick box too if it is also needed, so one send says everything.
            if refusal.field not in missing:
                _refusal_on(form, refusal)
            if flags and not form.flags_confirmed.data and not form.flags_confirmed.errors:
                form.flags_confirmed.errors = [submissions.CONFIRM_FLAGS]
        else:
            return redirect(url_for(".practice", token=token, sent=1), code=303)
    refused = request.method == "POST"
    return render_template(
        "feedback/check.html", submission=submission, form=form, definition=PRACTICE_FORM,
        Kind=Kind, problems=missing, flags=flags, refused=refused,
    ), 422 if refused and (form.errors or missing) else 200


@bp.get("/practice/<token>/copy.pdf")
def copy_pdf(token: str) -> ResponseReturnValue:
    submission = _submission(token)
    if submission.status == SubmissionStatus.AWAITING_EMAIL:
        abort(404)
    name = f"{submission.reference or 'practice-draft'}.pdf"
    response = Response(receipt_pdf(submission), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
