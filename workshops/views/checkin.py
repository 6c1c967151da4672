"""The URL in the check-in QR code: staff open it on a phone and check the delegate in."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user
from sqlalchemy import select

from workshops import booking, checkin
from workshops.extensions import db
from workshops.forms import ConfirmForm
from workshops.models import Booking, Role
from workshops.views.auth import role_required

bp = Blueprint("checkin", __name__, url_prefix="/checkin")


@bp.route("/<code>", methods=["GET", "POST"])
@role_required(Role.ORGANISER)
def check_in(code: str):  # noqa: ANN201
    found = db.session.scalar(select(Booking).where(Booking.checkin_code == code))
    if found is None:
        abort(404)
    form = ConfirmForm()
    result, refusal = None, None
    if form.validate_on_submit():
        try:
            result = checkin.check_in(found.id, actor=current_user)
        except booking.BookingRefused as error:
            refusal = error.message
    return render_template("checkin/check_in.html", booking=found, workshop=found.workshop,
                           form=form, result=result, refusal=refusal)
