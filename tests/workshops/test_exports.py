"""Organisers' downloads: CSV and Excel, the same columns in both, safe to open, for staff only."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import openpyxl
import pytest
from sqlalchemy import select, update

from tests.conftest import doors_open, login, make_staff, make_workshop
from workshops import attendance, booking, checkin, clock, spreadsheets
from workshops.extensions import db
from workshops.models import AuditEntry, Booking, Workshop
from workshops.views.organiser_exports import BOOKING_COLUMNS, FORMULA_STARTS

XLSX = spreadsheets.XLSX_MIMETYPE


def _delegate(n: int, **overrides: str) -> booking.Delegate:
    values = {"name": f"Delegate {n}", "email": f"d{n}@example.org",
              "organisation": f"Council {n}", "sector": "health", "region": "north-east"}
    values.update(overrides)
    return booking.Delegate(**values)


def _rows(response) -> list[list]:  # noqa: ANN001
    """The download's rows, the header first: text from a CSV, typed values from an .xlsx."""
    assert response.status_code == 200, response.status_code
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    if response.mimetype == "text/csv":
        text = response.get_data(as_text=True)
        assert text.startswith("\ufeff")  # so Excel reads the file as UTF-8
        return list(csv.reader(io.StringIO(text[1:])))
    assert response.mimetype == XLSX
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    assert not [cell.coordinate for row in sheet.iter_rows() for cell in row
                if cell.data_type == "f"], "a cell would run as a formula"
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _records(response) -> list[dict]:  # noqa: ANN001
    header, *rows = _rows(response)
    return [dict(zip(header, row, strict=True)) for row in rows]


