"""The delegate's download of the fillable practice form, reached from their booking page.

A plain view function, registered on the packs blueprint in `packs/__init__.py`:
    bp.add_url_rule("/booking/<token>/practice-form.pdf", view_func=fillable_download)
"""

from __future__ import annotations

import hmac

from flask import Response, abort
from sqlalchemy import select

from packs.fillable import fillable_form
from workshops.extensions import db
from workshops.models import Booking
from workshops.urls import external_url


def _booking(token: str) -> Booking:
    found = db.session.scalar(select(Booking).where(Booking.token == token))
    # Constant-time compare, as the booking pages do: timing must say nothing of near misses.
    if found is None or not hmac.compare_digest(found.token, token):
        abort(404)
    return found


def fillable_download(token: str) -> Response:
    booking = _booking(token)
    # The delegate's own booking page is where the online form and the upload are reached.
    pdf = fillable_form(booking, public_url=external_url("booking.manage", token=token))
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="practice-form-{booking.reference}.pdf"')
    # Personal (it carries the delegate's code): never kept by a shared cache.
    response.headers["Cache-Control"] = "private, no-store"
    return response
