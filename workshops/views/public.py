"""Public pages: find a workshop in your region and book a place."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import NoReturn

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from markupsafe import Markup
from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from workshops import booking, clock
from workshops.extensions import db, limiter
from workshops.forms import BookingForm
from workshops.models import (
    HOLDS_PLACE,
    REGIONS,
    Booking,
    Series,
    SeriesFormerSlug,
    Workshop,
    WorkshopStatus,
)

bp = Blueprint("public", __name__)

VISIBLE = (WorkshopStatus.PUBLISHED, WorkshopStatus.CANCELLED, WorkshopStatus.FINISHED)


def _series_or_404(slug: str) -> Series:
    series = db.session.scalar(select(Series).where(Series.slug == slug))
    if series is None:
        _to_current_address(slug)
    return series


def _to_current_address(slug: str) -> NoReturn:
    """404, unless `slug` is an address the series had before an organiser changed it: then
    the same page at its address now (a link in an old email, a calendar subscription)."""
    current = db.session.scalar(
        select(Series.slug).join(SeriesFormerSlug, SeriesFormerSlug.series_id == Series.id)
        .where(SeriesFormerSlug.slug == slug))
    if current is None:
        abort(404)
    rest = request.path.removeprefix(f"/series/{slug}")
    if rest == request.path:
        abort(404)
    moved = f"{request.script_root}/series/{current}{rest}"
    query = request.query_string.decode()
    # Permanent either way; 308 rather than 301 for a form posted from a page loaded before
    # the move, so that the browser posts it again there (a 301 turns it into a GET, and the
    # booking form came back empty, the booking not made).
    code = 301 if request.method in ("GET", "HEAD") else 308
    abort(redirect(f"{moved}?{query}" if query else moved, code=code))


@cache
def _workshop_page_statement() -> Select:
    """Built once, with the slug and region as parameters: building it anew took more time
    than running it (0.53 against 0.21 ms a request, SQLite, in process)."""
    taken = (select(func.count()).select_from(Booking)
             .where(Booking.workshop_id == Workshop.id, Booking.status.in_(HOLDS_PLACE))
             .correlate(Workshop).scalar_subquery())
    return (select(Workshop, taken).join(Workshop.series)
            .where(Series.slug == bindparam("slug"), Workshop.region == bindparam("region"),
                   Workshop.status.in_(VISIBLE))
            .options(contains_eager(Workshop.series), joinedload(Workshop.venue)))


def _workshop_or_404(slug: str, region: str) -> tuple[Workshop, int]:
    """A visible workshop by its series' slug and region, and the places it has taken.

    One query: the series and venue are joined (every page that shows a workshop names both)
    and the count is a subquery. The booking form is the page a rush hits, twice per booking.
    """
    row = db.session.execute(_workshop_page_statement(),
                             {"slug": slug, "region": region}).first()
    if row is None:
        _to_current_address(slug)
    return row[0], row[1] or 0


@dataclass(frozen=True)
class SeriesSummary:
    """What the home page says of a series: its workshops counted in the database, so the page
    costs the same with ten workshops or a national programme's thousand."""

    series: Series
    workshops: int
    first_day: datetime | None
    last_day: datetime | None
    bookable: bool


@bp.get("/")
def index() -> str:
    now = clock.now()
    # Counted and dated by the workshops that are held: a cancelled one is on the series page,
    # said as cancelled, but "3 workshops, 20 to 27 May" should not count it.
    shown = Workshop.status.in_((WorkshopStatus.PUBLISHED, WorkshopStatus.FINISHED))
    stats = (
        select(Workshop.series_id,
               func.count().filter(shown).label("workshops"),
               func.min(Workshop.starts_at).filter(shown).label("first_day"),
               func.max(Workshop.starts_at).filter(shown).label("last_day"),
               func.count().filter(Workshop.status == WorkshopStatus.PUBLISHED,
                                   Workshop.ends_at >= now).label("bookable"))
        .group_by(Workshop.series_id).subquery()
    )
    rows = db.session.execute(
        select(Series, stats.c.workshops, stats.c.first_day, stats.c.last_day, stats.c.bookable)
        .outerjoin(stats, stats.c.series_id == Series.id)
        .options(joinedload(Series.theme)).order_by(Series.id.desc())
    ).all()
    summaries = [SeriesSummary(series, workshops or 0, first, last, bool(bookable))
                 for series, workshops, first, last, bookable in rows]
    # Series with a workshop still to come lead; finished ones follow under their own heading,
    # so a visitor is never first shown workshops they can no longer book.
    # A series with none held (none announced yet, or every one cancelled) is not a past
    # series: it has nothing to show under that heading.
    return render_template("public/index.html",
                           series_list=[s for s in summaries if s.bookable],
                           past_series=[s for s in summaries if not s.bookable and s.workshops])


