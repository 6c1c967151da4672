"""Subscribable calendars: one per series, one per region within it."""

from __future__ import annotations

from flask import Blueprint, Response, abort
from sqlalchemy import select

from workshops import calendars, notices
from workshops.extensions import db
from workshops.models import REGIONS, Workshop
from workshops.urls import external_url
from workshops.views.public import VISIBLE, _series_or_404

bp = Blueprint("calendar_feeds", __name__)


def _feed(slug: str, region: str | None) -> Response:
    series = _series_or_404(slug)
    query = select(Workshop).where(Workshop.series_id == series.id,
                                   Workshop.status.in_(VISIBLE))
    name = series.title
    if region is not None:
        query = query.where(Workshop.region == region)
        name = f"{series.title}: {REGIONS.get(region, region)}"
    body = calendars.feed(
        db.session.scalars(query.order_by(Workshop.starts_at)), name=name,
        organiser=notices.organiser_address(),
        url_for_workshop=lambda w: external_url("public.workshop", slug=slug, region=w.region),
    )
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": f'inline; filename="{slug}.ics"'})


@bp.get("/series/<slug>/calendar.ics")
def series_feed(slug: str) -> Response:
    return _feed(slug, None)


@bp.get("/series/<slug>/<region>/calendar.ics")
def region_feed(slug: str, region: str) -> Response:
    if region not in REGIONS:
        abort(404)
    return _feed(slug, region)
