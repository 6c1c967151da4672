"""Validators and filters every form shares, core and plugins alike."""

from __future__ import annotations

from typing import Any

from wtforms import validators
from wtforms.validators import StopValidation


class InputRequired(validators.InputRequired):
    """WTForms' InputRequired, except that an answer of nothing but spaces is no answer.

    WTForms' own lets "   " through (it only asks whether anything was sent), which put blank
    names on badges and delegate lists.
    """

    def __call__(self, form: Any, field: Any) -> None:
        raw = field.raw_data[0] if field.raw_data else None
        if isinstance(raw, str) and not raw.strip():
            field.errors[:] = []
            raise StopValidation(self.message or field.gettext("This field is required."))
        super().__call__(form, field)


def strip(value: str | None) -> str | None:
    """A field filter: spaces pasted around an answer (an e-mail address, say) are dropped."""
    return value.strip() if isinstance(value, str) else value


def searchable(value: str | None) -> str:
    """What a search box or filter sent, fit to search with: no spaces around it and no NUL.

    No browser types a NUL, but a link can carry one (%00), and PostgreSQL refuses a text
    parameter that holds one: an error, not "nothing found". Also a field filter.
    """
    return value.replace("\x00", "").strip() if isinstance(value, str) else ""


def too_many_words(label: str, limit: int, count: int) -> str:
    """The one wording for every word limit in the service, with the count to cut from."""
    return f"{label} must be {limit} words or fewer (it is {count} words)"
