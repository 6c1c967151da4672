"""PDF responses: every file the packs plugin serves carries personal data."""

from __future__ import annotations

from flask import Response


def pdf_response(data: bytes, filename: str, *, attachment: bool = False) -> Response:
    response = Response(data, mimetype="application/pdf")
    disposition = "attachment" if attachment else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    # Names, organisations and codes: never kept by a shared cache.
    response.headers["Cache-Control"] = "private, no-store"
    return response
