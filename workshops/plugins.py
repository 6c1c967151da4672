"""Plugins are found through the `workshops.plugins` entry points and enabled by `PLUGINS`."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from typing import Any

import click
from flask import Blueprint, Flask

log = logging.getLogger(__name__)
ENTRY_POINT_GROUP = "workshops.plugins"


@dataclass(frozen=True)
class NavEntry:
    """A link in the service navigation. `roles` empty means shown to everyone."""

    label: str
    endpoint: str
    roles: tuple[str, ...] = ()
    # Roles whose first page after signing in this is (when no ?next= says otherwise).
    home_for: tuple[str, ...] = ()
    # Hidden from users with any of these roles: another entry of theirs already leads here,
    # and a navigation that wraps onto a third line is harder to scan than one link fewer.
    not_for: tuple[str, ...] = ()


@dataclass(frozen=True)
class OnwardState:
    """Where a sent practice submission has got to in the plugin that carried it on."""

    label: str  # e.g. "With the panel": staff's word for it
    withdrawn: bool = False  # the submitter took it back: it must not be passed on again
    follow: str | None = None  # the submitter's own link to follow it further
    said_to_submitter: str = ""  # the words the submitter's own pages use, if not `label`

    @property
    def submitter_label(self) -> str:
        return self.said_to_submitter or self.label


# A sent submission that no enabled plugin has carried on.
RECEIVED = OnwardState("Received")


@dataclass
class Plugin:
    name: str
    title: str
    blueprints: list[Blueprint] = field(default_factory=list)
    nav: list[NavEntry] = field(default_factory=list)
    cli: click.Group | None = None
    setup: Callable[[Flask], None] | None = None  # connects signal receivers, adds config
    # Links a plugin adds to core pages without the core knowing the plugin's endpoints:
    # each returns (label, url) pairs for a delegate's booking or an organiser's workshop.
    booking_links: Callable[[Any], list[tuple[str, str]]] | None = None
    # What organisers may open about one booking (its pack, to print again), on its page.
    staff_booking_links: Callable[[Any], list[tuple[str, str]]] | None = None
    workshop_links: Callable[[Any], list[tuple[str, str]]] | None = None
    # What anyone may do through the plugin with no booking and no account (send practice,
    # say), as (label, url) pairs whose label says it all: the home page lists them, and
    # another plugin's public page may too, without knowing which plugin offers them.
    public_links: Callable[[], list[tuple[str, str]]] | None = None
    # Where those links stand among other plugins' (lower first; ties keep PLUGINS' order).
    # They are read in order: a delegate meets the pack and the offline form before "share
    # your practice … or upload the filled-in form", which refers back to that form.
    link_order: int = 100
    # Where sent practice submissions have got to, from whichever plugin carries them on: by
    # submission id, for those the plugin holds, a whole list at once (one query, not one per
    # row). For staff's lists and the submitter's own page alike.
    submission_states: Callable[[list[int]], dict[int, OnwardState]] | None = None
    # Whether a member of staff whose role does not let them read every submission may read
    # this one (user, submission id): the plugin that carries it on knows who is working on it.
    grants_reading: Callable[[Any, int], bool] | None = None
    # Adds the plugin's part of the demo after the core's (`flask demo`); returns any staff
    # accounts it made as {email: (role, password)}. Plugins run in the order PLUGINS names them.
    demo: Callable[[], dict[str, tuple[str, str]]] | None = None
    # Tables and indexes the plugin's migrations make by hand, with no model to describe them
    # (a full-text index, say). Names are prefixes: an SQLite FTS table's shadow tables count.
    hand_made_schema: tuple[str, ...] = ()

    def init_app(self, app: Flask) -> None:
        for blueprint in self.blueprints:
            app.register_blueprint(blueprint)
        if self.cli is not None:
            app.cli.add_command(self.cli)
        if self.setup is not None:
            self.setup(app)


@functools.cache
def _entry_points() -> tuple[EntryPoint, ...]:
    # Read once per process: what is installed cannot change under a running process, and
    # reading every distribution's metadata took a third of each create_app.
    return tuple(entry_points(group=ENTRY_POINT_GROUP))


def installed() -> list[str]:
    return [entry.name for entry in _entry_points()]


def discover(names: list[str] | None = None) -> dict[str, Plugin]:
    """Load the named plugins (all installed ones by default); unnamed ones are not imported."""
    found: dict[str, Plugin] = {}
    for entry in _entry_points():
        if names is not None and entry.name not in names:
            continue
        plugin = entry.load()
        if not isinstance(plugin, Plugin):
            log.warning("entry point %s is not a Plugin; ignored", entry.name)
            continue
        found[entry.name] = plugin
    return found


def enable(app: Flask) -> list[Plugin]:
    """Register the plugins that `PLUGINS` names (all installed ones when it is unset)."""
    wanted = app.config.get("PLUGINS")
    available_names = installed()
    names = available_names if wanted is None else list(wanted)
    unknown = [n for n in names if n not in available_names]
    if unknown:
        raise RuntimeError(f"PLUGINS names plugins that are not installed: {', '.join(unknown)}")
    available = discover(names)
    enabled = [available[n] for n in names]
    for plugin in enabled:
        plugin.init_app(app)
    app.extensions["workshops.plugins"] = {p.name: p for p in enabled}
    return enabled


def enabled_plugins(app: Flask) -> dict[str, Plugin]:
    return app.extensions.get("workshops.plugins", {})


def schema_include_name(app: Flask) -> Callable[[str | None, str, object], bool]:
    """Alembic's include_name hook: leaves out the enabled plugins' hand-made schema objects,
    which autogenerate would otherwise offer to drop as unknown to the models."""
    hand_made = tuple(name for plugin in enabled_plugins(app).values()
                      for name in plugin.hand_made_schema)

    def include_name(name: str | None, type_: str, parent_names: object) -> bool:
        return not (name or "").startswith(hand_made)  # startswith(()) is False

    return include_name


def _in_link_order(app: Flask) -> list[Plugin]:
    return sorted(enabled_plugins(app).values(), key=lambda p: p.link_order)


def links(app: Flask, kind: str, subject: object) -> list[tuple[str, str]]:
    """Every enabled plugin's `booking_links` or `workshop_links` for `subject`."""
    found: list[tuple[str, str]] = []
    for plugin in _in_link_order(app):
        provider = getattr(plugin, f"{kind}_links")
        if provider is not None:
            found.extend(provider(subject))
    return found


def public_links(app: Flask) -> list[tuple[str, str]]:
    """Every enabled plugin's `public_links`."""
    return [link for plugin in _in_link_order(app) if plugin.public_links is not None
            for link in plugin.public_links()]


def grants_reading(app: Flask, user: object, submission_id: int) -> bool:
    """True if any enabled plugin's `grants_reading` lets `user` read this submission."""
    return any(plugin.grants_reading(user, submission_id)
               for plugin in enabled_plugins(app).values()
               if plugin.grants_reading is not None)


def onward_states(app: Flask, submission_ids: list[int]) -> dict[int, OnwardState]:
    """Every enabled plugin's `submission_states` for these submissions, merged; RECEIVED for
    any no plugin holds, so every id given has an entry."""
    found: dict[int, OnwardState] = dict.fromkeys(submission_ids, RECEIVED)
    if not submission_ids:
        return found
    for plugin in enabled_plugins(app).values():
        if plugin.submission_states is not None:
            found.update(plugin.submission_states(submission_ids))
    return found
