"""A series at a glance: places and attendance at each workshop, and who is coming.

Every figure comes from a GROUP BY in the database, so the page costs the same few queries for
ten bookings or ten thousand: the series with its workshops and venues, then one query each
for the counts by status, the sectors, the organisations and the weeks. Nothing here loads a
booking.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask import render_template
from markupsafe import Markup
from sqlalchemy import ColumnElement, func, literal_column, select
from sqlalchemy.orm import selectinload

from workshops import charts, clock
from workshops.extensions import db
from workshops.formatting import and_list
from workshops.models import SECTORS, Booking, BookingStatus, Series, Workshop, WorkshopStatus
from workshops.views.organiser import bp

TOP_ORGANISATIONS = 10
# Workshops whose places are on offer, or were: the others' capacity is no one's to book, so
# counting it would make the series look emptier than it is.
OFFERS_PLACES = (WorkshopStatus.PUBLISHED, WorkshopStatus.FINISHED)


@dataclass(frozen=True)
class WorkshopFigures:
    """One workshop's row of the table (or the series' totals, with no workshop)."""

    workshop: Workshop | None
    capacity: int
    confirmed: int = 0
    offered: int = 0
    waiting: int = 0
    cancelled: int = 0
    attended: int = 0
    no_shows: int = 0

    @property
    def fill_rate(self) -> float:
        """Confirmed places as a percentage of capacity."""
        return 100 * self.confirmed / self.capacity if self.capacity else 0.0

    @property
    def offers_places(self) -> bool:
        """Whether this workshop's capacity counts in the series' totals and fill rates: not
        a draft's (nothing on offer yet) nor a cancelled one's (nothing on offer any more)."""
        return self.workshop is None or self.workshop.status in OFFERS_PLACES


def _in_series(series_id: int) -> ColumnElement[bool]:
    return Booking.workshop_id.in_(select(Workshop.id).where(Workshop.series_id == series_id))


def workshop_figures(series: Series) -> list[WorkshopFigures]:
    """Each workshop's bookings by status, and attendance among the confirmed: one query."""
    # Attended and no-shows as on the workshop page (attendance.counts): among confirmed
    # delegates, and arriving wins over an earlier no-show mark.
    arrived = Booking.checked_in_at.is_not(None)
    missed = Booking.checked_in_at.is_(None) & Booking.no_show_at.is_not(None)
    rows = db.session.execute(
        select(Booking.workshop_id, Booking.status, func.count(Booking.id),
               func.count(Booking.id).filter(arrived), func.count(Booking.id).filter(missed))
        .where(_in_series(series.id))
        .group_by(Booking.workshop_id, Booking.status))
    by_status: dict[int, Counter] = {w.id: Counter() for w in series.workshops}
    attendance: dict[int, tuple[int, int]] = {}
    for workshop_id, status, number, attended, no_shows in rows:
        by_status[workshop_id][status] = number
        if status == BookingStatus.CONFIRMED:
            attendance[workshop_id] = (attended, no_shows)
    return [
        WorkshopFigures(
            workshop=w, capacity=w.capacity,
            confirmed=by_status[w.id][BookingStatus.CONFIRMED],
            offered=by_status[w.id][BookingStatus.OFFERED],
            waiting=by_status[w.id][BookingStatus.WAITING],
            cancelled=by_status[w.id][BookingStatus.CANCELLED],
            attended=attendance.get(w.id, (0, 0))[0],
            no_shows=attendance.get(w.id, (0, 0))[1])
        for w in series.workshops]


def totals(figures: list[WorkshopFigures]) -> WorkshopFigures:
    """The series' row: every booking counted, but only the capacity of workshops that offer
    places (bookings at a cancelled workshop were made, and cancelled, all the same)."""
    return WorkshopFigures(
        workshop=None, capacity=sum(f.capacity for f in figures if f.offers_places),
        **{name: sum(getattr(f, name) for f in figures)
           for name in ("confirmed", "offered", "waiting", "cancelled", "attended",
                        "no_shows")})


def left_out_of_totals(figures: list[WorkshopFigures]) -> str:
    """'1 cancelled workshop (London) and 2 draft workshops (Wales, South East)', or ''."""
    parts = []
    for status in (WorkshopStatus.CANCELLED, WorkshopStatus.DRAFT):
        names = [f.workshop.region_name for f in figures
                 if f.workshop is not None and f.workshop.status == status]
        if names:
            plural = "" if len(names) == 1 else "s"
            parts.append(f"{len(names)} {status} workshop{plural} ({', '.join(names)})")
    return and_list(parts)


