"""How the audit log names this plugin's entities: a case or a publication by its reference
and title, a panel member's declared interests by the member, a rubric descriptor by its
criterion and score (workshops.audit.describe_entities)."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select

from validation.models import CRITERION_LABELS, Case, PanelProfile, Publication, RubricDescriptor
from workshops import audit
from workshops.extensions import db
from workshops.models import User


def case_names(ids: Collection[int]) -> dict[int, str]:
    rows = db.session.execute(
        select(Case.id, Case.reference, Case.title).where(Case.id.in_(ids)))
    return {case_id: f"{reference}, {title}" for case_id, reference, title in rows}


def publication_names(ids: Collection[int]) -> dict[int, str]:
    rows = db.session.execute(
        select(Publication.id, Case.reference, Publication.title)
        .join(Case, Publication.case_id == Case.id).where(Publication.id.in_(ids)))
    return {publication_id: f"{reference}, {title}" for publication_id, reference, title in rows}


def panel_profile_names(ids: Collection[int]) -> dict[int, str]:
    rows = db.session.execute(
        select(PanelProfile.id, User).join(User, PanelProfile.user_id == User.id)
        .where(PanelProfile.id.in_(ids)))
    return {profile_id: user.display_name for profile_id, user in rows}


def rubric_names(ids: Collection[int]) -> dict[int, str]:
    rows = db.session.execute(
        select(RubricDescriptor.id, RubricDescriptor.criterion, RubricDescriptor.score)
        .where(RubricDescriptor.id.in_(ids)))
    return {row_id: f"{CRITERION_LABELS.get(criterion, criterion)}, score {score}"
            for row_id, criterion, score in rows}


def connect() -> None:
    audit.describe_entities("validation_case", case_names)
    audit.describe_entities("validation_publication", publication_names)
    audit.describe_entities("validation_panel_profile", panel_profile_names)
    audit.describe_entities("validation_rubric", rubric_names)
