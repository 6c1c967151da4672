"""The series dashboard: the right numbers, a fixed number of queries, charts anyone can read."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest
from flask import g
from sqlalchemy import event, insert, update

from tests.conftest import doors_open, make_workshop
from workshops import booking, charts, checkin, clock, scheduling
from workshops.extensions import db
from workshops.models import Booking, Series, Theme, Workshop

SECTOR_CYCLE = ["health", "education", "children-social-care", "police", "voluntary", "other"]


def insert_bookings(workshop: Workshop, count: int, *, first_number: int = 0,
                    status: str = "confirmed", organisations: Sequence[str] = ("Council",),
                    sectors: Sequence[str] = SECTOR_CYCLE, start: datetime | None = None,
                    weeks: int = 1, **fields: object) -> None:
    """`count` bookings in one INSERT, spread over `weeks` weeks from `start`: for volume.

    `fields` are set on every one (checked_in_at=..., say).
    """
    start = start or clock.now() - timedelta(weeks=weeks)
    step = timedelta(weeks=weeks) / max(count, 1)
    rows = []
    for n in range(first_number, first_number + count):
        email = f"bulk-{workshop.id}-{n}@example.org"
        organisation = organisations[n % len(organisations)]
        rows.append({
            "workshop_id": workshop.id, "status": status, "name": f"Delegate {n}",
            "email": email, "email_key": email, "organisation": organisation,
            "organisation_key": organisation.casefold(), "sector": sectors[n % len(sectors)],
            "region": workshop.region,
            "created_at": start + step * (n - first_number),
            "waiting_since": start if status == "waiting" else None,
            **fields,
        })
    db.session.execute(insert(Booking), rows)
    db.session.commit()


# --- a small HTML reader, enough to find tables, cells and figures ---------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr", "path", "rect", "line", "circle", "polyline"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node] = field(default_factory=list)
    text_parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        parts = list(self.text_parts)
        for child in self.children:
            parts.append(child.text)
        return " ".join(" ".join(parts).split())

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            yield from child.walk()

    def find_all(self, tag: str, **attrs: str) -> list[Node]:
        return [node for node in self.walk() if node.tag == tag
                and all(node.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())]

    def find(self, tag: str, **attrs: str) -> Node:
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag} {attrs}>"
        return found[0]


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].text_parts.append(data)


def read_html(html: str) -> Node:
    reader = _Reader()
    reader.feed(html)
    return reader.root


def figures_table(page: Node) -> dict[str, dict[str, int]]:
    """The dashboard's table: {row heading: {figure: number}}."""
    table = page.find("table", id="series-figures")
    rows = {}
    for row in table.find("tbody").find_all("tr"):
        heading = row.find("th")
        links = heading.find_all("a")  # a workshop's region; its date follows the link
        rows[links[0].text if links else heading.text] = {cell.attrs["data-figure"]: int(cell.text)
                                     for cell in row.find_all("td") if "data-figure" in cell.attrs}
    return rows


def chart_rows(page: Node, chart_id: str) -> list[tuple[str, str]]:
    """The text alternative of one chart: (label, value) per row."""
    figure = page.find("figure", id=chart_id)
    return [(row.find("th").text, row.find("td").text)
            for row in figure.find("tbody").find_all("tr")]


# --- fixtures -------------------------------------------------------------------------------

def _delegate(n: int, **overrides: str) -> booking.Delegate:
    values = {"name": f"Delegate {n}", "email": f"d{n}@example.org",
              "organisation": "Newcastle City Council", "sector": "children-social-care",
              "region": "north-east"}
    values.update(overrides)
    return booking.Delegate(**values)


def _dashboard(client, series_id: int) -> Node:  # noqa: ANN001
    response = client.get(f"/organiser/series/{series_id}/dashboard")
    assert response.status_code == 200
    return read_html(response.get_data(as_text=True))


# --- the numbers ----------------------------------------------------------------------------

