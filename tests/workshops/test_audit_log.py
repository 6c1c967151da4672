"""The audit log pages: what they list, their filters, pages, access and query count."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from tests.conftest import login, make_staff, make_workshop
from workshops import booking, catalogue_admin, messaging, scheduling, staff
from workshops.extensions import db
from workshops.models import AuditEntry, Role, Workshop


def _delegate(n: int) -> booking.Delegate:
    return booking.Delegate(name=f"Delegate {n}", email=f"d{n}@example.org",
                            organisation=f"Council {n}")


def _entries(page: str) -> list[str]:
    """The rows of the entries table, as text, in page order."""
    if 'id="audit-entries"' not in page:
        return []
    body = page.split('id="audit-entries"', 1)[1].split("<tbody", 1)[1].split(">", 1)[1]
    body = body.split("</tbody>")[0]
    rows = body.split("</tr>")[:-1]
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]


def _add_entries(count: int, workshop: Workshop, *, start: datetime | None = None) -> None:
    """Entries straight into the table: a fast way to fill pages."""
    start = start or datetime(2010, 3, 1, 9, tzinfo=UTC)
    db.session.add_all([
        AuditEntry(at=start + timedelta(minutes=i), actor_label=f"bulk{i % 3}@example.org",
                   action="changed workshop", entity="workshop", entity_id=workshop.id,
                   workshop_id=workshop.id, details={"n": i})
        for i in range(count)])
    db.session.commit()


@contextmanager
def counting() -> Iterator[list[str]]:
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:  # noqa: ANN001
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


# --- what is listed ----------------------------------------------------------------------

def test_booking_and_workshop_changes_appear_newest_first(signed_in, organiser):
    workshop = make_workshop(capacity=30)
    made = booking.book(workshop.id, _delegate(1), actor=organiser)
    scheduling.update_workshop(workshop.id, {"capacity": 40}, actor=organiser)
    page = signed_in.get(f"/organiser/workshops/{workshop.id}/audit")
    assert page.status_code == 200
    rows = _entries(page.get_data(as_text=True))
    assert any("Booked" in r and made.reference in r and "organiser@example.org" in r
               for r in rows)
    changed = [r for r in rows if "Changed workshop" in r]
    assert changed, rows
    assert "capacity: 30 → 40" in changed[0]
    assert rows.index(changed[0]) < next(i for i, r in enumerate(rows) if "Booked" in r), \
        "newest first"
    # London time, written the GOV.UK way.
    assert re.search(r"\w+day \d{1,2} \w+ \d{4}, \d{1,2}(:\d\d)?(am|pm)|midday", rows[0])

    everything = _entries(signed_in.get("/organiser/audit").get_data(as_text=True))
    assert any("signed in" in r.lower() for r in everything), "staff actions too"
    assert any(workshop.display_title in r for r in everything)


def test_workshop_page_links_to_its_audit_log(signed_in):
    workshop = make_workshop()
    page = signed_in.get(f"/organiser/workshops/{workshop.id}").get_data(as_text=True)
    assert f'href="/organiser/workshops/{workshop.id}/audit"' in page


def test_one_workshop_shows_only_its_own_entries(signed_in, organiser):
    mine = make_workshop()
    other = make_workshop(region="london")
    booking.book(mine.id, _delegate(1), actor=organiser)
    theirs = booking.book(other.id, _delegate(2), actor=organiser)
    rows = _entries(signed_in.get(f"/organiser/workshops/{mine.id}/audit").get_data(as_text=True))
    assert rows and not any(theirs.reference in r for r in rows)


def test_unknown_workshop_is_404(signed_in):
    assert signed_in.get("/organiser/workshops/999999/audit").status_code == 404


def test_empty_log_says_so(signed_in):
    workshop = make_workshop()
    page = signed_in.get(f"/organiser/workshops/{workshop.id}/audit").get_data(as_text=True)
    assert "Nothing has been recorded yet" in page


# --- what each entry is about ----------------------------------------------------------------

def test_entries_name_the_series_venue_workshop_and_staff_they_are_about(signed_in, organiser):
    series = catalogue_admin.create_series(
        {"title": "Neglect and its consequences", "theme": "Safeguarding"}, actor=organiser)
    venue = catalogue_admin.create_venue(
        {"name": "Civic Centre", "address": "Barras Bridge", "town": "Newcastle upon Tyne",
         "postcode": "NE1 8QH"}, actor=organiser)
    workshop = make_workshop(series=series, venue=venue, region="london",
                             starts_at=datetime(2030, 3, 12, 9, 30, tzinfo=UTC))
    scheduling.update_workshop(workshop.id, {"capacity": 40}, actor=organiser)
    screener, nameless = make_staff(Role.SCREENER), make_staff(Role.PANEL_MEMBER)
    screener.name, nameless.name = "Jo Bloggs", ""
    db.session.commit()
    admin = make_staff(Role.ADMIN)
    staff.change_role(screener.id, Role.PANEL_CHAIR, actor=admin)
    staff.change_role(nameless.id, Role.SCREENER, actor=admin)
    # What has gone since keeps the wording it had: its kind and its id.
    db.session.add_all([AuditEntry(actor_label=admin.email, action=f"archived {entity}",
                                   entity=entity, entity_id=999_999, details={})
                        for entity in ("series", "venue", "user", "workshop")])
    db.session.commit()

    rows = _entries(signed_in.get("/organiser/audit").text)

    def row(action: str) -> str:
        return next(r for r in rows if action in r)

    assert "Series: Neglect and its consequences" in row("Created series")
    assert "Venue: Civic Centre, Newcastle upon Tyne" in row("Created venue")
    assert ("Workshop: Neglect and its consequences: London, Tuesday 12 March 2030"
            in row("Changed workshop"))
    changed_roles = [r for r in rows if "Changed role" in r]
    assert any("Staff account: Jo Bloggs" in r for r in changed_roles), changed_roles
    # Whoever has no name goes by their address.
    assert any(f"Staff account: {nameless.email}" in r for r in changed_roles), changed_roles
    for id_only in (f"Series {series.id}", f"Venue {venue.id}", f"Workshop {workshop.id}",
                    f"Staff account {screener.id}", f"Staff account {nameless.id}"):
        assert not any(id_only in r for r in rows), id_only
    for gone in ("Series 999999", "Venue 999999", "Staff account 999999", "Workshop 999999"):
        assert any(gone in r for r in rows), (gone, rows)


def test_entries_name_the_message_sent_and_the_booking_moved_to(signed_in, organiser):
    north = make_workshop()
    london = make_workshop(series=north.series, region="london")
    made = booking.book(north.id, _delegate(1), actor=organiser)
    moved = booking.move(made.id, london.id, actor=organiser)
    messaging.send_message(london, "confirmed", "Room change", "We meet in room 2.", organiser)

    rows = _entries(signed_in.get(f"/organiser/workshops/{north.id}/audit").text)
    out = next(r for r in rows if "Moved to another workshop" in r)
    assert f"to booking: {moved.reference}" in out
    rows = _entries(signed_in.get(f"/organiser/workshops/{london.id}/audit").text)
    sent = next(r for r in rows if "Sent message" in r)
    assert "Message: Room change" in sent
    moved_in = next(r for r in rows if "Booked, moved from another workshop" in r)
    assert f"from booking: {made.reference}" in moved_in

    # A message since gone, and a move's other booking since gone, keep their ids.
    db.session.add_all([
        AuditEntry(actor_label=organiser.email, action="sent message", entity="message",
                   entity_id=999_999, workshop_id=london.id, details={}),
        AuditEntry(actor_label=organiser.email, action="moved to another workshop",
                   entity="booking", entity_id=999_999, workshop_id=london.id,
                   details={"to_booking": 999_998})])
    db.session.commit()
    rows = _entries(signed_in.get(f"/organiser/workshops/{london.id}/audit").text)
    for gone in ("Message 999999", "Booking 999999", "to booking: 999998"):
        assert any(gone in r for r in rows), (gone, rows)


# --- filters -----------------------------------------------------------------------------

def test_filter_by_action_and_by_who(signed_in, organiser, app):
    workshop = make_workshop()
    booking.book(workshop.id, _delegate(1), actor=organiser)
    booking.book(workshop.id, _delegate(2))  # booked by the delegate, through the public form
    url = f"/organiser/workshops/{workshop.id}/audit"

    page = signed_in.get(url, query_string={"action": "booked"}).get_data(as_text=True)
    rows = _entries(page)
    assert len(rows) == 2 and all("Booked" in r for r in rows)
    assert '<option value="booked" selected' in page

    rows = _entries(signed_in.get(url, query_string={"who": "ORGANISER@"}).get_data(as_text=True))
    assert len(rows) == 1 and "organiser@example.org" in rows[0]

    rows = _entries(signed_in.get(url, query_string={"action": "booked", "who": "delegate"})
                    .get_data(as_text=True))
    assert len(rows) == 1 and "delegate" in rows[0]

    page = signed_in.get(url, query_string={"action": "no such action"}).get_data(as_text=True)
    assert _entries(page) == [] and "No entries match these filters" in page

    # A wildcard typed into "who" is matched as itself, not as "anything".
    assert _entries(signed_in.get(url, query_string={"who": "%"}).get_data(as_text=True)) == []


def test_filter_by_date_range_in_london_days(signed_in):
    workshop = make_workshop()
    # 23:30 UTC on 31 March 2010 is 00:30 on 1 April in London (BST).
    for at, label in ((datetime(2010, 3, 30, 12, tzinfo=UTC), "march-30@example.org"),
                      (datetime(2010, 3, 31, 23, 30, tzinfo=UTC), "april-1@example.org"),
                      (datetime(2010, 4, 2, 12, tzinfo=UTC), "april-2@example.org")):
        db.session.add(AuditEntry(at=at, actor_label=label, action="changed workshop",
                                  entity="workshop", entity_id=workshop.id,
                                  workshop_id=workshop.id, details={}))
    db.session.commit()
    url = f"/organiser/workshops/{workshop.id}/audit"

    def who(query: list[tuple[str, str]]) -> list[str]:
        response = signed_in.get(url, query_string=query)
        assert response.status_code == 200
        return [re.search(r"(\S+)@example\.org", r)[1] for r in
                _entries(response.get_data(as_text=True))]

    assert who([("date_from", "1"), ("date_from", "4"), ("date_from", "2010")]) == [
        "april-2", "april-1"]
    assert who([("date_to", "1"), ("date_to", "4"), ("date_to", "2010")]) == [
        "april-1", "march-30"]
    assert who([("date_from", "1"), ("date_from", "4"), ("date_from", "2010"),
                ("date_to", "1"), ("date_to", "4"), ("date_to", "2010")]) == ["april-1"]


@pytest.mark.parametrize(("query", "message"), [
    ([("date_from", "31"), ("date_from", "2"), ("date_from", "2010")],
     "The from date must be a real date"),
    ([("date_from", "1"), ("date_from", ""), ("date_from", "2010")],
     "The from date must include a month"),
    ([("date_to", "1"), ("date_to", "4"), ("date_to", "10")], "Year must include 4 numbers"),
    ([("date_from", "2"), ("date_from", "4"), ("date_from", "2010"),
      ("date_to", "1"), ("date_to", "4"), ("date_to", "2010")],
     "The to date must be the same as or after the from date"),
])
def test_invalid_dates_get_messages_beside_the_fields(signed_in, query, message):
    workshop = make_workshop()
    _add_entries(3, workshop)
    response = signed_in.get("/organiser/audit", query_string=query)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "govuk-error-summary" in page
    assert page.count(message) >= 2, "in the summary and beside the field"
    assert "govuk-error-message" in page
    assert _entries(page) == []
    field = query[-1][0]
    assert f'href="#{field}-day"' in page, "the summary links to the first box"
    # What was typed is shown back.
    assert f'value="{query[-3][1]}"' in page


def test_garbage_page_numbers_do_not_fail(signed_in):
    workshop = make_workshop()
    _add_entries(3, workshop)
    for page in ("0", "-3", "abc", "99999"):
        response = signed_in.get(f"/organiser/workshops/{workshop.id}/audit",
                                 query_string={"page": page})
        assert response.status_code == 200
        assert len(_entries(response.get_data(as_text=True))) == 3


# --- pages -------------------------------------------------------------------------------

def test_pagination_fifty_a_page_keeping_the_filters(signed_in):
    workshop = make_workshop()
    _add_entries(120, workshop)
    url = f"/organiser/workshops/{workshop.id}/audit"
    first = signed_in.get(url, query_string={"action": "changed workshop"}).get_data(as_text=True)
    rows = _entries(first)
    assert len(rows) == 50
    assert "n: 119" in rows[0], "newest first"
    assert "Showing 1 to 50 of 120 entries" in first
    assert "govuk-pagination" in first
    assert 'aria-current="page"' in first
    # Every page link keeps the filter.
    links = re.findall(r'class="govuk-link govuk-pagination__link" href="([^"]+)"', first)
    assert links and all("action=changed+workshop" in link.replace("&amp;", "&")
                         for link in links)

    last = signed_in.get(url, query_string={"action": "changed workshop", "page": 3})
    rows = _entries(last.get_data(as_text=True))
    assert len(rows) == 20 and "n: 19" in rows[0] and "n: 0" in rows[-1]
    assert "Showing 101 to 120 of 120 entries" in last.get_data(as_text=True)


# --- access ------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/organiser/audit", "/organiser/workshops/{id}/audit"])
def test_only_organisers_and_admins(app, client, path):
    workshop = make_workshop()
    url = path.format(id=workshop.id)
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/staff/login" in anonymous.headers["Location"]

    for role in (Role.SCREENER, Role.PANEL_MEMBER, Role.PANEL_CHAIR):
        staff = make_staff(role)
        login(client, staff)
        assert client.get(url).status_code == 403, role
        client.post("/staff/logout")

    for role in (Role.ORGANISER, Role.ADMIN):
        login(client, make_staff(role))
        assert client.get(url).status_code == 200, role
        client.post("/staff/logout")


# --- cost --------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/organiser/audit", "/organiser/workshops/{id}/audit"])
def test_constant_query_count(signed_in, organiser, path):
    def statements_with(entries: int) -> int:
        db.session.execute(AuditEntry.__table__.delete())
        db.session.commit()
        workshops = [make_workshop(region=region) for region in ("london", "south-east")]
        for workshop in workshops:
            _add_entries(entries // 2, workshop)
        # Entries about series, venues and staff, whose names are read for the page.
        db.session.add_all([
            AuditEntry(actor_label="bulk@example.org", action=f"changed {entity}",
                       entity=entity, entity_id=entity_id, workshop_id=workshop.id, details={})
            for workshop in workshops for _ in range(entries // 10)
            for entity, entity_id in (("series", workshop.series_id),
                                      ("venue", workshop.venue_id), ("user", organiser.id))])
        db.session.commit()
        # Booking entries too, so that the references are looked up.
        for n in range(3):
            booking.book(workshops[n % 2].id, _delegate(len(workshops) * 1000 + n + entries),
                         actor=organiser)
        url = path.format(id=workshops[0].id)
        with counting() as statements:
            response = signed_in.get(url)
        assert response.status_code == 200
        assert _entries(response.get_data(as_text=True))
        return len(statements)

    few, many = statements_with(10), statements_with(200)
    assert few == many
    assert many <= 10


def test_actions_and_what_they_are_about_read_as_words(app) -> None:
    admin = make_staff(Role.ADMIN)
    db.session.add_all([
        AuditEntry(actor_label="public", action="email_confirmed", entity="submission",
                   entity_id=7, details={}),
        AuditEntry(actor_label=admin.email, action="role changed", entity="user",
                   entity_id=admin.id, details={}),
    ])
    db.session.commit()
    client = app.test_client()
    login(client, admin)
    page = client.get("/organiser/audit").text
    rows = _entries(page)
    assert any("Email confirmed" in row and "Submission 7" in row for row in rows), rows
    assert any("Role changed" in row and f"Staff account: {admin.name}" in row for row in rows)
    assert "Email_confirmed" not in page and ">Email confirmed</option>" in page

