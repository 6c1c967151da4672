"""Staff pages: the submissions received, a reading view of each, its evidence, and exports for
a validation body outside the suite (JSON and CSV, from the one form definition)."""

from __future__ import annotations

import csv
import io
import json

from flask import Response, abort, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from feedback import READERS, bp
from feedback.models import EvidenceFile, Submission, SubmissionStatus
from workshops import audit, uploads
from workshops.extensions import db
from workshops.models import Workshop
from workshops.practice_form import PRACTICE_FORM, Kind
from workshops.spreadsheets import csv_safe
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
    workshop_id = request.args.get("workshop", type=int)
    page = max(request.args.get("page", 1, type=int), 1)
    total = db.session.scalar(
        select(func.count()).select_from(_received(workshop_id).subquery())) or 0
    found = db.session.scalars(
        _received(workshop_id).options(selectinload(Submission.files),
                                       selectinload(Submission.workshop))
        .order_by(Submission.submitted_at.desc(), Submission.id.desc())
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    drafts = db.session.scalar(select(func.count()).select_from(Submission).where(
        Submission.status == SubmissionStatus.DRAFT)) or 0
    workshop = db.session.get(Workshop, workshop_id) if workshop_id else None
    return render_template("feedback/submissions.html", submissions=found, total=total,
                           page=page, pages=max(1, -(-total // PAGE_SIZE)), workshop=workshop,
                           drafts=drafts)


@bp.get("/submissions/<int:submission_id>")
@role_required(*READERS)
def submission(submission_id: int) -> str:
    found = db.get_or_404(Submission, submission_id)
    if found.status != SubmissionStatus.SUBMITTED:
        abort(404)  # drafts are the submitter's own until sent
    return render_template("feedback/submission.html", submission=found, definition=PRACTICE_FORM,
                           Kind=Kind)


@bp.get("/submissions/<int:submission_id>/evidence/<int:file_id>")
@role_required(*READERS)
def staff_evidence(submission_id: int, file_id: int) -> ResponseReturnValue:
    attached = db.session.get(EvidenceFile, file_id)
    if attached is None or attached.submission_id != submission_id \
            or attached.submission.status != SubmissionStatus.SUBMITTED:
        abort(404)
    audit.record("evidence_downloaded", "submission", submission_id,
                 workshop_id=attached.submission.workshop_id, file=attached.original_name)
    db.session.commit()
    return uploads.send_upload(attached)


def _record(found: Submission) -> dict:
    return {
        "reference": found.reference,
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
    workshop_id = request.args.get("workshop", type=int)
    return list(db.session.scalars(
        _received(workshop_id).options(selectinload(Submission.files),
                                       selectinload(Submission.workshop))
        .order_by(Submission.submitted_at, Submission.id)))


@bp.get("/submissions.json")
@role_required(*READERS)
def export_json() -> Response:
    body = json.dumps({"form": PRACTICE_FORM.key,
                       "questions": [{"key": q.key, "label": q.label, "kind": str(q.kind)}
                                     for q in PRACTICE_FORM.questions()],
                       "submissions": [_record(s) for s in _all_received()]},
                      indent=2, ensure_ascii=False)
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="practice-submissions.json"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/submissions.csv")
@role_required(*READERS)
def export_csv() -> Response:
    questions = list(PRACTICE_FORM.questions())
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Reference", "Submitted", "Workshop", *(q.label for q in questions),
                     "Identifying-information flags", "Evidence files"])
    for found in _all_received():
        answers = []
        for q in questions:
            value = found.answers.get(q.key)
            answers.append(("Yes" if value else "No") if q.kind == Kind.CHECK
                           else q.option_label(value) if q.kind == Kind.CHOICE and value
                           else value or "")
        writer.writerow([csv_safe(v) for v in (
            found.reference, found.submitted_at.isoformat() if found.submitted_at else "",
            found.workshop.display_title if found.workshop else "", *answers,
            "; ".join(f"{f['label']}: {f['match']}" for f in found.flags),
            "; ".join(f.original_name for f in found.files))])
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="practice-submissions.csv"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
