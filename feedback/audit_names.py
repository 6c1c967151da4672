"""How the audit log names this plugin's entities: a submission by its reference and title,
an evaluation by the workshop it is of (workshops.audit.describe_entities)."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from feedback.models import Evaluation, Submission, practice_title
from workshops import audit
from workshops.extensions import db
from workshops.models import Workshop


def submission_names(ids: Collection[int]) -> dict[int, str]:
    # The title from inside the answers, not the whole answers of fifty submissions.
    rows = db.session.execute(
        select(Submission.id, Submission.reference, Submission.answers["title"].as_string())
        .where(Submission.id.in_(ids)))
    # A draft has no reference yet: its title alone.
    return {submission_id: ", ".join(filter(None, (reference, practice_title(title))))
            for submission_id, reference, title in rows}


def evaluation_names(ids: Collection[int]) -> dict[int, str]:
    # Evaluations are anonymous to organisers: the workshop is all that tells them apart.
    rows = db.session.execute(
        select(Evaluation.id, Workshop).join(Workshop, Evaluation.workshop_id == Workshop.id)
        .join(Workshop.series).options(contains_eager(Workshop.series))
        .where(Evaluation.id.in_(ids)))
    return {evaluation_id: audit.workshop_name(workshop) for evaluation_id, workshop in rows}


def connect() -> None:
    audit.describe_entities("submission", submission_names)
    audit.describe_entities("evaluation", evaluation_names)