@pytest.fixture()
def small_series(app, organiser) -> Series:
    """North East (3 places): 2 confirmed, 1 offered, 1 waiting, 1 cancelled; one delegate
    checked in and one marked a no-show. London (4 places): 1 confirmed."""
    north_east = make_workshop(capacity=3)
    london = make_workshop(series=north_east.series, region="london", capacity=4)
    made = [booking.book(north_east.id, _delegate(n, sector=sector, organisation=organisation))
            for n, sector, organisation in (
                (1, "health", "Newcastle City Council"), (2, "health", "Gateshead Council"),
                (3, "police", "Northumbria Police"), (4, "education", "Gateshead Council"))]
    booking.cancel(made[0].id)  # its place is offered to delegate 4
    booking.book(north_east.id, _delegate(5, organisation="Durham County Council"))
    app.config["CLOCK_OFFSET"] = doors_open(north_east)  # check-in opens on the day
    checkin.check_in(made[1].id, actor=organiser)
    app.config["CLOCK_OFFSET"] = None
    booking.book(london.id, _delegate(6, sector="voluntary", organisation="NSPCC"))
    # Set directly: marking no-shows waits for the workshop to start.
    db.session.execute(update(Booking).where(Booking.id == made[2].id)
                       .values(no_show_at=clock.now()))
    db.session.commit()
    return north_east.series


def test_table_shows_each_workshop_and_the_series_totals(signed_in, small_series):
    page = _dashboard(signed_in, small_series.id)
    assert figures_table(page) == {
        "North East": {"capacity": 3, "confirmed": 2, "offered": 1, "waiting": 1,
                       "cancelled": 1, "attended": 1, "no_shows": 1},
        "London": {"capacity": 4, "confirmed": 1, "offered": 0, "waiting": 0,
                   "cancelled": 0, "attended": 0, "no_shows": 0},
        "All workshops": {"capacity": 7, "confirmed": 3, "offered": 1, "waiting": 1,
                          "cancelled": 1, "attended": 1, "no_shows": 1},
    }


def _row_tags(page: Node) -> dict[str, str]:
    """The status tag beside each workshop's name in the table, if it has one."""
    rows = page.find("table", id="series-figures").find("tbody").find_all("tr")
    return {row.find("th").find("a").text: " ".join(tag.text for tag in row.find("th").walk()
                                                   if "govuk-tag" in tag.attrs.get("class", ""))
            for row in rows if row.find("th").find_all("a")}


def test_cancelled_and_draft_workshops_are_marked_and_left_out_of_the_totals_places(
        signed_in, organiser, small_series):
    cancelled = make_workshop(series=small_series, region="north-west", capacity=80)
    booking.book(cancelled.id, _delegate(7))
    scheduling.cancel_workshop(cancelled.id, actor=organiser)
    make_workshop(series=small_series, region="south-west", capacity=50, status="draft")
    page = _dashboard(signed_in, small_series.id)
    table = figures_table(page)
    assert table["North West"]["capacity"] == 80 and table["South West"]["capacity"] == 50
    # North East's 3 places and London's 4: not the 80 cancelled nor the 50 in a draft.
    assert table["All workshops"]["capacity"] == 7
    assert table["All workshops"]["cancelled"] == 2  # the cancelled workshop's booking too
    assert _row_tags(page) == {"North East": "", "London": "", "North West": "Cancelled",
                               "South West": "Draft"}
    said = "1 cancelled workshop (North West) and 1 draft workshop (South West)"
    assert page.find("p", id="left-out-of-totals").text == (
        f"Totals leave out the places at {said}: they are not on offer.")
    # No "0%" bar for a workshop no one can book.
    assert chart_rows(page, "chart-fill-rate") == [("North East", "67%"), ("London", "25%")]
    assert page.find("p", id="left-out-of-fill-rate").text == f"The chart leaves out {said}."


def test_a_series_of_published_workshops_leaves_nothing_out(signed_in, small_series):
    page = _dashboard(signed_in, small_series.id)
    assert not page.find_all("p", id="left-out-of-totals")
    assert set(_row_tags(page).values()) == {""}


def test_a_series_with_only_a_draft_says_none_is_published(signed_in):
    draft = make_workshop(status="draft", capacity=30)
    page = _dashboard(signed_in, draft.series_id)
    assert figures_table(page)["All workshops"]["capacity"] == 0
    assert "No workshop in this series has been published yet." in page.find(
        "figure", id="chart-fill-rate").text


def test_charts_show_the_same_figures(signed_in, small_series):
    page = _dashboard(signed_in, small_series.id)
    assert chart_rows(page, "chart-fill-rate") == [("North East", "67%"), ("London", "25%")]
    # Delegates are confirmed places: not the offered, waiting or cancelled bookings.
    assert chart_rows(page, "chart-sectors") == [
        ("Health", "1"), ("Police", "1"), ("Voluntary and community sector", "1")]
    assert chart_rows(page, "chart-organisations") == [
        ("Gateshead Council", "1"), ("Northumbria Police", "1"), ("NSPCC", "1")]
    # Every booking made counts towards the running total, whatever its status now.
    assert chart_rows(page, "chart-bookings-by-week")[-1][1] == "6"


