"""The delegate's download of the fillable practice form, reached from their booking page.

A plain view function, registered on the packs blueprint in `packs/__init__.py`:
    bp.add_url_rule("/booking/<token>/practice-form.pdf", view_func=fillable_download)
"""

from __future__ import annotations

from flask import Response

from packs.fillable import fillable_form
from packs.responses import pdf_response
from workshops.urls import external_url
from workshops.views.booking import booking_for_link


def fillable_download(token: str) -> Response:
    booking = booking_for_link(token)
    # The delegate's own booking page is where the online form and the upload are reached.
    pdf = fillable_form(booking, public_url=external_url("booking.manage", token=token))
    return pdf_response(pdf, f"practice-form-{booking.reference}.pdf", attachment=True)
