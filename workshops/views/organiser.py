"""The organisers' console: series, venues, workshops, bookings and the waiting list."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select

from workshops.extensions import db
from workshops.models import Role, Series
from workshops.views.auth import role_required

bp = Blueprint("organiser", __name__, url_prefix="/organiser")


@bp.get("/")
@role_required(Role.ORGANISER)
def dashboard() -> str:
    series = db.session.scalars(select(Series).order_by(Series.id.desc())).all()
    return render_template("organiser/dashboard.html", series_list=series)