def test_organisations_beyond_the_top_ten_are_one_row(signed_in):
    workshop = make_workshop(capacity=100)
    # Organisation n sends n + 1 delegates; spellings differ only in case.
    names = [f"Council {n:02d}" for n in range(12)]
    weighted = [name if i % 2 else name.upper() for i, name in
                enumerate(name for n, name in enumerate(names) for _ in range(n + 1))]
    insert_bookings(workshop, len(weighted), organisations=weighted)
    rows = chart_rows(_dashboard(signed_in, workshop.series_id), "chart-organisations")
    assert [number for _, number in rows] == ["12", "11", "10", "9", "8", "7", "6", "5", "4",
                                             "3", "3"]
    assert rows[0][0] in ("Council 11", "COUNCIL 11") and rows[-1][0] == (
        "All other organisations")


def test_all_other_organisations_do_not_shrink_the_top_ten_bars(signed_in):
    """391 delegates from the long tail once drew the top bars as slivers beside theirs."""
    workshop = make_workshop(capacity=1000)
    top = [f"Council {n:02d}" for n in range(10) for _ in range(20 - n)]  # 20 down to 11
    tail = [f"Charity {n:03d}" for n in range(100) for _ in range(4)]  # 400 all told
    insert_bookings(workshop, len(top) + len(tail), organisations=top + tail)
    page = _dashboard(signed_in, workshop.series_id)
    assert chart_rows(page, "chart-organisations")[-1] == ("All other organisations", "400")
    svg = page.find("figure", id="chart-organisations").find("svg")
    bars = [float(rect.attrs["width"]) for rect in svg.find_all("rect", fill=charts.BAR_COLOUR)]
    assert len(bars) == 10, "a bar for each of the top ten, none for everyone else"
    # The largest organisation's bar runs most of the way across, not a twentieth of it.
    assert bars[0] == max(bars) > 0.8 * float(svg.attrs["viewbox"].split()[2])
    assert "All other organisations" in svg.text and "400" in svg.text
    assert svg.find("desc").text.endswith("All other organisations: 400, not drawn as a bar.")


def test_weeks_are_london_weeks_with_the_quiet_ones_included(signed_in):
    workshop = make_workshop()
    # Sunday 6 June 2027, 11:30pm UTC is Monday 7 June, 12:30am in London (summer time).
    for moment in (datetime(2027, 5, 24, 10, tzinfo=UTC), datetime(2027, 6, 6, 23, 30,
                                                                     tzinfo=UTC)):
        insert_bookings(workshop, 1, first_number=moment.day, start=moment)
    rows = chart_rows(_dashboard(signed_in, workshop.series_id), "chart-bookings-by-week")
    assert rows == [("24 May 2027", "1"), ("31 May 2027", "1"), ("7 June 2027", "2")]


# --- the cost -------------------------------------------------------------------------------

def _queries_for(client, path: str) -> list[str]:  # noqa: ANN001
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:  # noqa: ANN001
        statements.append(statement)

    # Nothing cached from setting up or an earlier request (the test client's requests share
    # the test's app context, and with it Flask-Login's user): every query the page needs.
    db.session.remove()
    g.pop("_login_user", None)
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return statements


def test_same_number_of_queries_for_ten_and_a_thousand_bookings(signed_in):
    north_east = make_workshop(capacity=2000)
    london = make_workshop(series=north_east.series, region="london", capacity=2000)
    ids = north_east.id, london.id
    path = f"/organiser/series/{north_east.series_id}/dashboard"
    insert_bookings(north_east, 10)
    few = _queries_for(signed_in, path)

    north_east, london = (db.session.get(Workshop, workshop_id) for workshop_id in ids)
    organisations = [f"Organisation {n}" for n in range(60)]
    insert_bookings(north_east, 600, first_number=10, organisations=organisations, weeks=20)
    insert_bookings(london, 300, organisations=organisations, weeks=30)
    insert_bookings(london, 90, first_number=300, status="waiting", weeks=3)
    many = _queries_for(signed_in, path)

    assert len(many) == len(few), "\n\n".join(many)
    assert len(many) <= 10, "\n\n".join(many)
    page = read_html(signed_in.get(path).get_data(as_text=True))
    assert figures_table(page)["All workshops"]["confirmed"] == 910


# --- the charts as HTML ---------------------------------------------------------------------

