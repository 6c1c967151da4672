"""The fillable PDF of the practice form, and reading a filled one back.

Both directions walk `workshops.practice_form.PRACTICE_FORM`, the one definition of the form, so a
question added there appears here as a field and is read back from uploads with no change to this
module. WeasyPrint turns the HTML form controls into AcroForm fields (`pdf_forms=True`); pypdf
reads them back.

An upload is recognised as ours by two entries in the PDF's document information dictionary,
written by the finisher below: `/WorkshopsForm` (the definition's key) and `/WorkshopsFormVersion`
(a fingerprint of the definition's field structure). Neither is secret - anyone can forge them -
so the marker only tells an honest mistake (the wrong PDF) apart from the right one; the answers
are still validated like any other submission.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pydyf
from jinja2 import Environment, FileSystemLoader, select_autoescape
from weasyprint import HTML
from weasyprint.urls import URLFetchingError

from workshops.models import Booking
from workshops.practice_form import PRACTICE_FORM, Kind, Question

# Reading a filled form back, and the marker both sides agree on, live in the core.
from workshops.practice_pdf import (  # noqa: E402, F401  (re-exported for the pack's callers)
    MARKER_KEY,
    SUBMISSION_CODE,
    VERSION_KEY,
    DamagedPdf,
    FillableFormError,
    NotOurForm,
    form_version,
    read_filled_form,
)

# The value WeasyPrint gives a ticked checkbox (its appearance state is named "on").
CHECKED = "/on"
# AcroForm field flags (ISO 32000 table 221): bit 1 is ReadOnly.
_READ_ONLY = 1

# A template loader of our own rather than Flask's: the PDF can then be made outside a request
# (CLI, background jobs) and does not depend on how the blueprint registers template folders.
_templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict:
    # The form needs nothing from outside its own HTML: whatever a reference asks for, refuse it.
    raise URLFetchingError(f"the fillable form fetches nothing ({url})")


def _words(question: Question) -> str:
    return f"up to {question.word_limit} words" if question.word_limit else ""


def fillable_form(booking: Booking | None, *, public_url: str) -> bytes:
    """The A4 fillable practice form; pre-filled with the booking's reference when one is given."""
    definition = PRACTICE_FORM
    html = _templates.get_template("packs/fillable.html").render(
        form=definition,
        Kind=Kind,
        booking=booking,
        code=booking.reference if booking else "",
        public_url=public_url,
        words=_words,
    )
    code = booking.reference if booking else ""

    def finish(document: Any, pdf: pydyf.PDF) -> None:
        pdf.info[MARKER_KEY[1:]] = pydyf.String(definition.key)
        pdf.info[VERSION_KEY[1:]] = pydyf.String(form_version(definition))
        _checkbox_appearance_defaults(pdf)
        if code:
            # HTML's readonly attribute is not carried into the PDF by WeasyPrint; set the flag
            # ourselves so the pre-filled code cannot be overtyped by mistake.
            for obj in pdf.objects:
                if (isinstance(obj, pydyf.Dictionary) and isinstance(obj.get("T"), pydyf.String)
                        and obj["T"].string == SUBMISSION_CODE):
                    obj["Ff"] = int(obj.get("Ff", 0)) | _READ_ONLY

    return HTML(string=html, url_fetcher=_refuse_fetch, base_url="/").write_pdf(
        pdf_forms=True, finisher=finish)


def _object(pdf: pydyf.PDF, reference: Any) -> Any:
    if not isinstance(reference, bytes):
        return reference  # a direct object
    return next((obj for obj in pdf.objects if getattr(obj, "reference", None) == reference),
                None)


def _checkbox_appearance_defaults(pdf: pydyf.PDF) -> None:
    """Give WeasyPrint's checkboxes the tick font a viewer needs to redraw them.

    WeasyPrint sets NeedAppearances (text fields have no drawn appearance of their own) but writes
    checkboxes with no /DA; viewers that then rebuild every field's appearance, poppler among
    them, draw a ticked box as empty. A ZapfDingbats tick ("4") in the form's resources fixes it.
    """
    acroform = pdf.catalog.get("AcroForm")
    resources = _object(pdf, acroform.get("DR")) if acroform else None
    if not isinstance(resources, pydyf.Dictionary):
        return
    fonts = _object(pdf, resources.setdefault("Font", pydyf.Dictionary()))
    zapf = pydyf.Dictionary({"Type": "/Font", "Subtype": "/Type1", "BaseFont": "/ZapfDingbats"})
    pdf.add_object(zapf)
    fonts["ZaDb"] = zapf.reference
    for obj in pdf.objects:
        if (isinstance(obj, pydyf.Dictionary) and obj.get("FT") == "/Btn"
                and "DA" not in obj and "Parent" not in obj):
            obj["DA"] = pydyf.String("0 g /ZaDb 0 Tf")
            obj.setdefault("MK", pydyf.Dictionary())["CA"] = pydyf.String("4")
