"""Reading a filled-in fillable practice form back: {question key: answer}.

The PDF itself is made by the packs plugin (`packs/fillable.py`); reading it back lives in the
core because the feedback plugin imports it, and plugins import the core, never each other. Both
directions walk `workshops.practice_form.PRACTICE_FORM`.

An upload is recognised as ours by two entries in the PDF's document information dictionary:
`/WorkshopsForm` (the definition's key) and `/WorkshopsFormVersion` (a fingerprint of the
definition's field structure). Neither is secret - anyone can forge them - so the marker only
tells an honest mistake (the wrong PDF) apart from the right one; the answers are still
validated like any other submission.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Mapping
from typing import Any

from pypdf import PdfReader
from pypdf.errors import PdfReadError, PyPdfError
from pypdf.generic import NameObject

from workshops.practice_form import PRACTICE_FORM, FormDefinition, Kind

# Info-dictionary keys of the marker. Custom keys are allowed by the PDF spec (ISO 32000 14.3.3).
MARKER_KEY = "/WorkshopsForm"
VERSION_KEY = "/WorkshopsFormVersion"
SUBMISSION_CODE = "submission_code"


class FillableFormError(Exception):
    """An uploaded file cannot be read as our practice form; the message is for the uploader."""


class DamagedPdf(FillableFormError):
    """Not a readable PDF at all: truncated, corrupt, or another kind of file."""


class NotOurForm(FillableFormError):
    """A readable PDF, but not a practice form this suite produced."""


def form_version(definition: FormDefinition = PRACTICE_FORM) -> str:
    """A short fingerprint of what a reader of the PDF depends on: keys, kinds and options.

    The definition carries no version number of its own; this changes exactly when a filled PDF
    would read back differently, and not when a label or guidance is reworded.
    """
    shape = [(q.key, str(q.kind), q.options) for q in definition.questions()]
    return hashlib.sha256(repr(shape).encode()).hexdigest()[:12]


def _text(value: Any) -> str:
    if value is None:
        return ""
    # Some viewers store a choice as a name (/north-east) rather than a string.
    if isinstance(value, NameObject):
        return str(value)[1:]
    return str(value)


def _is_our_form(marker: object, fields: Mapping[str, Any]) -> bool:
    """Our marker in the document information, or, since some tools rewrite a filled PDF
    without its information dictionary, our own field names: the code and most questions."""
    if SUBMISSION_CODE not in fields:
        return False
    if str(marker or "") == PRACTICE_FORM.key:
        return True
    keys = PRACTICE_FORM.keys
    return marker is None and sum(key in fields for key in keys) * 4 >= len(keys) * 3


def read_filled_form(data: bytes) -> dict[str, Any]:
    """The answers in an uploaded fillable form: {question key: str, or bool for declarations}.

    Also `submission_code`. Raises `DamagedPdf` if the bytes are not a readable PDF and
    `NotOurForm` if the PDF is not our practice form. Questions the upload has no field for
    (a PDF made before the definition gained them) read as empty, not as an error: the e-form's
    validation then asks for them like any other missing answer.
    """
    if not data:  # as an empty evidence file is refused
        raise DamagedPdf("The selected file is empty. Upload the practice form PDF you filled in.")
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise DamagedPdf("This file is not a PDF. Upload the practice form PDF you filled in.")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        info = reader.metadata or {}
        marker = info.get(MARKER_KEY)
        fields = reader.get_fields() or {}
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, OSError) as error:
        raise DamagedPdf("This PDF is damaged or incomplete and cannot be read. Save it again "
                         "and upload the new copy.") from error
    if not _is_our_form(marker, fields):
        raise NotOurForm("This PDF is not the practice submission form. Download the fillable "
                         "form from your booking page, fill it in and upload that.")

    answers: dict[str, Any] = {SUBMISSION_CODE: _text(fields[SUBMISSION_CODE].get("/V")).strip()}
    for question in PRACTICE_FORM.questions():
        value = fields.get(question.key, {}).get("/V")
        if question.kind == Kind.CHECK:
            # Any state other than Off counts as ticked: viewers name the "on" state as they like
            # only when they rebuild the field, but never call a ticked box Off.
            answers[question.key] = value is not None and str(value) not in ("/Off", "Off", "")
        else:
            answers[question.key] = _text(value)
    return answers
