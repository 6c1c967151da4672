"""A workshop's bookings as CSV, for organisers' spreadsheets.

Delegates type the names and organisations in it, so a cell such as "=HYPERLINK(...)" must not
run as a formula when an organiser opens the file: such cells get a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import datetime

from flask import Response

from workshops import audit, clock
from workshops.extensions import db
from workshops.models import REGIONS, SECTORS, Booking, Workshop
from workshops.views.organiser import bp
from workshops.views.organiser_workshops import bookings_in_order

# What spreadsheet programs read as the start of a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> str:
    """The cell as text, with a leading apostrophe if a spreadsheet would run it."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _local(moment: datetime | None) -> str:
    # London time in a form spreadsheets sort and parse.
    return clock.london(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


COLUMNS: list[tuple[str, Callable[[Booking, int | None], object]]] = [
    ("Reference", lambda b, _: b.reference),
    ("Status", lambda b, _: b.status),
    ("Waiting list position", lambda _, position: position or ""),
    ("Name", lambda b, _: b.name),
    ("Email", lambda b, _: b.email),
    ("Job title", lambda b, _: b.job_title),
    ("Organisation", lambda b, _: b.organisation),
    ("Sector", lambda b, _: SECTORS.get(b.sector, b.sector)),
    ("Region", lambda b, _: REGIONS.get(b.region, b.region)),
    ("Access needs", lambda b, _: b.access_needs),
    ("Dietary needs", lambda b, _: b.dietary_needs),
    ("In delegate list", lambda b, _: "Yes" if b.list_consent else "No"),
    ("Booked (London time)", lambda b, _: _local(b.created_at)),
    ("Offer expires (London time)", lambda b, _: _local(b.offer_expires_at)),
    ("Cancelled (London time)", lambda b, _: _local(b.cancelled_at)),
]


def bookings_csv(workshop: Workshop) -> str:
    bookings, queue = bookings_in_order(workshop.id)
    positions = {b.id: n for n, b in enumerate(queue, start=1)}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([title for title, _ in COLUMNS])
    for found in bookings:
        writer.writerow([csv_safe(value(found, positions.get(found.id)))
                         for _, value in COLUMNS])
    return out.getvalue()


@bp.get("/workshops/<int:workshop_id>/bookings.csv")
def export_bookings(workshop_id: int) -> Response:
    workshop = db.get_or_404(Workshop, workshop_id)
    body = bookings_csv(workshop)
    # Personal data left the service: the log says who took it.
    audit.record("exported bookings", "workshop", workshop.id, workshop_id=workshop.id)
    db.session.commit()
    name = f"{workshop.series.slug}-{workshop.region}-bookings-{clock.now():%Y-%m-%d}.csv"
    # The byte-order mark makes Excel read the file as UTF-8 (names such as Siân).
    return Response("\ufeff" + body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "no-store",
    })
