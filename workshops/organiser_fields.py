"""Fields for the organisers' forms: GOV.UK date inputs, times and numbers, with messages.

Each field keeps exactly what was typed (so a page with errors shows it back) and raises the
message the GOV.UK Design System gives for that kind of mistake.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask_wtf import FlaskForm
from govuk_frontend_wtf.main import wtforms_errors
from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovTextInput
from wtforms import Field
from wtforms.validators import StopValidation

from workshops import clock
from workshops.formatting import parse_time, session_start, show_time


def lower(value: str | None) -> str | None:
    return value.lower() if isinstance(value, str) else value


def programme_mismatch(items: list[tuple[str, str]], starts: time,
                       ends: time | None) -> str | None:
    """What is wrong, if anything, between a programme's times and the workshop's own: a
    programme copied from another workshop, or a workshop moved to a later start, keeps
    sessions the day no longer has. Times that are not times ('Afternoon') are passed over;
    `ends` is None for a workshop of more than one day, whose last session is on another."""
    times = [t for t in (session_start(text) for text, _ in items if text) if t is not None]
    if not times:
        return None
    if times[0] < starts:
        return (f"The programme starts at {show_time(times[0])}, before the workshop does "
                f"({show_time(starts)}).")
    if ends is not None and times[-1] > ends:
        return (f"The programme has a session at {show_time(times[-1])}, after the workshop "
                f"ends ({show_time(ends)}).")
    return None


class DateParts(Field):
    """A GOV.UK date input (day, month, year) with the messages the design system gives."""

    widget = GovDateInput()

    def __init__(self, label: str, *, required_message: str | None = None,
                 name_in_errors: str | None = None, example_days: int | None = None,
                 **kwargs) -> None:
        if example_days is not None:
            # The hint's example is a date near today's (the GOV.UK pattern), not a fixed year
            # that will one day be in the past. Fields are bound per form, so this is per page.
            example = clock.london(clock.now()).date() + timedelta(days=example_days)
            kwargs["description"] = f"For example, {example.day} {example.month} {example.year}"
        super().__init__(label, **kwargs)
        self.required_message = required_message
        self.name_in_errors = name_in_errors or label

    def _value(self) -> str:
        return " ".join(self.raw_data or [])

    def process_data(self, value: date | None) -> None:
        self.data = value

    def process_formdata(self, valuelist: list[str]) -> None:
        # Always three parts, so the widget can put back exactly what was typed.
        parts = [v.strip() for v in valuelist[:3]] + [""] * (3 - len(valuelist[:3]))
        self.raw_data = parts
        self.data = None
        if not any(parts):
            return
        what = self.name_in_errors
        missing = [name for name, part in zip(("day", "month", "year"), parts, strict=True)
                   if not part]
        if missing:
            raise ValueError(f"{what} must include a {' and '.join(missing)}")
        if not all(part.isdigit() for part in parts):
            raise ValueError(f"{what} must be a real date")
        if len(parts[2]) != 4:
            raise ValueError("Year must include 4 numbers")
        try:
            self.data = date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            raise ValueError(f"{what} must be a real date") from None

    def pre_validate(self, form: FlaskForm) -> None:
        if self.required_message and self.data is None and not self.process_errors:
            raise StopValidation(self.required_message)


class TimeOfDay(Field):
    """A time typed as text: '9:30am' or '14:00'."""

    widget = GovTextInput()

    def __init__(self, label: str, *, required_message: str | None = None,
                 name_in_errors: str | None = None, example_days: int | None = None,
                 **kwargs) -> None:
        if example_days is not None:
            # The hint's example is a date near today's (the GOV.UK pattern), not a fixed year
            # that will one day be in the past. Fields are bound per form, so this is per page.
            example = clock.london(clock.now()).date() + timedelta(days=example_days)
            kwargs["description"] = f"For example, {example.day} {example.month} {example.year}"
        super().__init__(label, **kwargs)
        self.required_message = required_message
        self.name_in_errors = name_in_errors or label

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return show_time(self.data) if self.data else ""

    def process_data(self, value: time | None) -> None:
        self.data = value

    def process_formdata(self, valuelist: list[str]) -> None:
        text = valuelist[0].strip() if valuelist else ""
        self.data = None
        if text:
            self.data = parse_time(text)
            if self.data is None:
                raise ValueError(f"Enter {self.name_in_errors} as a time, like 9:30am or 14:00")

    def pre_validate(self, form: FlaskForm) -> None:
        if self.required_message and self.data is None and not self.process_errors:
            raise StopValidation(self.required_message)


class WholeNumber(Field):
    """A whole number typed as text, with a range and messages that say what to type."""

    widget = GovTextInput()

    def __init__(self, label: str, *, minimum: int, maximum: int, name_in_errors: str,
                 example: int, required_message: str | None = None, **kwargs) -> None:
        super().__init__(label, **kwargs)
        self.minimum, self.maximum, self.example = minimum, maximum, example
        self.name_in_errors = name_in_errors
        self.required_message = required_message

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)

    def process_formdata(self, valuelist: list[str]) -> None:
        text = (valuelist[0] if valuelist else "").strip().replace(",", "")
        self.data = None
        if text:
            if not (text.isascii() and text.isdigit()):
                raise ValueError(f"{self.name_in_errors} must be a whole number, like "
                                 f"{self.example}")
            self.data = int(text)

    def pre_validate(self, form: FlaskForm) -> None:
        if self.process_errors:
            raise StopValidation()
        if self.data is None:
            if self.required_message:
                raise StopValidation(self.required_message)
            return
        if not self.minimum <= self.data <= self.maximum:
            raise StopValidation(f"{self.name_in_errors} must be between {self.minimum:,} "
                                 f"and {self.maximum:,}")


def london(day: date | None, moment: time | None) -> datetime | None:
    return clock.from_london(datetime.combine(day, moment)) if day and moment else None


class OrganiserForm(FlaskForm):
    """Shared by every organiser form: an error summary whose links reach the first input."""

    def error_summary(self) -> dict:
        params = wtforms_errors(self)
        for item in params["errorList"]:
            field = self._fields.get(item["href"].lstrip("#"))
            if isinstance(field, DateParts):
                item["href"] = f"#{field.name}-day"  # the GOV.UK date input's first box
        return params

    def carried_fields(self) -> list[tuple[str, str]]:
        """(name, value) of everything typed, for the hidden inputs of a confirmation page."""
        pairs = []
        for field in self:
            if field.type in ("CSRFTokenField", "SubmitField") or not field.raw_data:
                continue
            pairs.extend((field.name, value) for value in field.raw_data)
        return pairs


