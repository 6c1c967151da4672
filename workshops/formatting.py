"""Dates, times and lists as GOV.UK writes them: 'Tuesday 16 March 2010, 9:30am to 4pm',
'2 bookings and 1 draft'; and times of day as organisers type them ('9.30', '14:00', '2pm')."""

from __future__ import annotations

import re
from datetime import datetime, time

from workshops import clock

_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$")
_RANGE = re.compile(r"\s*(?:–|—|-|to)\s*", re.IGNORECASE)


def parse_time(text: str) -> time | None:
    """'9:30', '9.30am', '2pm', '14:00', 'midday' -> a time; None if it is not one."""
    text = text.strip().lower()
    if text in ("midday", "noon", "12 noon"):
        return time(12, 0)
    if text == "midnight":
        return time(0, 0)
    match = _TIME.match(text)
    if not match:
        return None
    hour, minute = int(match[1]), int(match[2] or 0)
    suffix = (match[3] or "").replace(".", "")
    if suffix:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def session_times(text: str) -> tuple[time, time | None] | None:
    """A programme line's time, or a range ('14:00–15:30', '2pm to 3:30pm'), as (start, end);
    end is None for a single time. None if it is neither."""
    parts = _RANGE.split(text.strip(), maxsplit=1)
    moments = [parse_time(part) for part in parts]
    if None in moments:
        return None
    return moments[0], moments[1] if len(moments) == 2 else None


def session_start(text: str) -> time | None:
    """When a programme line's session starts: its time, or a range's first."""
    found = session_times(text)
    return found[0] if found else None


def show_time(value: time) -> str:
    """'9:30am', '1pm', 'midday': a time of day as GOV.UK writes it."""
    if value == time(12, 0):
        return "midday"
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}{suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d}{suffix}"


def programme_times(typed: list[str]) -> list[str]:
    """A programme's times as GOV.UK writes them, whatever mix they were typed in: '9:30',
    '13:00' and '2pm to 3.30pm' read '9:30am', '1pm' and '2pm to 3:30pm'.

    A time is rewritten only where its reading is sure: in the order of the day, no earlier
    than the session before (and a range's end no earlier than its start). A programme typed
    before the form asked for that order may say '1:30' after '12:00' and mean the afternoon;
    calling it 1:30am would mislead, so such a time is shown as typed, as is 'Afternoon'."""
    shown, latest = [], time.min
    for text in typed:
        found = session_times(text)
        if found is None or found[0] < latest or (found[1] is not None and found[1] < found[0]):
            shown.append(text)
            continue
        start, end = found
        latest = start
        shown.append(show_time(start) if end is None else f"{show_time(start)} to {show_time(end)}")
    return shown


def time_of_day(moment: datetime) -> str:
    return show_time(clock.london(moment).time())


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