@bp.get("/series/<slug>")
def series(slug: str) -> str:
    series = _series_or_404(slug)
    # A region we do not know (an old or mistyped link) shows every region, said as such: the
    # page had headed its list "9 workshops in " and linked to a feed of nowhere.
    region = request.args.get("region", "")
    region = region if region in REGIONS else ""
    query = (select(Workshop).where(Workshop.series_id == series.id,
                                    Workshop.status.in_(VISIBLE))
             .options(selectinload(Workshop.venue)).order_by(Workshop.starts_at))
    if region:
        query = query.where(Workshop.region == region)
    workshops = db.session.scalars(query).all()
    return render_template("public/series.html", series=series, workshops=workshops,
                           taken=booking.taken_by_workshop([w.id for w in workshops]),
                           region=region, regions=REGIONS, now=clock.now())


@bp.get("/series/<slug>/<region>")
def workshop(slug: str, region: str) -> str:
    workshop, taken = _workshop_or_404(slug, region)
    now = clock.now()
    return render_template("public/workshop.html", series=workshop.series, workshop=workshop,
                           places_left=max(workshop.capacity - taken, 0),
                           window=workshop.booking_window_state(now),
                           taken_place=workshop.has_taken_place(now))


@bp.route("/series/<slug>/<region>/book", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def book(slug: str, region: str):  # noqa: ANN201
    workshop, taken = _workshop_or_404(slug, region)
    now = clock.now()
    window = workshop.booking_window_state(now)
    form = BookingForm()
    if request.method == "GET":
        form.idempotency_key.data = secrets.token_urlsafe(24)
        form.region.data = form.region.data or region
    if window == "open" and form.validate_on_submit():
        delegate = booking.Delegate(**{f: form[f].data for f in booking.EDITABLE_FIELDS})
        try:
            made = booking.book(workshop.id, delegate,
                                idempotency_key=form.idempotency_key.data or None)
        except booking.BookingRefused as refusal:
            _attach(form, refusal)
        else:
            return redirect(url_for("booking.confirmed", token=made.token), code=303)
    # A refused post counts again: the refusal may have been the workshop filling up.
    full = (taken if request.method == "GET" else booking.places_taken(workshop.id)) \
        >= workshop.capacity
    status = 422 if form.errors else 200
    blank = _blank_fields(form, full) if request.method == "GET" else None
    return render_template("public/book.html", series=workshop.series, workshop=workshop,
                           form=form, full=full, window=window, blank_fields=blank,
                           taken_place=workshop.has_taken_place(now)), status


def _blank_fields(form: BookingForm, full: bool) -> Markup:
    """The fields of an unfilled booking form, rendered once per region and kept.

    Every visitor to a region's form sees the same blank fields, and the GOV.UK macros that
    draw them are most of what the page costs: in a booking rush that is most of the server's
    time. Nothing personal is in them (the CSRF token and idempotency key are outside).
    """
    cache = current_app.extensions.setdefault("blank_booking_fields", {})
    key = (form.region.data, full, request.script_root)
    if key not in cache or current_app.jinja_env.auto_reload:
        cache[key] = Markup(render_template("public/_booking_fields.html", form=form,
                                            full=full))
    return cache[key]


def _attach(form: BookingForm, refusal: booking.BookingRefused) -> None:
    field = form[refusal.field] if refusal.field and refusal.field in form else None
    if field is not None:
        field.errors = [*field.errors, refusal.message]
    else:
        form.submit.errors = [refusal.message]


@bp.get("/privacy")
def privacy() -> str:
    return render_template("public/privacy.html")


@bp.get("/accessibility")
def accessibility() -> str:
    return render_template("public/accessibility.html")


@bp.get("/healthz")
@limiter.exempt
def healthz() -> tuple[str, int, dict]:
    """Liveness for load balancers; touches nothing, so it is also the benchmarks' no-op."""
    return "ok", 200, {"Content-Type": "text/plain"}
