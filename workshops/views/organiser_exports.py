"""Organisers' downloads: a workshop's bookings, waiting list and attendance, and a series'
bookings, each as CSV or as an Excel workbook (.xlsx).

Each table's columns are defined once, below, and written in either format by
`workshops.spreadsheets`, which also makes formula-like cells safe to open. Every download is
written to the audit log: personal data left the service, and the log says who took it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from flask import Response
from sqlalchemy import select

from workshops import audit, clock, retention, spreadsheets
from workshops.extensions import db
from workshops.models import (
    REGIONS,
    SECTORS,
    Booking,
    BookingStatus,
    Series,
    Workshop,
    status_label,
)
from workshops.views.organiser import bp
from workshops.views.organiser_workshops import bookings_in_order

# Kept importable from here: the rule itself lives in `spreadsheets`.
csv_safe = spreadsheets.csv_safe
FORMULA_STARTS = spreadsheets.FORMULA_STARTS

FILE_FORMATS = "<any(csv, xlsx):file_format>"


class Line(NamedTuple):
    """One booking as a row of a download, with what its table needs beyond the booking."""

    booking: Booking
    position: int | None = None  # its place in the waiting list


Column = tuple[str, Callable[[Line], object]]


def _yes_no(flag: bool) -> str:
    return "Yes" if flag else "No"


def _attendance(found: Booking) -> str:
    # The same precedence as attendance.counts: arriving wins over an earlier no-show mark.
    if found.checked_in_at:
        return "Attended"
    if found.no_show_at:
        return "No-show"
    return "Not recorded"


DELEGATE_COLUMNS: list[Column] = [
    ("Name", lambda line: line.booking.name),
    ("Email", lambda line: retention.email_to_show(line.booking)),
    ("Job title", lambda line: line.booking.job_title),
    ("Organisation", lambda line: line.booking.organisation),
    ("Sector", lambda line: SECTORS.get(line.booking.sector, line.booking.sector)),
    ("Region", lambda line: REGIONS.get(line.booking.region, line.booking.region)),
]

BOOKING_COLUMNS: list[Column] = [
    ("Reference", lambda line: line.booking.reference),
    ("Status", lambda line: status_label(line.booking.status)),
    ("Waiting list position", lambda line: line.position),
    *DELEGATE_COLUMNS,
    ("Access needs", lambda line: line.booking.access_needs),
    ("Dietary needs", lambda line: line.booking.dietary_needs),
    ("In delegate list", lambda line: _yes_no(line.booking.list_consent)),
    ("Booked (London time)", lambda line: line.booking.created_at),
    ("Offer expires (London time)", lambda line: line.booking.offer_expires_at),
    ("Cancelled (London time)", lambda line: line.booking.cancelled_at),
]

WAITING_LIST_COLUMNS: list[Column] = [
    ("Position", lambda line: line.position),
    ("Status", lambda line: status_label(line.booking.status)),
    ("Reference", lambda line: line.booking.reference),
    *DELEGATE_COLUMNS,
    ("Waiting since (London time)", lambda line: line.booking.waiting_since),
    ("Offer expires (London time)", lambda line: line.booking.offer_expires_at),
]

ATTENDANCE_COLUMNS: list[Column] = [
    ("Reference", lambda line: line.booking.reference),
    *DELEGATE_COLUMNS,
    ("Attendance", lambda line: _attendance(line.booking)),
    ("Checked in (London time)", lambda line: line.booking.checked_in_at),
    ("Marked as a no-show (London time)", lambda line: line.booking.no_show_at),
    ("Walk-in", lambda line: _yes_no(line.booking.walk_in)),
    ("Access needs", lambda line: line.booking.access_needs),
    ("Dietary needs", lambda line: line.booking.dietary_needs),
]

SERIES_BOOKING_COLUMNS: list[Column] = [
    ("Workshop", lambda line: line.booking.workshop.region_name),
    ("Workshop date", lambda line: clock.london(line.booking.workshop.starts_at).date()),
    *BOOKING_COLUMNS,
]


# --- the rows of each table ----------------------------------------------------------------

def booking_lines(workshop_id: int) -> list[Line]:
    """Every booking, in the order of the workshop page: people holding a place first."""
    bookings, queue = bookings_in_order(workshop_id)
    positions = {b.id: n for n, b in enumerate(queue, start=1)}
    return [Line(b, positions.get(b.id)) for b in bookings]


def waiting_list_lines(workshop_id: int) -> list[Line]:
    """Those holding an offer (in the order they were offered), then the queue, next first."""
    bookings, queue = bookings_in_order(workshop_id)
    offered = sorted((b for b in bookings if b.status == BookingStatus.OFFERED),
                     key=lambda b: (b.waiting_since or b.created_at, b.id))
    return ([Line(b) for b in offered]
            + [Line(b, position) for position, b in enumerate(queue, start=1)])


def attendance_lines(workshop_id: int) -> list[Line]:
    """Confirmed delegates, by name, as on a sign-in sheet."""
    confirmed = db.session.scalars(
        select(Booking).where(Booking.workshop_id == workshop_id,
                              Booking.status == BookingStatus.CONFIRMED)
        .order_by(Booking.name, Booking.id))
    return [Line(b) for b in confirmed]


def series_booking_lines(series: Series) -> list[Line]:
    """Every booking at every workshop of the series, workshop by workshop."""
    # One query per workshop (a series has one per region): the order is exactly the workshop
    # page's, from the one function that defines it.
    return [line for workshop in series.workshops for line in booking_lines(workshop.id)]


# --- the downloads -------------------------------------------------------------------------

def download(stem: str, file_format: str, columns: Sequence[Column], lines: Sequence[Line],
             *, sheet: str) -> Response:
    """The table as an attachment named `stem-YYYY-MM-DD.csv` or `.xlsx`."""
    headers = [title for title, _ in columns]
    rows = [[value(line) for _, value in columns] for line in lines]
    name = f"{stem}-{clock.now():%Y-%m-%d}.{file_format}"
    headers_out = {"Content-Disposition": f'attachment; filename="{name}"',
                   "Cache-Control": "no-store"}
    if file_format == "xlsx":
        return Response(spreadsheets.xlsx_bytes(headers, rows, title=sheet),
                        mimetype=spreadsheets.XLSX_MIMETYPE, headers=headers_out)
    # The byte-order mark makes Excel read the file as UTF-8 (names such as Siân).
    return Response("\ufeff" + spreadsheets.csv_text(headers, rows), mimetype="text/csv",
                    headers=headers_out)


def _workshop_download(workshop_id: int, file_format: str, what: str, columns: list[Column],
                       lines: Callable[[int], list[Line]]) -> Response:
    workshop = db.get_or_404(Workshop, workshop_id)
    response = download(f"{workshop.series.slug}-{workshop.region}-{what.replace(' ', '-')}",
                        file_format, columns, lines(workshop.id), sheet=what.capitalize())
    audit.record(f"exported {what}", "workshop", workshop.id, workshop_id=workshop.id,
                 format=file_format)
    db.session.commit()
    return response


@bp.get(f"/workshops/<int:workshop_id>/bookings.{FILE_FORMATS}")
def export_bookings(workshop_id: int, file_format: str) -> Response:
    return _workshop_download(workshop_id, file_format, "bookings", BOOKING_COLUMNS,
                              booking_lines)


@bp.get(f"/workshops/<int:workshop_id>/waiting-list.{FILE_FORMATS}")
def export_waiting_list(workshop_id: int, file_format: str) -> Response:
    return _workshop_download(workshop_id, file_format, "waiting list", WAITING_LIST_COLUMNS,
                              waiting_list_lines)


@bp.get(f"/workshops/<int:workshop_id>/attendance.{FILE_FORMATS}")
def export_attendance(workshop_id: int, file_format: str) -> Response:
    return _workshop_download(workshop_id, file_format, "attendance", ATTENDANCE_COLUMNS,
                              attendance_lines)


@bp.get(f"/series/<int:series_id>/bookings.{FILE_FORMATS}")
def export_series_bookings(series_id: int, file_format: str) -> Response:
    series = db.get_or_404(Series, series_id)
    response = download(f"{series.slug}-bookings", file_format, SERIES_BOOKING_COLUMNS,
                        series_booking_lines(series), sheet="Bookings")
    audit.record("exported bookings", "series", series.id, format=file_format)
    db.session.commit()
    return response