def _as_text(value: object) -> str:
    """How a CSV writes what an .xlsx holds as a typed value."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# --- who may download ---------------------------------------------------------------------

NEW_ROUTES = [
    "/organiser/workshops/{workshop}/bookings.xlsx",
    "/organiser/workshops/{workshop}/waiting-list.csv",
    "/organiser/workshops/{workshop}/waiting-list.xlsx",
    "/organiser/workshops/{workshop}/attendance.csv",
    "/organiser/workshops/{workshop}/attendance.xlsx",
    "/organiser/series/{series}/bookings.csv",
    "/organiser/series/{series}/bookings.xlsx",
    "/organiser/series/{series}/dashboard",
]


@pytest.fixture()
def ids(app) -> dict:
    workshop = make_workshop()
    booking.book(workshop.id, _delegate(1))
    return {"workshop": workshop.id, "series": workshop.series_id}


@pytest.mark.parametrize("path", NEW_ROUTES)
def test_anonymous_visitor_is_sent_to_sign_in(client, ids, path):
    response = client.get(path.format(**ids))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login")


@pytest.mark.parametrize("path", NEW_ROUTES)
def test_staff_without_the_organiser_role_are_refused(client, ids, path):
    login(client, make_staff("screener"))
    assert client.get(path.format(**ids)).status_code == 403


@pytest.mark.parametrize("path", NEW_ROUTES)
def test_organisers_may_download(signed_in, ids, path):
    assert signed_in.get(path.format(**ids)).status_code == 200


def test_unknown_workshop_or_series_is_not_found(signed_in):
    for path in ("/organiser/workshops/999/attendance.xlsx", "/organiser/series/999/bookings.csv"):
        assert signed_in.get(path).status_code == 404
    assert signed_in.get("/organiser/workshops/1/bookings.pdf").status_code == 404


# --- the same table in both formats ----------------------------------------------------------

def test_xlsx_has_the_csv_rows_with_real_dates(signed_in):
    workshop = make_workshop(capacity=1)
    first = booking.book(workshop.id, _delegate(1, name="Siân Ó Súilleabháin"))
    booking.book(workshop.id, _delegate(2))
    path = f"/organiser/workshops/{workshop.id}/bookings"
    from_csv = _rows(signed_in.get(path + ".csv"))
    from_xlsx = _rows(signed_in.get(path + ".xlsx"))

    assert from_xlsx[0] == from_csv[0] == [title for title, _ in BOOKING_COLUMNS]
    assert [[_as_text(v) for v in row] for row in from_xlsx[1:]] == from_csv[1:]
    records = [dict(zip(from_xlsx[0], row, strict=True)) for row in from_xlsx[1:]]
    assert [(r["Name"], r["Status"], r["Waiting list position"]) for r in records] == [
        ("Siân Ó Súilleabháin", "Confirmed", None), ("Delegate 2", "On the waiting list", 1)]
    booked = records[0]["Booked (London time)"]
    assert isinstance(booked, datetime)  # a real date: sorts and filters in Excel
    expected = clock.london(first.created_at).replace(tzinfo=None)
    assert abs((booked - expected).total_seconds()) < 1


def test_the_old_csv_address_still_works(signed_in):
    workshop = make_workshop()
    response = signed_in.get(f"/organiser/workshops/{workshop.id}/bookings.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "-bookings-" in response.headers["Content-Disposition"]


# --- formulas -------------------------------------------------------------------------------

EVIL_NAME = '=HYPERLINK("http://x")'
EVIL_ORGANISATION = "+cmd"
EVIL_WAITING_NAME = "@SUM(A1)"
EVIL_JOB = "-2+3"


@pytest.fixture()
def evil(app) -> Workshop:
    """One confirmed delegate and one on the waiting list, both typing formulas."""
    workshop = make_workshop(capacity=1)
    booking.book(workshop.id, _delegate(1, name=EVIL_NAME, organisation=EVIL_ORGANISATION))
    booking.book(workshop.id, _delegate(2, name=EVIL_WAITING_NAME, job_title=EVIL_JOB,
                                        organisation="\tTabbed"))
    return workshop


FORMULA_PATHS = [
    ("/organiser/workshops/{workshop}/bookings", [EVIL_NAME, EVIL_WAITING_NAME]),
    ("/organiser/workshops/{workshop}/waiting-list", [EVIL_WAITING_NAME]),
    ("/organiser/workshops/{workshop}/attendance", [EVIL_NAME]),
    ("/organiser/series/{series}/bookings", [EVIL_NAME, EVIL_WAITING_NAME]),
]


@pytest.mark.parametrize(("path", "names"), FORMULA_PATHS)
def test_formulas_typed_by_delegates_are_neutralised_in_a_csv(signed_in, evil, path, names):
    """A CSV has no types: an apostrophe tells the spreadsheet that the cell is text."""
    url = path.format(workshop=evil.id, series=evil.series_id) + ".csv"
    records = _records(signed_in.get(url))
    assert [r["Name"] for r in records] == ["'" + name for name in names]
    for record in records:
        if record["Name"] == "'" + EVIL_NAME:
            assert record["Organisation"] == "'" + EVIL_ORGANISATION
        else:
            assert record["Job title"] == "'" + EVIL_JOB
            assert record["Organisation"] == "'\tTabbed"
        for value in record.values():
            assert not (isinstance(value, str) and value.startswith(FORMULA_STARTS)), value


@pytest.mark.parametrize(("path", "names"), FORMULA_PATHS)
def test_formulas_typed_by_delegates_are_text_in_a_workbook_exactly_as_typed(signed_in, evil,
                                                                            path, names):
    """An .xlsx has types: the cell is a string cell holding what was typed, no apostrophe
    shown, and marked as text (quote prefix) so that editing it does not make it a formula."""
    url = path.format(workshop=evil.id, series=evil.series_id) + ".xlsx"
    response = signed_in.get(url)
    records = _records(response)  # which also finds no formula cell
    assert [r["Name"] for r in records] == names
    for record in records:
        if record["Name"] == EVIL_NAME:
            assert record["Organisation"] == EVIL_ORGANISATION
        else:
            assert record["Job title"] == EVIL_JOB
            assert record["Organisation"] == "\tTabbed"
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    typed = {EVIL_NAME, EVIL_ORGANISATION, EVIL_WAITING_NAME, EVIL_JOB, "\tTabbed"}
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row if cell.value in typed]
    assert {cell.value for cell in cells} >= set(names)
    for cell in cells:
        assert cell.data_type == "s", f"{cell.coordinate} is {cell.data_type}, not text"
        assert cell.quotePrefix, f"{cell.coordinate} is not marked as text"


def test_only_formula_like_text_is_marked_in_a_workbook():
    """Only formula-like text is marked: ordinary names are plain string cells."""
    workbook = openpyxl.load_workbook(io.BytesIO(spreadsheets.xlsx_bytes(
        ["Name", "Places"], [["Ada Lovelace", 3], ["@SUM(1+1)", 0]])))
    (name, places), (formula_like, _) = workbook.active.iter_rows(min_row=2)
    assert (name.value, name.data_type, name.quotePrefix) == ("Ada Lovelace", "s", False)
    assert (places.value, places.data_type) == (3, "n")
    assert (formula_like.value, formula_like.data_type) == ("@SUM(1+1)", "s")
    assert formula_like.quotePrefix


# --- each table -----------------------------------------------------------------------------

def test_waiting_list_lists_offers_then_the_queue_in_order(signed_in):
    workshop = make_workshop(capacity=2)
    made = [booking.book(workshop.id, _delegate(n)) for n in range(1, 6)]
    booking.cancel(made[0].id)  # its place is offered to delegate 3, first in the queue
    for file_format in ("csv", "xlsx"):
        records = _records(signed_in.get(
            f"/organiser/workshops/{workshop.id}/waiting-list.{file_format}"))
        assert [(r["Name"], r["Status"], _as_text(r["Position"])) for r in records] == [
            ("Delegate 3", "Place offered", ""), ("Delegate 4", "On the waiting list", "1"),
            ("Delegate 5", "On the waiting list", "2")]
        assert records[0]["Offer expires (London time)"]


def test_attendance_shows_who_came_who_did_not_and_who_walked_in(app, signed_in, organiser):
    workshop = make_workshop(capacity=5)
    came, missed, _expected = (booking.book(workshop.id, _delegate(n, name=name))
                               for n, name in ((1, "Ann Came"), (2, "Bob Missed"),
                                               (3, "Cat Expected")))
    booking.book(workshop.id, _delegate(4, name="Zed Cancelled"))
    booking.cancel(db.session.scalar(select(Booking.id).where(Booking.name == "Zed Cancelled")))
    app.config["CLOCK_OFFSET"] = doors_open(workshop)
    checkin.check_in(came.id, actor=organiser)
    attendance.walk_in(workshop.id, _delegate(5, name="Dee Walked-In"), actor=organiser)
    db.session.execute(update(Booking).where(Booking.id == missed.id)
                       .values(no_show_at=clock.now()))
    db.session.commit()

    records = _records(signed_in.get(f"/organiser/workshops/{workshop.id}/attendance.xlsx"))
    assert [(r["Name"], r["Attendance"], r["Walk-in"]) for r in records] == [
        ("Ann Came", "Attended", "No"), ("Bob Missed", "No-show", "No"),
        ("Cat Expected", "Not recorded", "No"), ("Dee Walked-In", "Attended", "Yes")]
    assert isinstance(records[0]["Checked in (London time)"], datetime)
    assert isinstance(records[1]["Marked as a no-show (London time)"], datetime)
    assert records[2]["Checked in (London time)"] is None


def test_series_download_covers_every_workshop_and_no_other(signed_in):
    north_east = make_workshop(capacity=1)
    london = make_workshop(series=north_east.series, region="london")
    booking.book(north_east.id, _delegate(1))
    booking.book(north_east.id, _delegate(2))  # waiting
    booking.book(london.id, _delegate(3))
    booking.book(make_workshop().id, _delegate(4))  # another series
    for file_format in ("csv", "xlsx"):
        records = _records(signed_in.get(
            f"/organiser/series/{north_east.series_id}/bookings.{file_format}"))
        assert [(r["Workshop"], r["Name"], r["Status"]) for r in records] == [
            ("North East", "Delegate 1", "Confirmed"),
            ("North East", "Delegate 2", "On the waiting list"),
            ("London", "Delegate 3", "Confirmed")]
        day = records[0]["Workshop date"]
        # openpyxl reads every date cell back as a datetime; the cell shows the day alone.
        day = day.date().isoformat() if isinstance(day, datetime) else day
        assert day == clock.london(north_east.starts_at).date().isoformat()


@pytest.mark.parametrize(("path", "action"), [
    ("/organiser/workshops/{workshop}/bookings.xlsx", "exported bookings"),
    ("/organiser/workshops/{workshop}/waiting-list.csv", "exported waiting list"),
    ("/organiser/workshops/{workshop}/attendance.xlsx", "exported attendance"),
    ("/organiser/series/{series}/bookings.csv", "exported bookings"),
])
def test_each_download_is_in_the_audit_log(signed_in, ids, organiser, path, action):
    signed_in.get(path.format(**ids))
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == action))
    assert entry is not None and entry.actor_id == organiser.id


def test_workshop_page_and_series_dashboard_link_their_downloads(signed_in, ids):
    page = signed_in.get(f"/organiser/workshops/{ids['workshop']}").get_data(as_text=True)
    for kind in ("bookings", "waiting-list", "attendance"):
        for file_format in ("csv", "xlsx"):
            assert f'href="/organiser/workshops/{ids["workshop"]}/{kind}.{file_format}"' in page
    dashboard = signed_in.get(f"/organiser/series/{ids['series']}/dashboard").get_data(
        as_text=True)
    for file_format in ("csv", "xlsx"):
        assert f'href="/organiser/series/{ids["series"]}/bookings.{file_format}"' in dashboard


# --- the writers on their own ---------------------------------------------------------------

def test_xlsx_writer_keeps_text_numbers_and_empty_cells_apart():
    moment = datetime(2027, 1, 5, 9, 15, tzinfo=UTC)  # winter: London is on UTC
    data = spreadsheets.xlsx_bytes(["Text", "Number", "Yes or no", "Empty", "When", "Day"],
                                   [["bell\x07 rings", 3, True, None, moment, moment.date()]],
                                   title="A/B: [test]")
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["A B   test"]
    header, row = workbook.active.iter_rows()
    assert [cell.value for cell in row[:5]] == ["bell rings", 3, "Yes", None,
                                                datetime(2027, 1, 5, 9, 15)]
    assert [cell.number_format for cell in row[4:]] == ["yyyy-mm-dd hh:mm", "yyyy-mm-dd"]
    assert all(cell.font.bold for cell in header)


def test_csv_writer_writes_london_time():
    summer_morning = datetime(2027, 6, 1, 7, 30, tzinfo=UTC)
    text = spreadsheets.csv_text(["When"], [[summer_morning]])
    assert text.splitlines() == ["When", "2027-06-01 08:30"]
