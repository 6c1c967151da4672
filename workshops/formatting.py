"""Dates, times and lists as GOV.UK writes them: 'Tuesday 16 March 2010, 9:30am to 4pm',
'2 bookings and 1 draft'."""

from __future__ import annotations

from datetime import datetime

from workshops import clock


def time_of_day(moment: datetime) -> str:
    local = clock.london(moment)
    if local.hour == 12 and local.minute == 0:
        return "midday"
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"


def day(moment: datetime) -> str:
    local = clock.london(moment)
    return f"{local:%A} {local.day} {local:%B %Y}"


def short_day(moment: datetime) -> str:
    local = clock.london(moment)
    return f"{local.day} {local:%B %Y}"


def date_time(moment: datetime) -> str:
    return f"{day(moment)}, {time_of_day(moment)}"


def event_time(starts: datetime, ends: datetime) -> str:
    if clock.london(starts).date() == clock.london(ends).date():
        return f"{day(starts)}, {time_of_day(starts)} to {time_of_day(ends)}"
    return f"{date_time(starts)} to {date_time(ends)}"


def and_list(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c' (GOV.UK style: no serial comma)."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


FILTERS = {
    "time_of_day": time_of_day,
    "day": day,
    "short_day": short_day,
    "date_time": date_time,
}
