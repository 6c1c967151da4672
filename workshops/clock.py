"""One source of the current time, so the demo can replay 2010 and tests can move time on."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

LONDON = ZoneInfo("Europe/London")


def now() -> datetime:
    """The current instant, aware and in UTC."""
    moment = datetime.now(UTC)
    if has_app_context():
        moment += current_app.config.get("CLOCK_OFFSET") or moment - moment
    return moment


def london(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LONDON)


def from_london(naive: datetime) -> datetime:
    """Interpret a wall-clock time typed by an organiser as London time; return UTC."""
    return naive.replace(tzinfo=LONDON).astimezone(UTC)
