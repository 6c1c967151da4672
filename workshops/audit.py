"""Writing audit entries; every domain function calls `record` before its commit."""

from __future__ import annotations

from typing import Any

from flask import has_request_context
from flask_login import current_user

from workshops.extensions import db
from workshops.models import AuditEntry, User

# The core's entities whose stored names would not read well; any other (a plugin's too)
# reads as its name with spaces: "validation_case" is "Validation case".
ENTITY_LABELS = {"user": "Staff account", "outbox": "Email"}


def action_label(action: str) -> str:
    """An action as a sentence starts: 'email_confirmed' reads 'Email confirmed'."""
    return action.replace("_", " ").capitalize()


def entity_label(entity: str) -> str:
    return ENTITY_LABELS.get(entity, entity.replace("_", " ").capitalize())


def _actor(actor: User | str | None) -> tuple[int | None, str]:
    if isinstance(actor, User):
        return actor.id, actor.email
    if isinstance(actor, str):
        return None, actor
    if has_request_context() and current_user.is_authenticated:
        return current_user.id, current_user.email
    return None, "system"


def record(
    action: str,
    entity: str,
    entity_id: int,
    *,
    workshop_id: int | None = None,
    actor: User | str | None = None,
    **details: Any,
) -> AuditEntry:
    actor_id, label = _actor(actor)
    entry = AuditEntry(
        actor_id=actor_id,
        actor_label=label,
        action=action,
        entity=entity,
        entity_id=entity_id,
        workshop_id=workshop_id,
        details=details,
    )
    db.session.add(entry)
    return entry