def test_charts_are_named_images_with_a_table_of_their_figures(signed_in, small_series):
    page = _dashboard(signed_in, small_series.id)
    figures = page.find_all("figure")
    assert len(figures) == 4
    for figure in figures:
        svg = figure.find("svg")
        assert svg.attrs["role"] == "img"
        title = figure.find("title", id=svg.attrs["aria-labelledby"])
        desc = figure.find("desc", id=svg.attrs["aria-describedby"])
        assert title.text == figure.find("figcaption").text
        assert desc.text.startswith(title.text) and desc.text.endswith(".")
        table = figure.find("details").find("table")
        assert table.attrs["class"].startswith("govuk-table")
        # Each figure drawn is written in the table, and in the picture beside its bar.
        for label, value in chart_rows(page, figure.attrs["id"]):
            assert label and value
            if figure.attrs["id"] != "chart-bookings-by-week":
                assert label in svg.text and value in svg.text


def test_labels_are_escaped(signed_in):
    workshop = make_workshop()
    booking.book(workshop.id, _delegate(1, organisation="<script>alert(1)</script>"))
    html = signed_in.get(f"/organiser/series/{workshop.series_id}/dashboard").get_data(
        as_text=True)
    assert "<script>alert(1)" not in html
    # In the picture's label and summary, and in the table.
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 3
    assert chart_rows(read_html(html), "chart-organisations") == [
        ("<script>alert(1)</script>", "1")]


def test_a_series_without_workshops_or_bookings_says_so(signed_in):
    theme = Theme(slug="safeguarding", name="Safeguarding")
    series = Series(slug="empty", title="Empty", theme=theme)
    db.session.add(series)
    db.session.commit()
    page = _dashboard(signed_in, series.id)
    assert "There are no workshops in this series yet" in page.text
    assert not page.find_all("svg")
    assert "No one has booked yet" in page.text


def test_the_organiser_dashboard_links_to_each_series_dashboard(signed_in):
    workshop = make_workshop()
    page = signed_in.get("/organiser/").get_data(as_text=True)
    assert f'href="/organiser/series/{workshop.series_id}/dashboard"' in page


def test_unknown_series_is_not_found(signed_in):
    assert signed_in.get("/organiser/series/999/dashboard").status_code == 404


# --- the chart functions on their own -------------------------------------------------------

def test_bar_chart_escapes_labels_and_keeps_bars_inside_the_picture():
    html = str(charts.bar_chart("Fill <rate>", [("A & B", 150), ("<b>", -5), ("C", 0)],
                                maximum=100, unit="%"))
    assert "A &amp; B" in html and "&lt;b&gt;" in html and "<b>" not in html
    assert "Fill &lt;rate&gt;" in html
    svg = read_html(html).find("svg")
    width = float(svg.attrs["viewbox"].split()[2])  # the parser lower-cases names
    bars = [float(rect.attrs["width"]) for rect in svg.find_all("rect", fill=charts.BAR_COLOUR)]
    assert all(0 <= bar < width for bar in bars)  # 150% is the longest; -5 draws nothing
    assert bars[0] == max(bars) and bars[1] == 0


def test_long_labels_are_shortened_in_the_picture_only():
    name = "Royal Borough of Kensington and Chelsea Children’s Services Department " * 2
    page = read_html(str(charts.bar_chart("Organisations", [(name.strip(), 3)])))
    drawn = page.find("svg").find_all("text")[0].text
    assert drawn.endswith("…") and len(drawn) < len(name)
    assert page.find("tbody").find("th").text == name.strip()


def test_a_remainder_alone_is_a_figure_without_a_bar():
    page = read_html(str(charts.bar_chart("Organisations", [], remainder=("All others", 7))))
    assert not page.find("svg").find_all("rect")
    assert page.find("desc").text == "Organisations. All others: 7, not drawn as a bar."
    assert chart_rows(page, "chart-organisations") == [("All others", "7")]


def test_line_chart_with_one_point_and_an_empty_chart():
    page = read_html(str(charts.line_chart("Bookings", [("1 March 2010", 4)])))
    assert page.find("desc").text == "Bookings: 1 March 2010, 4."
    empty = read_html(str(charts.bar_chart("Nothing", [], empty_message="Nothing yet.")))
    assert not empty.find_all("svg") and "Nothing yet." in empty.text


@pytest.mark.parametrize(("top", "ticks"), [(0, [0, 1]), (3, [0, 1, 2, 3]),
                                            (7, [0, 2, 4, 6, 8]), (910, [0, 200, 400, 600,
                                                                          800, 1000])])
def test_gridlines_fall_on_round_numbers(top, ticks):
    assert charts.nice_ticks(top) == ticks