def delegates_by_sector(series_id: int) -> list[tuple[str, int]]:
    """Confirmed delegates per sector, largest first, in the words of the booking form."""
    count = func.count(Booking.id)
    rows = db.session.execute(
        select(Booking.sector, count)
        .where(_in_series(series_id), Booking.status == BookingStatus.CONFIRMED)
        .group_by(Booking.sector).order_by(count.desc(), Booking.sector))
    return [(SECTORS.get(sector, sector) if sector else "Not given", number)
            for sector, number in rows]


def top_organisations(series_id: int,
                      confirmed: int) -> tuple[list[tuple[str, int]], tuple[str, int] | None]:
    """The organisations sending most delegates, and everyone else as one figure (or None).

    Grouped by the normalised key booking uses for its per-organisation limit, so "Leeds City
    Council" and "leeds city council " count as one; the name shown is one of its spellings.
    """
    count = func.count(Booking.id)
    name = func.min(Booking.organisation)
    rows = [(organisation, number) for organisation, number in db.session.execute(
        select(name, count)
        .where(_in_series(series_id), Booking.status == BookingStatus.CONFIRMED)
        # Ties in key order: lower-case keys sort alike on SQLite and PostgreSQL.
        .group_by(Booking.organisation_key).order_by(count.desc(), Booking.organisation_key)
        .limit(TOP_ORGANISATIONS))]
    others = confirmed - sum(number for _, number in rows)
    return rows, (("All other organisations", others) if others > 0 else None)


def _utc_hour(column: ColumnElement) -> ColumnElement[str]:
    """The UTC hour a stored time falls in, as 'YYYY-MM-DD HH' text, worked out by the database.

    Hours rather than days because London's offset from UTC is a whole number of hours: a
    booking at 11:30pm UTC on a summer Sunday is made on Monday in London, and so in the next
    week. SQLite has no time zones, so the hours come back and Python finds the London week.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        return func.to_char(column, literal_column("'YYYY-MM-DD HH24'"))
    return func.strftime(literal_column("'%Y-%m-%d %H'"), column)


def _week_start(hour: str) -> date:
    local = clock.london(datetime.strptime(hour, "%Y-%m-%d %H").replace(tzinfo=UTC)).date()
    return local - timedelta(days=local.weekday())


def bookings_by_week(series_id: int) -> list[tuple[date, int]]:
    """Bookings made (of any status now) in each London week, Monday to Sunday, running total.

    Weeks with no bookings between the first and the last are included, so the line's
    spacing is time.
    """
    hour = _utc_hour(Booking.created_at).label("hour")
    made: Counter[date] = Counter()
    for bucket, number in db.session.execute(
            select(hour, func.count(Booking.id)).where(_in_series(series_id)).group_by(hour)):
        made[_week_start(bucket)] += number
    if not made:
        return []
    weeks, week, running = [], min(made), 0
    while week <= max(made):
        running += made[week]
        weeks.append((week, running))
        week += timedelta(weeks=1)
    return weeks


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _percent(value: float) -> str:
    return f"{value:.0f}%"


def series_charts(series: Series, figures: list[WorkshopFigures],
                  total: WorkshopFigures) -> dict[str, Markup]:
    organisations, others = top_organisations(series.id, total.confirmed)
    return {
        "fill_rate": charts.bar_chart(
            "Places filled, by region", [(f.workshop.region_name, f.fill_rate)
                                        for f in figures if f.offers_places],
            maximum=100, value_format=_percent, chart_id="chart-fill-rate",
            label_heading="Region", value_heading="Places filled",
            empty_message="No workshop in this series has been published yet."
            if figures else "There are no workshops in this series yet."),
        "bookings_by_week": charts.line_chart(
            "Bookings made, running total by week",
            [(_day(week), number) for week, number in bookings_by_week(series.id)],
            chart_id="chart-bookings-by-week", label_heading="Week beginning",
            value_heading="Bookings made so far",
            empty_message="No one has booked yet."),
        "sectors": charts.bar_chart(
            "Delegates by sector", delegates_by_sector(series.id), chart_id="chart-sectors",
            label_heading="Sector", value_heading="Confirmed delegates",
            empty_message="There are no confirmed delegates yet."),
        "organisations": charts.bar_chart(
            f"Delegates by organisation, top {TOP_ORGANISATIONS}",
            organisations, remainder=others, chart_id="chart-organisations",
            label_heading="Organisation", value_heading="Confirmed delegates",
            empty_message="There are no confirmed delegates yet."),
    }


@bp.get("/series/<int:series_id>/dashboard")
def series_dashboard(series_id: int) -> str:
    series = db.get_or_404(Series, series_id, options=[
        selectinload(Series.theme), selectinload(Series.workshops).selectinload(Workshop.venue)])
    figures = workshop_figures(series)
    total = totals(figures)
    return render_template("organiser/series_dashboard.html", series=series, figures=figures,
                           total=total, left_out=left_out_of_totals(figures),
                           charts=series_charts(series, figures, total))
