"""The organisers' console, driven through its pages as an organiser would use it."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import event, select
from werkzeug.datastructures import MultiDict

from tests.conftest import (
    clock_at,
    delegate_form,
    doors_open,
    login,
    make_staff,
    make_workshop,
    rows_in,
)
from workshops import booking, clock
from workshops.catalogue_admin import slugify, update_series
from workshops.extensions import db
from workshops.formatting import date_time
from workshops.models import (
    REGIONS,
    AuditEntry,
    Booking,
    BookingStatus,
    Role,
    Series,
    Theme,
    Venue,
    Workshop,
    WorkshopStatus,
)
from workshops.views.organiser_exports import csv_safe


def _delegate(n: int, **overrides) -> booking.Delegate:
    values = dict(name=f"Delegate {n}", email=f"d{n}@example.org",
                  organisation=f"Council {n}", job_title="Social worker")
    values.update(overrides)
    return booking.Delegate(**values)


def _calendar(message) -> str:  # noqa: ANN001
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            return part.get_content()
    raise AssertionError("no text/calendar part")


def _future_day(days: int) -> date:
    return (clock.london(clock.now()) + timedelta(days=days)).date()


def _date_fields(name: str, day: date | None) -> list[tuple[str, str]]:
    # A GOV.UK date input sends three values under one name: day, month, year.
    parts = (str(day.day), str(day.month), str(day.year)) if day else ("", "", "")
    return [(name, part) for part in parts]


def _workshop_form(venue: int, **overrides) -> MultiDict:
    day = overrides.pop("day", _future_day(40))
    fields = {"region": "london", "title": "", "venue_id": str(venue),
              "start_time": "9:30am", "end_time": "4pm", "capacity": "40",
              "per_organisation_limit": "", "booking_opens_time": "",
              "booking_closes_time": "", "offer_hours": "48",
              "programme": "9:30 | Registration\n10:00 | Welcome"}
    dates = {"start_date": day, "end_date": None, "booking_opens_date": None,
             "booking_closes_date": None}
    for key in list(overrides):
        if key in dates:
            dates[key] = overrides.pop(key)
    fields.update(overrides)
    data = list(fields.items())
    for name, value in dates.items():
        data += value if isinstance(value, list) else _date_fields(name, value)
    return MultiDict(data)


def _with(form: MultiDict, **more: str) -> MultiDict:
    return MultiDict([*form.items(multi=True), *more.items()])


# --- who may see the console ---------------------------------------------------------------

GET_ONLY = ["/organiser/", "/organiser/venues", "/organiser/workshops/{workshop}",
            "/organiser/workshops/{workshop}/bookings.csv"]
FORMS = [
    "/organiser/series/new",
    "/organiser/series/{series}/edit",
    "/organiser/venues/new",
    "/organiser/venues/{venue}/edit",
    "/organiser/series/{series}/workshops/new",
    "/organiser/workshops/{workshop}/edit",
    "/organiser/workshops/{workshop}/move",
    "/organiser/workshops/{workshop}/publish",
    "/organiser/workshops/{workshop}/cancel",
    "/organiser/bookings/{booking}/cancel",
]
REQUESTS = [("GET", path) for path in GET_ONLY + FORMS] + [("POST", path) for path in FORMS]


@pytest.fixture()
def ids(app) -> dict:
    workshop = make_workshop()
    made = booking.book(workshop.id, _delegate(1))
    return {"series": workshop.series_id, "venue": workshop.venue_id,
            "workshop": workshop.id, "booking": made.id}


@pytest.mark.parametrize(("method", "path"), REQUESTS)
def test_anonymous_visitor_is_sent_to_sign_in(client, ids, method, path):
    response = client.open(path.format(**ids), method=method)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login")


@pytest.mark.parametrize(("method", "path"), REQUESTS)
def test_screener_is_refused(client, ids, method, path):
    login(client, make_staff("screener"))
    assert client.open(path.format(**ids), method=method).status_code == 403
    db.session.expire_all()
    assert db.session.get(Booking, ids["booking"]).status == BookingStatus.CONFIRMED
    assert db.session.get(Workshop, ids["workshop"]).status == WorkshopStatus.PUBLISHED


def test_admin_may_use_the_console(client, ids):
    login(client, make_staff(Role.ADMIN))
    assert client.get("/organiser/").status_code == 200


# --- dashboard -----------------------------------------------------------------------------

def test_empty_dashboard_says_what_to_do_next(signed_in):
    page = signed_in.get("/organiser/").get_data(as_text=True)
    assert "There are no series yet" in page and 'href="/organiser/series/new"' in page
    assert "There are no venues yet" in page


def test_the_dashboard_leads_with_the_series_still_running(signed_in):
    current = make_workshop().series
    current.title = "Running now"
    finished = make_workshop(starts_at=clock.now() - timedelta(days=90), status="finished")
    finished.series.title = "Finished last year"  # made later: a higher id
    db.session.commit()
    page = signed_in.get("/organiser/").text
    assert page.index("Running now") < page.index("Finished last year")


def test_dashboard_counts_bookings_in_one_query(signed_in):
    first = make_workshop(capacity=1)
    series = first.series
    for region in ("london", "south-west", "north-west"):
        make_workshop(series=series, region=region, capacity=5)
    booking.book(first.id, _delegate(1))
    booking.book(first.id, _delegate(2))
    db.session.expire_all()

    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:  # noqa: ANN001
        if "FROM bookings" in statement:
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        page = signed_in.get("/organiser/").get_data(as_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) == 1
    assert "North East" in page and "South West" in page
    # North East: capacity 1, 1 confirmed, 0 offered, 1 waiting.
    row = page[page.index("North East"):].split("</tr>")[0]
    cells = [c.split(">", 1)[1].split("<")[0].strip() for c in row.split("<td")[1:]]
    assert cells[-4:] == ["1", "1", "0", "1"]


# --- series and venues ---------------------------------------------------------------------

def test_create_and_edit_a_series(signed_in, organiser):
    response = signed_in.post("/organiser/series/new", data={
        "title": "Highly resistant families", "slug": "", "theme": "Safeguarding",
        "review_title": "Effective practice", "description": "Launch workshops.",
        "key_messages": "- Disguised compliance\n- Multi-agency chronologies"})
    assert response.status_code == 303
    series = db.session.scalar(select(Series))
    assert series.slug == "highly-resistant-families"
    assert series.theme.name == "Safeguarding"
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "created series")
                             ).actor_id == organiser.id

    edit = signed_in.get(f"/organiser/series/{series.id}/edit").get_data(as_text=True)
    assert 'value="Safeguarding"' in edit
    response = signed_in.post(f"/organiser/series/{series.id}/edit", data={
        "title": "Highly resistant families", "slug": "resistant-families",
        "theme": "Safeguarding", "review_title": "", "description": "",
        "key_messages": ""})
    assert response.status_code == 303
    db.session.expire_all()
    assert series.slug == "resistant-families" and series.review_title == ""
    assert signed_in.get("/series/resistant-families").status_code == 200


def test_links_to_a_series_former_address_still_arrive(signed_in, client):
    workshop = make_workshop()
    series, old = workshop.series, workshop.series.slug
    edit = {"title": series.title, "slug": "renamed", "theme": "Safeguarding",
            "review_title": "", "description": "", "key_messages": ""}
    assert signed_in.post(f"/organiser/series/{series.id}/edit", data=edit).status_code == 303
    # An emailed link to the workshop, a calendar subscription, the booking form: each moves.
    for path, now in ((f"/series/{old}/{workshop.region}", f"/series/renamed/{workshop.region}"),
                      (f"/series/{old}/calendar.ics", "/series/renamed/calendar.ics"),
                      (f"/series/{old}?region=north-east", "/series/renamed?region=north-east"),
                      (f"/series/{old}/{workshop.region}/book",
                       f"/series/renamed/{workshop.region}/book")):
        response = client.get(path)
        assert (response.status_code, response.headers.get("Location")) == (301, now), path
    # Back to the first address: it is current again, and the second now redirects to it.
    assert signed_in.post(f"/organiser/series/{series.id}/edit",
                          data={**edit, "slug": old}).status_code == 303
    assert client.get(f"/series/{old}").status_code == 200
    assert client.get("/series/renamed").headers["Location"] == f"/series/{old}"
    assert client.get("/series/never-was").status_code == 404


@pytest.mark.parametrize("app_overrides", [{"WTF_CSRF_ENABLED": True}])
def test_a_booking_form_loaded_before_the_series_moved_still_books(client, mailbox):
    workshop = make_workshop()
    old = f"/series/{workshop.series.slug}/{workshop.region}/book"
    form = client.get(old).text
    token = form.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    update_series(workshop.series.id, {"slug": "renamed"}, actor=make_staff(Role.ORGANISER))

    posted = delegate_form(csrf_token=token)
    response = client.post(old, data=posted)
    # Sent on as a POST (308): a browser posts the form again at the new address, where a 301
    # had made it a GET and shown the form again, blank and the booking not made.
    assert response.status_code == 308
    assert response.headers["Location"] == f"/series/renamed/{workshop.region}/book"
    # As the browser does (the test client's own redirect following sends an empty body).
    booked = client.post(response.headers["Location"], data=posted, follow_redirects=True)
    assert "Booking confirmed" in booked.text
    assert db.session.scalar(select(Booking.status).where(
        Booking.email == "sian@example.org")) == BookingStatus.CONFIRMED
    assert client.head(old).status_code == 301  # a link followed: a permanent move, as before


def test_series_form_errors_sit_beside_fields(signed_in):
    make_workshop()  # a series whose slug we will try to take
    taken = db.session.scalar(select(Series.slug))
    response = signed_in.post("/organiser/series/new", data={
        "title": "", "slug": "Not A Slug!", "theme": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "There is a problem" in page
    for message in ("Enter the title of the series", "Enter the theme",
                    "Web address must only include lowercase letters"):
        assert message in page
    response = signed_in.post("/organiser/series/new", data={
        "title": "Another", "slug": taken, "theme": "Safeguarding"})
    assert response.status_code == 422
    assert "Another series already uses this web address" in response.get_data(as_text=True)


def test_create_and_edit_a_venue(signed_in):
    response = signed_in.post("/organiser/venues/new", data={
        "name": "Royal Station Hotel", "address": "Neville Street", "town": "Newcastle",
        "postcode": "ne15dh", "access_info": "Step-free"})
    assert response.status_code == 303
    venue = db.session.scalar(select(Venue))
    assert venue.postcode == "NE1 5DH"
    assert "Royal Station Hotel" in signed_in.get("/organiser/venues").get_data(as_text=True)

    bad = signed_in.post(f"/organiser/venues/{venue.id}/edit", data={
        "name": "   ", "address": "Neville Street", "town": "Newcastle", "postcode": "12345"})
    assert bad.status_code == 422
    assert "Enter the name of the venue" in bad.get_data(as_text=True)
    assert "Enter a real postcode, like NE1 5DH" in bad.get_data(as_text=True)


def _venue(name: str, postcode: str, **overrides) -> dict:
    return {"name": name, "address": "Neville Street", "town": "Newcastle",
            "postcode": postcode, **overrides}


def _name_error(page: str) -> str:
    found = re.search(r'<p id="name-error" class="govuk-error-message">(.*?)</p>', page, re.S)
    return " ".join(re.sub("<[^>]+>", " ", found[1]).split()) if found else ""


def test_a_venue_already_in_the_list_is_not_added_again(signed_in):
    assert signed_in.post("/organiser/venues/new", data=_venue(
        "Royal Station Hotel", "NE1 5DH")).status_code == 303
    first = db.session.scalar(select(Venue))

    again = signed_in.post("/organiser/venues/new", data=_venue(
        "  royal   STATION hotel ", "ne15dh"))
    page = again.get_data(as_text=True)
    assert again.status_code == 422
    assert _name_error(page) == "Error: There is already a venue called Royal Station Hotel " \
                                "at NE1 5DH"
    assert 'href="#name"' in page  # the error summary leads to the name box
    assert f'href="/organiser/venues/{first.id}/edit"' in page  # and the hint to the one to use
    assert rows_in(Venue) == (1,)

    # The same name elsewhere is another place: a hotel chain's branch in another city.
    assert signed_in.post("/organiser/venues/new", data=_venue(
        "Royal Station Hotel", "YO24 1AA", town="York")).status_code == 303
    york = db.session.scalar(select(Venue).where(Venue.town == "York"))

    # Saving a venue under its own name is not a clash with itself...
    assert signed_in.post(f"/organiser/venues/{first.id}/edit", data=_venue(
        "Royal Station Hotel", "NE1 5DH", access_info="Lift to all floors")).status_code == 303
    # ...but moving another onto its name and postcode is.
    moved = signed_in.post(f"/organiser/venues/{york.id}/edit", data=_venue(
        "Royal Station Hotel ", "NE1 5DH"))
    assert moved.status_code == 422
    assert "There is already a venue called Royal Station Hotel at NE1 5DH" in \
        _name_error(moved.get_data(as_text=True))
    db.session.expire_all()
    assert db.session.get(Venue, york.id).postcode == "YO24 1AA"


def test_an_address_typed_on_several_lines_reads_as_one_line_everywhere(signed_in, client):
    # As a browser sends a text box: lines ended with CRLF.
    response = signed_in.post("/organiser/venues/new", data={
        "name": "The Sage", "address": "St Mary's Square\r\nGateshead Quays\r\n",
        "town": "Gateshead", "postcode": "NE8 2JR"})
    assert response.status_code == 303
    venue = db.session.scalar(select(Venue).where(Venue.name == "The Sage"))
    assert venue.address == "St Mary's Square\nGateshead Quays"  # stored with one kind of break
    assert venue.one_line == "The Sage, St Mary's Square, Gateshead Quays, Gateshead, NE8 2JR"
    # Written before line breaks were tidied on the way in: read the same way.
    venue.address = "St Mary's Square\r\nGateshead Quays"
    assert venue.address_one_line == "St Mary's Square, Gateshead Quays"
    db.session.rollback()
    workshop = make_workshop(venue=venue)
    page = client.get(f"/series/{workshop.series.slug}/{workshop.region}").text
    assert "St Mary&#39;s Square, Gateshead Quays<br>" in page


@pytest.mark.parametrize(("title", "slug"), [
    ("Neglect in adolescence: what works 2010–11", "neglect-in-adolescence-what-works-2010-11"),
    ("Children’s services", "childrens-services"), ("Children's services", "childrens-services"),
    ("Åse Ørsted — Łódź", "ase-orsted-lodz"), ("Highly resistant families!",
                                              "highly-resistant-families")])
def test_web_addresses_keep_the_words_a_title_has(title, slug):
    assert slugify(title) == slug


def test_empty_venue_list_says_what_to_do(signed_in):
    page = signed_in.get("/organiser/venues").get_data(as_text=True)
    assert "There are no venues yet" in page and "/organiser/venues/new" in page


# --- workshops -----------------------------------------------------------------------------

def _series_and_venue() -> tuple[Series, Venue]:
    workshop = make_workshop()
    return workshop.series, workshop.venue


def test_create_a_workshop_in_london_time(signed_in):
    series, venue = _series_and_venue()
    day = date(clock.now().year + 1, 6, 15)  # summer: London is UTC+1
    response = signed_in.post(f"/organiser/series/{series.id}/workshops/new",
                              data=_workshop_form(venue.id, day=day))
    assert response.status_code == 303
    made = db.session.scalar(select(Workshop).where(Workshop.region == "london"))
    assert made.status == WorkshopStatus.DRAFT
    assert (made.starts_at.hour, made.starts_at.minute) == (8, 30)  # 9:30am BST in UTC
    assert clock.london(made.ends_at).hour == 16
    assert made.programme_items[0] == ("9:30am", "Registration")
    page = signed_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "Draft" in page and "9:30am to 4pm" in page
    # A draft is not on the public site.
    assert signed_in.get(f"/series/{series.slug}/london").status_code == 404


@pytest.mark.parametrize(("overrides", "message"), [
    ({"start_date": [("start_date", "31"), ("start_date", "2"), ("start_date", "2031")]},
     "Start date must be a real date"),
    ({"start_date": [("start_date", "3"), ("start_date", ""), ("start_date", "2031")]},
     "Start date must include a month"),
    ({"start_date": [("start_date", "3"), ("start_date", "4"), ("start_date", "31")]},
     "Year must include 4 numbers"),
    ({"start_date": None}, "Enter the date the workshop starts"),
    ({"end_time": "9am"}, "The workshop must end after it starts"),
    ({"start_time": "25:00"}, "Enter the start time as a time, like 9:30am or 14:00"),
    ({"day": date(2009, 3, 16)}, "The workshop must start in the future"),
    # A mistyped year, and an end date a year on: caught, not published.
    ({"day": date(9999, 5, 1)}, "The workshop must start within 3 years"),
    ({"end_date": _future_day(40 + 365)}, "A workshop can last up to 7 days"),
    ({"capacity": "forty"}, "Capacity must be a whole number, like 40"),
    # A digit to str.isdigit(), not to int(): the field's message, not Python's.
    ({"capacity": "²"}, "Capacity must be a whole number, like 40"),
    ({"capacity": "0"}, "Capacity must be between 1 and 5,000"),
    ({"capacity": "10", "per_organisation_limit": "11"},
     "Places per organisation must not be more than the capacity"),
    ({"venue_id": "abc"}, "Choose the venue from the list"),
    ({"venue_id": "999"}, "Choose the venue from the list"),
    ({"venue_id": "9" * 25}, "Choose the venue from the list"),
    ({"region": "atlantis"}, "Choose the region from the list"),
    ({"region": ""}, "Choose the region"),
    ({"programme": "9:30 | Registration\nLunch"}, "Line 2 of the programme must be a time"),
    # Every line that is wrong, at once; and the day in order.
    ({"programme": "9:30 | Registration\nLunch\n10:00 | Welcome\nTea"},
     "Lines 2 and 4 of the programme must each be a time"),
    ({"programme": "11:00 | Welcome\n9:30 | Registration"},
     "Line 2 of the programme (9:30am) comes before line 1 (11am)"),
    ({"booking_closes_date": _future_day(60)}, "Enter the time booking closes"),
    ({"booking_closes_date": _future_day(60), "booking_closes_time": "5pm"},
     "Booking must close before the workshop starts"),
])
def test_workshop_form_explains_mistakes(signed_in, overrides, message):
    series, venue = _series_and_venue()
    data = _workshop_form(venue.id, **overrides)
    response = signed_in.post(f"/organiser/series/{series.id}/workshops/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422, page[:500]
    assert message in page
    assert "There is a problem" in page
    assert db.session.scalar(select(Workshop).where(Workshop.region == "london")) is None


def test_a_programme_may_give_sessions_as_ranges(signed_in):
    series, venue = _series_and_venue()
    response = signed_in.post(f"/organiser/series/{series.id}/workshops/new", data=_workshop_form(
        venue.id, programme="9:30 | Registration\n10:00–11:15 | Welcome\n2pm to 3:30pm | Panel"))
    assert response.status_code == 303
    made = db.session.scalar(select(Workshop).where(Workshop.region == "london"))
    assert made.programme_items[1] == ("10am to 11:15am", "Welcome")


MIXED_PROGRAMME = ("9:30 | Registration\n10:00–11:15 | Welcome\n12:00 | Lunch\n1pm | Workshops\n"
                   "13:45 | Panel\n2.30pm to 3PM | Tea\n16:00 | Close")
MIXED_PROGRAMME_SHOWN = ["9:30am", "10am to 11:15am", "midday", "1pm", "1:45pm", "2:30pm to 3pm",
                         "4pm"]


def test_a_programme_typed_in_mixed_styles_reads_one_way(signed_in, client):
    series, venue = _series_and_venue()
    assert signed_in.post(f"/organiser/series/{series.id}/workshops/new", data=_workshop_form(
        venue.id, programme=MIXED_PROGRAMME, end_time="5pm")).status_code == 303
    made = db.session.scalar(select(Workshop).where(Workshop.region == "london"))
    made.status = WorkshopStatus.PUBLISHED
    db.session.commit()

    page = client.get(f"/series/{series.slug}/london").text
    table = page.split('<table class="govuk-table app-programme">', 1)[1].split("</table>")[0]
    times = re.findall(r'<tr class="govuk-table__row"><td class="govuk-table__cell">([^<]*)</td>',
                       table)
    assert times == MIXED_PROGRAMME_SHOWN
    # The organiser's own text is kept, to edit as they typed it.
    edit = signed_in.get(f"/organiser/workshops/{made.id}/edit").text
    assert "13:45 | Panel" in edit and "1:45pm" not in edit


def test_a_time_out_of_the_days_order_is_shown_as_typed(app):
    # Saved before the form asked for the day in order: '1:30' after midday means the
    # afternoon, and the 24-hour reading would print it as 1:30am.
    workshop = make_workshop(programme="12:00 | Lunch\n1:30 | Workshops\n15:00 | Close\n"
                                       "Afternoon | Tea")
    assert workshop.programme_items == [("midday", "Lunch"), ("1:30", "Workshops"),
                                        ("3pm", "Close"), ("Afternoon", "Tea")]


def test_date_error_links_to_the_day_box(signed_in):
    series, venue = _series_and_venue()
    data = _workshop_form(venue.id, start_date=[("start_date", "31"), ("start_date", "2"),
                                                ("start_date", "2031")])
    page = signed_in.post(f"/organiser/series/{series.id}/workshops/new",
                          data=data).get_data(as_text=True)
    assert 'href="#start_date-day"' in page and 'id="start_date-day"' in page
    assert 'value="31"' in page  # what was typed comes back


def test_date_hints_give_an_example_near_the_services_today(app, signed_in):
    series, _venue = _series_and_venue()
    for moment in (datetime(2010, 2, 22, 12, tzinfo=UTC), datetime.now(UTC)):
        app.config["CLOCK_OFFSET"] = clock_at(moment)
        today = clock.london(clock.now()).date()
        soon, fortnight_ago = today + timedelta(days=60), today - timedelta(days=14)
        page = signed_in.get(f"/organiser/series/{series.id}/workshops/new").text
        assert f"For example, {soon.day} {soon.month} {soon.year}" in page
        page = signed_in.get("/organiser/audit").text
        assert f"For example, {fortnight_ago.day} {fortnight_ago.month} {fortnight_ago.year}" \
            in page and f"For example, {today.day} {today.month} {today.year}" in page


def _summary_follows_page(page: str) -> list[str]:
    """The fields the error summary links to, checked to be in the order the page shows them."""
    summary = page.split('class="govuk-error-summary', 1)[1].split("</ul>", 1)[0]
    targets = re.findall(r'href="#([^"]+)"', summary)
    body = page.split(summary, 1)[1]
    positions = [body.index(f'id="{target}"') for target in targets]
    assert positions == sorted(positions), f"summary order {targets} is not the page's"
    return targets


def test_error_summary_lists_fields_in_page_order(signed_in):
    series, _venue = _series_and_venue()
    page = signed_in.post(f"/organiser/series/{series.id}/workshops/new",
                          data={}).get_data(as_text=True)
    targets = _summary_follows_page(page)
    assert targets[:3] == ["region", "venue_id", "start_date-day"]
    workshop = db.session.scalar(select(Workshop).where(Workshop.series_id == series.id))
    page = signed_in.post(f"/organiser/workshops/{workshop.id}/edit",
                          data={"capacity": "", "offer_hours": ""}).get_data(as_text=True)
    assert _summary_follows_page(page) == ["region", "capacity", "offer_hours"]
    for path in ("/organiser/series/new", "/organiser/venues/new"):
        assert len(_summary_follows_page(signed_in.post(path, data={}).get_data(as_text=True))) > 1


def test_one_workshop_per_region_in_a_series(signed_in):
    series, venue = _series_and_venue()  # already has North East
    response = signed_in.post(f"/organiser/series/{series.id}/workshops/new",
                              data=_workshop_form(venue.id, region="north-east"))
    assert response.status_code == 422
    assert "already has a workshop in North East" in response.get_data(as_text=True)


def test_a_new_workshop_can_start_from_a_copy_of_another_in_the_series(signed_in):
    london_noon = datetime.combine(_future_day(30), time(12), tzinfo=clock.LONDON)
    original = make_workshop(capacity=35, per_organisation_limit=4, offer_hours=24,
                             programme="10:00 | Arrival\n10:30 | The review's findings",
                             starts_at=london_noon - timedelta(hours=2),  # 10am London
                             venue=None, region="london")
    elsewhere = make_workshop(capacity=99)  # another series: not offered
    path = f"/organiser/series/{original.series_id}/workshops/new"
    offered = signed_in.get(path).text
    assert f"{path}?like={original.id}" in offered and f"like={elsewhere.id}" not in offered

    page = signed_in.get(f"{path}?like={original.id}").text
    assert f"Copied from {original.display_title}" in page
    typed = dict(re.findall(r'<input [^>]*name="(\w+)" type="text" [^>]*value="([^"]*)"', page))
    assert {name: typed[name] for name in ("capacity", "per_organisation_limit", "offer_hours",
                                           "start_time", "end_time", "title")} == {
        "capacity": "35", "per_organisation_limit": "4", "offer_hours": "24",
        "start_time": "10am", "end_time": "4:30pm", "title": ""}
    assert "10:30 | The review&#39;s findings" in page
    # Region, venue and dates are the new workshop's own.
    assert '<option value="" selected>' in page and "selected" not in page.replace(
        '<option value="" selected>', "", 1)
    # Another series' workshop, or nonsense, is no copy: the blank form.
    for like in (elsewhere.id, "abc", 10**12):
        blank = signed_in.get(f"{path}?like={like}")
        assert blank.status_code == 200 and "Copied from" not in blank.text

    made = signed_in.post(f"{path}?like={original.id}", data=_workshop_form(
        original.venue_id, region="north-west", capacity="35", programme="10:00 | Arrival"))
    assert made.status_code == 303
    assert db.session.scalar(select(Workshop).where(Workshop.region == "north-west")).capacity \
        == 35


def test_a_new_series_starts_from_a_copy_of_last_years(signed_in):
    last_year = make_workshop(capacity=35, offer_hours=24, programme="10:00 | Arrival")
    make_workshop(series=last_year.series, region="london")
    next_year = Series(slug="next-year", title="Next year",
                       theme=Theme(slug="neglect", name="Neglect"))
    db.session.add(next_year)
    db.session.commit()
    path = f"/organiser/series/{next_year.id}/workshops/new"
    offered = signed_in.get(path).text
    assert f"one from {last_year.series.title}:" in offered
    assert f"{path}?like={last_year.id}" in offered
    page = signed_in.get(f"{path}?like={last_year.id}").text
    assert f"Copied from {last_year.display_title}" in page and 'value="35"' in page


def test_the_add_page_names_the_regions_left_and_says_when_none_are(signed_in):
    first = make_workshop(region="london")
    path = f"/organiser/series/{first.series_id}/workshops/new"
    page = signed_in.get(path).text
    assert "Without a workshop in this series yet: North East, North West" in page
    assert "London" not in page.split("Without a workshop in this series yet:", 1)[1] \
        .split("</div>", 1)[0]
    # The list offers only the regions left.
    offered = re.findall(r'<option value="([^"]+)"', page.split('name="region"', 1)[1]
                         .split("</select>", 1)[0])
    assert offered == [r for r in REGIONS if r != "london"]
    add = f'href="{path}"'
    assert add in signed_in.get("/organiser/").text
    for region in REGIONS:
        if region != "london":
            make_workshop(series=first.series, venue=first.venue, region=region)
    full = signed_in.get(path).text
    assert "Every region already has a workshop in this series" in full
    assert 'name="region"' not in full
    assert add not in signed_in.get("/organiser/").text  # no link to nowhere


def test_add_workshop_without_venues_says_add_a_venue(signed_in):
    series = Series(slug="new-series", title="New series",
                    theme=Theme(slug="early-help", name="Early help"))
    db.session.add(series)
    db.session.commit()
    page = signed_in.get(f"/organiser/series/{series.id}/workshops/new").get_data(as_text=True)
    assert "there are none yet" in page and "/organiser/venues/new" in page
    dashboard = signed_in.get("/organiser/").get_data(as_text=True)
    assert "There are no workshops in this series yet" in dashboard


def test_publish_puts_a_draft_on_the_public_site(signed_in):
    workshop = make_workshop(status="draft")
    confirm = signed_in.get(f"/organiser/workshops/{workshop.id}/publish")
    assert "Publish this workshop?" in confirm.get_data(as_text=True)
    assert "People can book straight away. You cannot make it a draft again" in confirm.text
    response = signed_in.post(f"/organiser/workshops/{workshop.id}/publish")
    assert response.status_code == 303
    db.session.expire_all()
    assert workshop.status == WorkshopStatus.PUBLISHED
    assert signed_in.get(f"/series/{workshop.series.slug}/north-east").status_code == 200
    # Publishing twice does not fail: it says why.
    again = signed_in.post(f"/organiser/workshops/{workshop.id}/publish",
                           follow_redirects=True)
    assert again.status_code == 200 and (
        "This workshop is published: only a draft can be published" in again.text)


def test_edit_details_keeps_capacity_above_places_taken(signed_in):
    workshop = make_workshop(capacity=2)
    for n in range(3):
        booking.book(workshop.id, _delegate(n))
    form = _workshop_form(workshop.venue_id, region="north-east", capacity="1")
    response = signed_in.post(f"/organiser/workshops/{workshop.id}/edit", data=form)
    assert response.status_code == 422
    assert "2 places are already taken" in response.get_data(as_text=True)


def test_more_places_are_offered_to_the_waiting_list(signed_in, mailbox):
    workshop = make_workshop(capacity=1)
    booking.book(workshop.id, _delegate(1))
    booking.book(workshop.id, _delegate(2))
    mailbox.clear()
    form = _workshop_form(workshop.venue_id, region="north-east", capacity="2")
    assert signed_in.post(f"/organiser/workshops/{workshop.id}/edit",
                          data=form).status_code == 303
    assert [m["Subject"] for m in mailbox.to("d2@example.org")] == [
        f"A place is free: {workshop.display_title}"]


def test_move_asks_first_then_sends_updated_invites(signed_in, mailbox):
    workshop = make_workshop(capacity=2)
    for n in range(3):  # two confirmed, one waiting
        booking.book(workshop.id, _delegate(n))
    mailbox.clear()
    new_day = _future_day(45)
    form = _workshop_form(workshop.venue_id, day=new_day, start_time="10:00",
                          end_time="3:30pm")
    page = signed_in.post(f"/organiser/workshops/{workshop.id}/move", data=form)
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Check the change before you move the workshop" in text
    assert "Delegate 0" in text and "Delegate 1" in text and "d0@example.org" in text
    assert "1 person on the waiting list will also be emailed the change" in text
    assert "Yes, move the workshop and email 3 people" in text
    db.session.expire_all()
    assert workshop.calendar_sequence == 0 and not mailbox.messages  # nothing happened yet

    response = signed_in.post(f"/organiser/workshops/{workshop.id}/move",
                              data=_with(form, confirmed="yes"))
    assert response.status_code == 303
    db.session.expire_all()
    assert clock.london(workshop.starts_at).date() == new_day
    for address in ("d0@example.org", "d1@example.org"):
        [message] = mailbox.to(address)
        invite = _calendar(message)
        assert "SEQUENCE:1" in invite
        assert f"DTSTART;TZID=Europe/London:{new_day:%Y%m%d}T100000" in invite
    # The waiting list hears of the change, with no invite: they hold no place.
    [waiting] = mailbox.to("d2@example.org")
    assert waiting["Subject"].startswith("Workshop changed") and not any(
        part.get_content_type() == "text/calendar" for part in waiting.walk())
    assert "waiting list" in waiting.get_body(("plain",)).get_content()


def test_move_can_go_back_to_change_what_was_typed(signed_in):
    workshop = make_workshop()
    form = _workshop_form(workshop.venue_id, start_time="11am")
    page = signed_in.post(f"/organiser/workshops/{workshop.id}/move",
                          data=_with(form, confirmed="change")).get_data(as_text=True)
    assert "Change the date, time or venue" in page and 'value="11am"' in page


def test_cancel_workshop_shows_who_is_told_then_cancels(signed_in, mailbox):
    workshop = make_workshop(capacity=1)
    booking.book(workshop.id, _delegate(1))
    booking.book(workshop.id, _delegate(2))
    mailbox.clear()
    page = signed_in.get(f"/organiser/workshops/{workshop.id}/cancel").get_data(as_text=True)
    assert "You cannot undo this" in page
    assert "Delegate 1" in page and "Delegate 2" in page
    assert "Message to everyone booked (optional)" in page
    too_long = signed_in.post(f"/organiser/workshops/{workshop.id}/cancel",
                              data={"reason": "x" * 2001})
    assert too_long.status_code == 422 and 'id="reason-error"' in too_long.text
    assert "x" * 2001 in too_long.text  # kept, to be cut down
    db.session.expire_all()
    assert workshop.status == WorkshopStatus.PUBLISHED
    said = "The venue has flooded.\nWe will rearrange it for May and write to you then."
    response = signed_in.post(f"/organiser/workshops/{workshop.id}/cancel",
                              data={"reason": said})
    assert response.status_code == 303
    db.session.expire_all()
    assert workshop.status == WorkshopStatus.CANCELLED
    assert "METHOD:CANCEL" in _calendar(mailbox.to("d1@example.org")[0])
    [waiting] = mailbox.to("d2@example.org")
    text = waiting.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "The organisers say:\n\nThe venue has flooded.\nWe will rearrange it for May" in text
    assert "has been cancelled.\n\nThe organisers say:" in text
    assert "write to you then.\n\nWorkshop:" in text
    assert re.search(rf"The workshops in other regions: http://\S+/series/{workshop.series.slug}\n",
                     text)
    # Cancelling again, or editing, is explained rather than failing.
    again = signed_in.get(f"/organiser/workshops/{workshop.id}/edit", follow_redirects=True)
    assert ("This workshop has been cancelled, so it can no longer be changed"
            in again.get_data(as_text=True))


def test_organiser_cancels_a_booking_for_a_delegate(signed_in, organiser, mailbox):
    workshop = make_workshop(capacity=1)
    first = booking.book(workshop.id, _delegate(1))
    booking.book(workshop.id, _delegate(2))
    mailbox.clear()
    confirm = signed_in.get(f"/organiser/bookings/{first.id}/cancel").get_data(as_text=True)
    assert "Are you sure you want to cancel Delegate 1" in confirm
    assert "offered to the next person on the waiting list" in confirm
    assert "No, keep this booking" in confirm
    response = signed_in.post(f"/organiser/bookings/{first.id}/cancel", follow_redirects=True)
    assert f"Delegate 1 ({first.reference}) cancelled. They have been emailed." in response.text
    db.session.expire_all()
    assert first.status == BookingStatus.CANCELLED
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity == "booking",
                                                       AuditEntry.action == "cancelled"))
    assert entry.actor_id == organiser.id
    assert "METHOD:CANCEL" in _calendar(mailbox.to("d1@example.org")[0])
    assert mailbox.to("d2@example.org")[0]["Subject"].startswith("A place is free")
    # A second try (a double click, an old tab) says it is done.
    again = signed_in.post(f"/organiser/bookings/{first.id}/cancel", follow_redirects=True)
    assert "already cancelled" in again.get_data(as_text=True)


def test_removing_someone_from_the_waiting_list_is_said_as_such(signed_in, mailbox):
    workshop = make_workshop(capacity=1)
    booking.book(workshop.id, _delegate(1))
    waiting = booking.book(workshop.id, _delegate(2))
    confirm = signed_in.get(f"/organiser/bookings/{waiting.id}/cancel").text
    assert "remove Delegate 2 from the waiting list" in confirm
    assert "No, keep them on the waiting list" in confirm
    done = signed_in.post(f"/organiser/bookings/{waiting.id}/cancel", follow_redirects=True)
    assert f"Delegate 2 ({waiting.reference}) taken off the waiting list." in done.text


def test_on_the_day_the_cancel_page_says_the_place_is_for_a_walk_in(app, signed_in, mailbox):
    workshop = make_workshop(capacity=1)
    first = booking.book(workshop.id, _delegate(1))
    booking.book(workshop.id, _delegate(2))
    app.config["CLOCK_OFFSET"] = doors_open(workshop)
    confirm = signed_in.get(f"/organiser/bookings/{first.id}/cancel").get_data(as_text=True)
    assert "not offered to the waiting list: you can give it to a walk-in" in confirm
    assert "offered to the next person" not in confirm
    signed_in.post(f"/organiser/bookings/{first.id}/cancel")
    assert not [m for m in mailbox.to("d2@example.org") if "A place is free" in m["Subject"]]


def test_workshop_page_shows_counts_and_the_queue_in_order(signed_in):
    workshop = make_workshop(capacity=1)
    for n in range(4):
        booking.book(workshop.id, _delegate(n))
    page = signed_in.get(f"/organiser/workshops/{workshop.id}").get_data(as_text=True)
    counts = dict(re.findall(r'data-count="([a-z-]+)">(\d+)<', page))
    assert counts == {"capacity": "1", "confirmed": "1", "offered": "0", "waiting": "3",
                      "places-left": "0"}
    queue = page[page.index("Waiting list, in the order"):page.index(">Bookings</h2>")]
    assert queue.index("Delegate 1") < queue.index("Delegate 2") < queue.index("Delegate 3")
    assert "Delegate 0" not in queue


@pytest.mark.parametrize("path", FORMS)
@pytest.mark.parametrize("data", [
    {},
    {"start_date": ["x", "y"], "capacity": "-1", "venue_id": "", "region": "x",
     "booking_opens_time": "noonish", "end_date": ["29", "2", "2027"], "slug": "UPPER",
     "postcode": "£££", "title": "!!!", "theme": "???"},
])
def test_no_form_fails_with_a_server_error(signed_in, ids, path, data):
    response = signed_in.post(path.format(**ids), data=data)
    assert response.status_code in (200, 303, 422), response.get_data(as_text=True)[:300]


def test_unknown_ids_are_not_found(signed_in):
    for path in ("/organiser/workshops/999", "/organiser/bookings/999/cancel",
                 "/organiser/series/999/edit", "/organiser/venues/999/edit"):
        assert signed_in.get(path).status_code == 404


# --- export --------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["=cmd()", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_csv_safe_defuses_formulas(text):
    assert csv_safe(text) == "'" + text


def test_csv_export_escapes_formulas(signed_in):
    workshop = make_workshop(capacity=1)
    booking.book(workshop.id, _delegate(1, name="=cmd()", organisation="Siân’s council"))
    booking.book(workshop.id, _delegate(2, organisation="@evil"))
    response = signed_in.get(f"/organiser/workshops/{workshop.id}/bookings.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [r["Name"] for r in rows] == ["'=cmd()", "Delegate 2"]
    assert rows[0]["Organisation"] == "Siân’s council"
    assert rows[1]["Organisation"] == "'@evil"
    assert rows[1]["Status"] == "On the waiting list" and rows[1]["Waiting list position"] == "1"
    assert db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "exported bookings")) is not None


def test_booked_time_in_export_is_london_time(signed_in):
    workshop = make_workshop()
    made = booking.book(workshop.id, _delegate(1))
    rows = list(csv.DictReader(io.StringIO(signed_in.get(
        f"/organiser/workshops/{workshop.id}/bookings.csv").get_data(as_text=True)
        .lstrip("\ufeff"))))
    expected = clock.london(made.created_at).strftime("%Y-%m-%d %H:%M")
    assert rows[0]["Booked (London time)"] == expected
    assert datetime.strptime(expected, "%Y-%m-%d %H:%M")


def test_bookings_can_be_searched_by_name_organisation_or_reference(client, app):
    from workshops import booking as booking_rules

    workshop = make_workshop()
    for name, org in (("Łukasz Żółć", "Leeds City Council"), ("Ann Hope", "Barnardo’s")):
        booking_rules.book(workshop.id, booking_rules.Delegate(
            name=name, email=f"{name.split()[0].lower()}@example.org", organisation=org))
    login(client, make_staff(Role.ORGANISER))
    page = client.get(f"/organiser/workshops/{workshop.id}?q=leeds").get_data(as_text=True)
    assert "Łukasz Żółć" in page and "Ann Hope" not in page
    none = client.get(f"/organiser/workshops/{workshop.id}?q=zzz").get_data(as_text=True)
    assert "No bookings match" in none


def test_a_long_email_address_wraps_only_after_the_at_and_before_a_dot(signed_in):
    workshop = make_workshop()
    booking.book(workshop.id, _delegate(1, email="someone.with.a.long.name@example.org"))
    booking.book(workshop.id, _delegate(2, email='"<img src=x onerror=alert(1)>"@example.org'))
    page = signed_in.get(f"/organiser/workshops/{workshop.id}").text
    table = page.split('id="bookings"', 1)[1]
    # An address is text: markup in one is shown, not run.
    assert "<img" not in table
    # Break opportunities where a reader expects them; the pieces between are kept whole.
    cells = re.sub(r'<span class="app-nowrap">([^<]*)</span>', r"\1", table)
    assert ">someone<wbr>.with<wbr>.a<wbr>.long<wbr>.name@<wbr>example<wbr>.org</td>" in cells
    assert ">&#34;&lt;img src=x onerror=alert(1)&gt;&#34;@<wbr>example<wbr>.org</td>" in cells


def test_workshop_page_shows_the_programme_delegates_will_read(signed_in):
    """"Check it, then publish it": the programme is part of what is checked."""
    written = make_workshop(status="draft", programme="9:30 | Registration\n10:00 | <Welcome>")
    page = signed_in.get(f"/organiser/workshops/{written.id}").get_data(as_text=True)
    assert "9:30am Registration<br>10am &lt;Welcome&gt;" in page
    blank = make_workshop(region="london", programme="")
    page = signed_in.get(f"/organiser/workshops/{blank.id}").get_data(as_text=True)
    assert "Not written yet: the public page says it will be published soon" in page


def test_published_programme_is_folded_so_places_come_first(signed_in):
    """Once published, the programme is a summary that opens, not a screenful above the
    figures an organiser comes to see."""
    workshop = make_workshop(programme="9:30 | Registration\n10:00 | Welcome\n16:00 | Close")
    page = signed_in.get(f"/organiser/workshops/{workshop.id}").get_data(as_text=True)
    folded = page.split('<details class="govuk-details', 1)[1].split("</details>", 1)[0]
    assert "3 sessions, from 9:30am to 4pm" in folded and "10am Welcome" in folded
    assert page.index("10am Welcome") < page.index(">Places</h2>") < page.index('id="needs"')
    # A programme whose sessions are ranges runs from the first's start to the last's end.
    ranges = make_workshop(region="london",
                           programme="9:30-10:00 | Registration\n14:00-15:30 | Workshops")
    page = signed_in.get(f"/organiser/workshops/{ranges.id}").get_data(as_text=True)
    assert "2 sessions, from 9:30am to 3:30pm" in page


def test_workshop_page_lists_access_and_dietary_needs_of_people_coming(signed_in):
    workshop = make_workshop(capacity=2)
    booking.book(workshop.id, _delegate(1, access_needs="Step-free route, please"))
    booking.book(workshop.id, _delegate(2, dietary_needs="Vegan"))
    booking.book(workshop.id, _delegate(3, access_needs="Hearing loop"))  # waiting list
    page = signed_in.get(f"/organiser/workshops/{workshop.id}").get_data(as_text=True)
    needs = page.split('id="needs"', 1)[1].split("Waiting list", 1)[0]
    assert "2 people holding a place told us what they need" in needs
    assert "Step-free route, please" in needs and "Vegan" in needs
    assert "Hearing loop" not in needs  # not coming unless a place is offered

    quiet = make_workshop(region="london")
    page = signed_in.get(f"/organiser/workshops/{quiet.id}").get_data(as_text=True)
    assert "No one holding a place has told us of access or dietary needs" in page


def test_the_workshop_page_warns_when_the_programme_falls_outside_the_workshops_hours(
        signed_in):
    ten_am = datetime.combine(_future_day(30), time(10), tzinfo=clock.LONDON)
    found = make_workshop(starts_at=ten_am, ends_at=ten_am + timedelta(hours=6),
                          programme="9:30 | Registration\n10:00 | Welcome\n15:30 | Close")
    page = signed_in.get(f"/organiser/workshops/{found.id}").text
    assert "The programme starts at 9:30am, before the workshop does (10am)." in page
    found.programme = "10:00 | Welcome\n17:00 | Drinks"
    db.session.commit()
    page = signed_in.get(f"/organiser/workshops/{found.id}").text
    assert "The programme has a session at 5pm, after the workshop ends (4pm)." in page
    found.programme = "10:00 | Welcome\nAfternoon | Workshops\n15:30 | Close"
    db.session.commit()
    page = signed_in.get(f"/organiser/workshops/{found.id}").text
    assert "The programme starts at" not in page and "after the workshop ends" not in page


def test_an_offer_past_its_time_is_shown_as_lapsing_not_held(app, signed_in):
    # The sweep lapses it within minutes; until then the organiser is not told it is held
    # "until" a time gone by (the delegate's own pages lapse it at once).
    workshop = make_workshop(capacity=1)
    first = booking.book(workshop.id, _delegate(1))
    second = booking.book(workshop.id, _delegate(2))
    booking.cancel(first.id)
    db.session.refresh(second)
    page = signed_in.get(f"/organiser/workshops/{workshop.id}").text
    assert f"until {date_time(second.offer_expires_at)}" in page and "data-lapsed" not in page
    app.config["CLOCK_OFFSET"] = clock_at(second.offer_expires_at + timedelta(minutes=1))
    page = signed_in.get(f"/organiser/workshops/{workshop.id}").text
    assert (f"Not accepted by {date_time(second.offer_expires_at)}: the place passes to the "
            "next person within minutes") in page
    assert f"until {date_time(second.offer_expires_at)}" not in page
