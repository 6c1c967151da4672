"""Staff pages: the submissions received, a reading view of each, its evidence, and exports for
a validation body outside the suite (JSON and CSV, from the one form definition)."""

from __future__ import annotations

import json

from flask import Response, abort, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from feedback import READERS, bp
from feedback.amendments import amendments_of
from feedback.models import EvidenceFile, Submission, SubmissionStatus
from workshops import audit, spreadsheets, uploads
from workshops.extensions import db
from workshops.models import Workshop
from workshops.plugins import OnwardState, grants_reading, onward_states
from workshops.practice_form import PRACTICE_FORM, Kind
from workshops.row_ids import row_id
from workshops.views.auth import role_required

PAGE_SIZE = 50


def _received(workshop_id: int | None):  # noqa: ANN202
    query = select(Submission).where(Submission.status == SubmissionStatus.SUBMITTED)
    if workshop_id:
        query = query.where(Submission.workshop_id == workshop_id)
    return query


@bp.get("/submissions")
@role_required(*READERS)
def submissions() -> str:
    workshop_id = request.args.get("workshop", type=row_id)
    total = db.session.scalar(
        select(func.count()).select_from(_received(workshop_id).subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    # Past the last page is the last page, as on the other lists (and an offset the database
    # can hold).
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    found = db.session.scalars(
        _received(workshop_id).options(selectinload(Submission.files),
                                       selectinload(Submission.workshop))
        .order_by(Submission.submitted_at.desc(), Submission.id.desc())
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    drafts = db.session.scalar(select(func.count()).select_from(Submission).where(
        Submission.status == SubmissionStatus.DRAFT)) or 0
    workshop = db.session.get(Workshop, workshop_id) if workshop_id else None
    return render_template("feedback/submissions.html", submissions=found, total=total,
                           page=page, pages=pages, workshop=workshop,
                           drafts=drafts, states=_states(found))


def _states(found: list[Submission]) -> dict[int, OnwardState]:
    # Where validation (or whatever carries submissions on) has got to with each.
    return onward_states(current_app, [s.id for s in found])


@bp.get("/submissions/<int:submission_id>")
@role_required(*READERS)
def submission(submission_id: int) -> str:
    found = db.get_or_404(Submission, submission_id)
    if found.status != SubmissionStatus.SUBMITTED:
        abort(404)  # drafts are the submitter's own until sent
    return render_template("feedback/submission.html", submission=found, definition=PRACTICE_FORM,
                           Kind=Kind, status=_states([found])[found.id].label,
                           amended=amendments_of(found))


@bp.get("/submissions/<int:submission_id>/evidence/<int:file_id>")
@login_required
def staff_evidence(submission_id: int, file_id: int) -> ResponseReturnValue:
    # Validation links here from its case page: staff who may not read every submission may
    # still open this one's files if the plugin carrying it on says so (an assigned panel
    # member). Asked before the lookup, so no one else learns whether the file exists.
    if not current_user.has_role(*READERS) \
            and not grants_reading(current_app, current_user, submission_id):
        abort(403)
    attached = db.session.get(EvidenceFile, file_id)
    if attached is None or attached.submission_id != submission_id \
            or attached.submission.status != SubmissionStatus.SUBMITTED:
        abort(404)
    audit.record("evidence_downloaded", "submission", submission_id,
                 workshop_id=attached.submission.workshop_id, file=attached.original_name)
    db.session.commit()
    return uploads.send_upload(attached)


def _record(found: Submission, status: str) -> dict:
    return {
        "reference": found.reference,
        "status": status,
        "submitted_at": found.submitted_at.isoformat() if found.submitted_at else None,
        "source": found.source,
        "workshop": found.workshop.display_title if found.workshop else None,
        "answers": {q.key: found.answers.get(q.key) for q in PRACTICE_FORM.questions()},
        "identifying_information_flags": found.flags,
        "flags_confirmed_by_submitter": found.flags_confirmed,
        "evidence_files": [{"name": f.original_name, "type": f.media_type, "size": f.size,
                            "sha256": f.sha256} for f in found.files],
    }


def _all_received() -> list[Submission]:
    workshop_id = request.args.get("workshop", type=row_id)
    return list(db.session.scalars(
        _received(workshop_id).options(selectinload(Submission.files),
                                       selectinload(Submission.workshop))
        .order_by(Submission.submitted_at, Submission.id)))


def _download(body: str, mimetype: str, extension: str) -> Response:
    workshop_id = request.args.get("workshop", type=row_id)
    # Every submitter's name and contact details: who took them is logged, as for bookings.
    audit.record("exported practice submissions", "workshop" if workshop_id else "submission",
                 workshop_id or 0, workshop_id=workshop_id, format=extension)
    db.session.commit()
    name = f"practice-submissions{f'-workshop-{workshop_id}' if workshop_id else ''}.{extension}"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/submissions.json")
@role_required(*READERS)
def export_json() -> Response:
    received = _all_received()
    states = _states(received)
    # For another body to validate: what the submitter has withdrawn is not theirs to have.
    kept = [s for s in received if not states[s.id].withdrawn]
    body = json.dumps({"form": PRACTICE_FORM.key,
                       "questions": [{"key": q.key, "label": q.label, "kind": str(q.kind)}
                                     for q in PRACTICE_FORM.questions()],
                       "submissions": [_record(s, states[s.id].label) for s in kept]},
                      indent=2, ensure_ascii=False)
    return _download(body, "application/json", "json")


@bp.get("/submissions.csv")
@role_required(*READERS)
def export_csv() -> Response:
    questions = list(PRACTICE_FORM.questions())
    received = _all_received()
    states = _states(received)
    rows = []
    for found in received:
        answers = []
        for q in questions:
            value = found.answers.get(q.key)
            answers.append(("Yes" if value else "No") if q.kind == Kind.CHECK
                           else q.option_label(value) if q.kind == Kind.CHOICE and value
                           else value or "")
        rows.append([found.reference, states[found.id].label, found.submitted_at,
                     found.workshop.display_title if found.workshop else "", *answers,
                     "; ".join(f"{f['label']}: {f['match']}" for f in found.flags),
                     "; ".join(f.original_name for f in found.files)])
    headers = ["Reference", "Status", "Submitted", "Workshop", *(q.label for q in questions),
               "Identifying-information flags", "Evidence files"]
    # The byte-order mark tells Excel the file is UTF-8, as the service's other CSVs do.
    return _download("\ufeff" + spreadsheets.csv_text(headers, rows), "text/csv", "csv")
