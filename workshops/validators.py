"""Validators and filters every form shares, core and plugins alike."""

from __future__ import annotations

import codecs
import re
from typing import Any

from email_validator import EmailNotValidError, validate_email
from wtforms import validators
from wtforms.validators import StopValidation, ValidationError

# A staff password, wherever it is set (the change-password form, an invitation, the command
# line). The most is far beyond any passphrase or password manager, and keeps a pasted file
# from being hashed.
PASSWORD_MIN, PASSWORD_MAX = 12, 256


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


def password_problem(password: str) -> str | None:
    """What is wrong with `password` as a new staff password, or None."""
    if len(password) < PASSWORD_MIN:
        return f"Password must be {PASSWORD_MIN} characters or more"
    if len(password) > PASSWORD_MAX:
        return f"Password must be {PASSWORD_MAX} characters or fewer"
    return None


def new_password(form: Any, field: Any) -> None:
    """A field validator: `password_problem`, as the field's message."""
    if problem := password_problem(field.data or ""):
        raise ValidationError(problem)


def strip(value: str | None) -> str | None:
    """A field filter: spaces pasted around an answer (an email address, say) are dropped."""
    return value.strip() if isinstance(value, str) else value


def readable_email(value: str | None) -> str | None:
    """A field filter: an address as the person typed it, without spaces around it.

    Chromium sends an email box's internationalised domain in its ASCII form
    (person@bücher.example arrives as person@xn--bcher-kva.example), which the pages and
    emails then showed back to a person who never typed it. Each such label is turned back
    into its letters; what is not valid punycode is left as it came.
    """
    if not isinstance(value, str):
        return value
    local, at, domain = value.strip().rpartition("@")
    if not at or "xn--" not in domain.lower():
        return value.strip()
    return f"{local}@{'.'.join(_unicode_label(label) for label in domain.split('.'))}"


def _unicode_label(label: str) -> str:
    if not label.lower().startswith("xn--"):
        return label
    try:
        return codecs.decode(label[4:].encode("ascii"), "punycode")
    except (UnicodeError, ValueError):
        return label


def email_key(email: str) -> str:
    """An address as the service matches it (a second booking, a returning delegate, a staff
    sign-in): case aside, and an internationalised domain the same whether it came in letters
    or in its ASCII form."""
    return (readable_email(email) or "").lower()


EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.org"
EMAIL_ASCII_BEFORE_AT = ("Enter an email address using only letters a to z, numbers and "
                         "symbols such as . _ - + before the @")


class EmailAddress:
    """A field validator: an address the service can send mail to.

    Letters with accents before the @ (josé.núñez@example.com) are a valid address, but only
    a mail server that offers SMTPUTF8 takes them, and the service cannot know at form time
    whether the one it sends through does; most do not. Accepted, such an address was told
    "we have sent a confirmation" and its mail never went, personal link and all. An
    internationalised domain after the @ is fine: it is sent in its ASCII form
    (workshops.mail.smtp_address).
    """

    def __init__(self, message: str = EMAIL_FORMAT) -> None:
        self.message = message

    def __call__(self, form: Any, field: Any) -> None:
        address = field.data or ""
        try:
            validate_email(address, check_deliverability=False)
        except EmailNotValidError as error:
            raise ValidationError(self.message) from error
        if not address.rpartition("@")[0].isascii():
            raise ValidationError(EMAIL_ASCII_BEFORE_AT)


def searchable(value: str | None) -> str:
    """What a search box or filter sent, fit to search with: no spaces around it and no NUL.

    No browser types a NUL, but a link can carry one (%00), and PostgreSQL refuses a text
    parameter that holds one: an error, not "nothing found". Also a field filter.
    """
    return value.replace("\x00", "").strip() if isinstance(value, str) else ""


_WORD = re.compile(r"\S+")
# Characters a word limit allows for each word: far more than any real word needs (with its
# punctuation, or a long web address), and a cap that keeps a pasted file, which may be a
# single "word", out of the database.
CHARACTERS_PER_WORD = 30


def words(text: str | None) -> int:
    """Words as the forms' counters count them: runs of non-space."""
    return len(_WORD.findall(text or ""))


def too_many_words(label: str, limit: int, count: int) -> str:
    """The one wording for every word limit in the service, with the count to cut from."""
    return f"{label} must be {limit} words or fewer (it is {count} words)"


def word_limit_problem(label: str, text: str, limit: int) -> str | None:
    """What is wrong with `text` for a box of `limit` words, or None: too many words, or
    too many characters for that many words."""
    if (count := words(text)) > limit:
        return too_many_words(label, limit, count)
    if len(text) > limit * CHARACTERS_PER_WORD:
        return f"{label} must be {limit * CHARACTERS_PER_WORD:,} characters or fewer"
    return None
