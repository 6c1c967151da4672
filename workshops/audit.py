"""Writing audit entries (every domain function calls `record` before its commit), and how
the log reads them: its actions, their details' values, and the names of what they are about."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, load_only

from workshops import formatting
from workshops.extensions import db
from workshops.models import (
    AuditEntry,
    Booking,
    OrganiserMessage,
    Series,
    User,
    Venue,
    Workshop,
)

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


# The names of one kind of entity, by id, read for a whole page of the log at once: a page of
# fifty entries costs one query per kind it mentions, not one per entry.
NameReader = Callable[[Collection[int]], Mapping[int, str]]

# How the log names each kind of entity: a series by its title, a staff account by its
# person, not "Series 2" or "Staff account 9". Plugins add theirs (describe_entities).
ENTITY_NAMES: dict[str, NameReader] = {}

# Details that hold another entity's id, and the kind of entity it is: a move's entries name
# the other booking, which reads as its reference too.
DETAIL_ENTITIES: dict[str, str] = {"to_booking": "booking", "from_booking": "booking"}


def describe_entities(entity: str, names: NameReader) -> None:
    """Add how the log names one kind of entity: `names` reads the names of many at once."""
    ENTITY_NAMES[entity] = names


def value_label(entity: str, key: str, value: object) -> object:
    return VALUE_LABELS.get((entity, key), {}).get(str(value), value)


def action_label(action: str) -> str:
    """An action as a sentence starts: 'email_confirmed' reads 'Email confirmed'."""
    return ACTION_LABELS.get(action) or action.replace("_", " ").capitalize()


def entity_label(entity: str) -> str:
    return ENTITY_LABELS.get(entity, entity.replace("_", " ").capitalize())


def entity_names(mentioned: Iterable[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """The names of the entities (kind, id) that a page of entries mentions, by kind and id.

    One query per kind that has a reader; an entity that no longer exists has no name.
    """
    wanted: dict[str, set[int]] = defaultdict(set)
    for entity, entity_id in mentioned:
        if entity in ENTITY_NAMES and entity_id:
            wanted[entity].add(entity_id)
    return {(entity, entity_id): name
            for entity, ids in wanted.items()
            for entity_id, name in ENTITY_NAMES[entity](ids).items() if name}


def entity_text(entity: str, entity_id: int, names: Mapping[tuple[str, int], str]) -> str:
    """'Series: Highly resistant families'; 'Series 2' if it has gone; 'Email' for no one."""
    label = entity_label(entity)
    if name := names.get((entity, entity_id)):
        return f"{label}: {name}"
    return f"{label} {entity_id}" if entity_id else label


def workshop_name(workshop: Workshop) -> str:
    """A workshop as the log names it: its title and its day, which set it apart from the
    same series' others and from last year's."""
    return f"{workshop.display_title}, {formatting.day(workshop.starts_at)}"


def _workshop_names(ids: Collection[int]) -> dict[int, str]:
    found = db.session.scalars(select(Workshop).join(Workshop.series)
                               .options(contains_eager(Workshop.series))
                               .where(Workshop.id.in_(ids)))
    return {w.id: workshop_name(w) for w in found}


def _staff_names(ids: Collection[int]) -> dict[int, str]:
    found = db.session.scalars(select(User).options(load_only(User.name, User.email))
                               .where(User.id.in_(ids)))
    return {user.id: user.display_name for user in found}


def _venue_names(ids: Collection[int]) -> dict[int, str]:
    # With the town: two venues may share a name ("Civic Centre").
    return {row.id: ", ".join(part for part in (row.name, row.town) if part)
            for row in db.session.execute(
                select(Venue.id, Venue.name, Venue.town).where(Venue.id.in_(ids)))}


def _series_titles(ids: Collection[int]) -> dict[int, str]:
    return dict(db.session.execute(select(Series.id, Series.title).where(Series.id.in_(ids))).all())


def _booking_references(ids: Collection[int]) -> dict[int, str]:
    # The reference, as delegates quote it on the phone and at the desk.
    return dict(db.session.execute(
        select(Booking.id, Booking.reference).where(Booking.id.in_(ids))).all())


def _message_subjects(ids: Collection[int]) -> dict[int, str]:
    return dict(db.session.execute(select(OrganiserMessage.id, OrganiserMessage.subject)
                                   .where(OrganiserMessage.id.in_(ids))).all())


ENTITY_NAMES.update({
    "workshop": _workshop_names,
    "series": _series_titles,
    "venue": _venue_names,
    "booking": _booking_references,
    "user": _staff_names,
    "message": _message_subjects,
})


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
