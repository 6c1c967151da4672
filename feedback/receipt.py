"""The PDF copy of a submission: sent with the receipt, downloadable from the status page.

It walks the practice form's one definition, so it asks exactly what the e-form and the printed
form ask, in the same order. Everything in it is the submitter's own text, escaped by Jinja;
the fetcher refuses every URL, so no answer can make the server fetch anything.
"""

from __future__ import annotations

from typing import Any

from flask import render_template
from weasyprint import HTML
from weasyprint.urls import URLFetchingError

from feedback.models import Submission
from workshops.practice_form import PRACTICE_FORM, Kind
from workshops.templating import SERVICE_NAME


def _refuse(url: str, *args: Any, **kwargs: Any) -> dict:
    raise URLFetchingError(f"the receipt fetches nothing ({url[:80]})")


def receipt_pdf(submission: Submission) -> bytes:
    html = render_template("feedback/receipt_pdf.html", submission=submission,
                           form=PRACTICE_FORM, Kind=Kind, service_name=SERVICE_NAME)
    return HTML(string=html, url_fetcher=_refuse, base_url="/").write_pdf()
