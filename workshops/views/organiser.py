"""The organisers' console: series, venues, workshops, bookings and the waiting list.

This module holds the blueprint, the dashboard, series and venues; workshops and bookings are in
`organiser_workshops`, the CSV export in `organiser_exports`. All share one blueprint, so one
guard (below) covers every page, including any added later.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from workshops import catalogue_admin, clock
from workshops.extensions import db
from workshops.models import REGIONS, Booking, Role, Series, Venue, Workshop, WorkshopStatus
from workshops.organiser_forms import OrganiserForm, SeriesForm, VenueForm
from workshops.views.auth import role_required

bp = Blueprint("organiser", __name__, url_prefix="/organiser")


@bp.before_request
@role_required(Role.ORGANISER)
def organisers_only() -> None:
    """Anonymous visitors go to sign in; staff without the role get 403, on every page here."""
    return None


def counts_by_workshop(workshop_ids: list[int]) -> dict[int, Counter]:
    """Bookings per workshop and status, in one query for a whole list."""
    counts: dict[int, Counter] = {workshop_id: Counter() for workshop_id in workshop_ids}
    if not workshop_ids:
        return counts
    rows = db.session.execute(
        select(Booking.workshop_id, Booking.status, func.count())
        .where(Booking.workshop_id.in_(workshop_ids))
        .group_by(Booking.workshop_id, Booking.status))
    for workshop_id, status, number in rows:
        counts[workshop_id][status] = number
    return counts


def attach(form: OrganiserForm, field: str | None, message: str) -> None:
    """Put a domain refusal beside the field it is about (or on the button if none)."""
    target = form[field] if field and field in form else form["submit"]
    target.errors = [*target.errors, message]


def form_response(template: str, form: OrganiserForm, **context) -> tuple[str, int]:
    return render_template(template, form=form, **context), 422 if form.errors else 200


@bp.get("/")
def dashboard() -> str:
    series = sorted(db.session.scalars(
        select(Series).options(selectinload(Series.theme),
                               selectinload(Series.workshops).selectinload(Workshop.venue))
        .order_by(Series.id.desc())
    ).all(), key=_current_first(clock.now()))
    ids = [w.id for s in series for w in s.workshops]
    venue_count = db.session.scalar(select(func.count()).select_from(Venue)) or 0
    return render_template("organiser/dashboard.html", series_list=series,
                           counts=counts_by_workshop(ids), venue_count=venue_count,
                           region_count=len(REGIONS))


def _current_first(now: datetime):  # noqa: ANN202  (a sort key)
    """Series with work still ahead (a workshop yet to end, or none yet) lead, newest first;
    finished series follow, most recent first. Creation order put a series added for an old
    programme above the one running now."""
    def key(series: Series) -> tuple[bool, float]:
        ahead = not series.workshops or any(
            w.ends_at >= now and w.status != WorkshopStatus.CANCELLED for w in series.workshops)
        latest = max((w.starts_at for w in series.workshops), default=None)
        return (not ahead, -latest.timestamp() if latest else float("-inf"))
    return key


# --- series ------------------------------------------------------------------------------

def _series_values(form: SeriesForm) -> dict:
    return {name: form[name].data for name in (*catalogue_admin.SERIES_FIELDS, "theme")}


@bp.route("/series/new", methods=["GET", "POST"])
def new_series() -> ResponseReturnValue:
    form = SeriesForm()
    if form.validate_on_submit():
        try:
            series = catalogue_admin.create_series(_series_values(form), actor=current_user)
        except catalogue_admin.CatalogueRefused as refusal:
            attach(form, refusal.field, refusal.message)
        else:
            flash(f"Series ‘{series.title}’ created. Add its workshops next.", "success")
            return redirect(url_for(".dashboard", _anchor=f"series-{series.id}"), code=303)
    return form_response("organiser/series_form.html", form, series=None)


@bp.route("/series/<int:series_id>/edit", methods=["GET", "POST"])
def edit_series(series_id: int) -> ResponseReturnValue:
    series = db.get_or_404(Series, series_id)
    # Not obj=series: its `theme` is a Theme, and the form wants the theme's name.
    form = SeriesForm(data={**{name: getattr(series, name)
                               for name in catalogue_admin.SERIES_FIELDS},
                            "theme": series.theme.name})
    if form.validate_on_submit():
        try:
            changes = catalogue_admin.update_series(series.id, _series_values(form),
                                                    actor=current_user)
        except catalogue_admin.CatalogueRefused as refusal:
            attach(form, refusal.field, refusal.message)
        else:
            flash("Series saved" if changes else "Nothing was changed",
                  "success" if changes else "info")
            return redirect(url_for(".dashboard", _anchor=f"series-{series.id}"), code=303)
    return form_response("organiser/series_form.html", form, series=series)


# --- venues ------------------------------------------------------------------------------

@bp.get("/venues")
def venues() -> str:
    found = db.session.scalars(select(Venue).order_by(Venue.town, Venue.name)).all()
    return render_template("organiser/venues.html", venues=found)


def _venue_values(form: VenueForm) -> dict:
    return {name: form[name].data for name in catalogue_admin.VENUE_FIELDS}


@bp.route("/venues/new", methods=["GET", "POST"])
def new_venue() -> ResponseReturnValue:
    form = VenueForm()
    existing = None
    if form.validate_on_submit():
        try:
            venue = catalogue_admin.create_venue(_venue_values(form), actor=current_user)
        except catalogue_admin.VenueExists as refusal:
            attach(form, refusal.field, refusal.message)
            existing = refusal.venue
        else:
            flash(f"Venue ‘{venue.name}’ added", "success")
            return redirect(url_for(".venues"), code=303)
    return form_response("organiser/venue_form.html", form, venue=None, used_by=[],
                         existing=existing)


@bp.route("/venues/<int:venue_id>/edit", methods=["GET", "POST"])
def edit_venue(venue_id: int) -> ResponseReturnValue:
    venue = db.get_or_404(Venue, venue_id)
    form = VenueForm(obj=venue)
    existing = None
    if form.validate_on_submit():
        try:
            changes = catalogue_admin.update_venue(venue.id, _venue_values(form),
                                                   actor=current_user)
        except catalogue_admin.VenueExists as refusal:
            attach(form, refusal.field, refusal.message)
            existing = refusal.venue
        else:
            flash("Venue saved" if changes else "Nothing was changed",
                  "success" if changes else "info")
            return redirect(url_for(".venues"), code=303)
    used_by = db.session.scalars(
        select(Workshop).where(Workshop.venue_id == venue.id).order_by(Workshop.starts_at)
    ).all()
    return form_response("organiser/venue_form.html", form, venue=venue, used_by=used_by,
                         existing=existing)


# The workshop and export routes attach themselves to `bp`; importing them registers them.
import workshops.views.organiser_attendance  # noqa: E402, F401
import workshops.views.organiser_audit  # noqa: E402, F401
import workshops.views.organiser_bookings  # noqa: E402, F401
import workshops.views.organiser_messages  # noqa: E402, F401
import workshops.views.organiser_series_dashboard  # noqa: E402, F401
from workshops.views import organiser_exports, organiser_workshops  # noqa: E402, F401
