"""Writing audit entries; every domain function calls `record` before its commit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import has_request_context
from flask_login import current_user

from workshops.extensions import db
from workshops.models import AuditEntry, User

# The core's entities whose stored names would not read well; any other (a plugin's too)
# reads as its name with spaces: "validation_case" is "Validation case".
ENTITY_LABELS = {"user": "Staff account", "outbox": "Email"}


# How an action reads where its stored name would not: plugins add theirs (describe_actions),
# so that the log says what happened ("Passed to the panel") and not the step's name ("Pass
# to panel") beside the core's "Booked" and "Published workshop".
ACTION_LABELS: dict[str, str] = {}


# How a detail's stored value reads, by entity and detail key: a case's state 'with_panel'
# is 'With the panel', as its pages say.
VALUE_LABELS: dict[tuple[str, str], Mapping[str, str]] = {}


def describe_actions(labels: Mapping[str, str]) -> None:
    """Add a plugin's readings of its stored action names."""
    ACTION_LABELS.update(labels)


def describe_values(entity: str, key: str, labels: Mapping[str, str]) -> None:
    """Add a plugin's readings of the values one detail of its entries holds."""
    VALUE_LABELS[(entity, key)] = labels


def value_label(entity: str, key: str, value: object) -> object:
    return VALUE_LABELS.get((entity, key), {}).get(str(value), value)


def action_label(action: str) -> str:
    """An action as a sentence starts: 'email_confirmed' reads 'Email confirmed'."""
    return ACTION_LABELS.get(action) or action.replace("_", " ").capitalize()


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
