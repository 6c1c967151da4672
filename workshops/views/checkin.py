"""The URL in the check-in QR code: staff open it on a phone and check the delegate in."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user
from sqlalchemy import select

from workshops import booking, checkin
from workshops.extensions import db
from workshops.forms import ConfirmForm
from workshops.models import Booking, BookingStatus, Role
from workshops.views.auth import role_required

bp = Blueprint("checkin", __name__, url_prefix="/checkin")

# The value of the page's second button: someone on the waiting list given a place at the desk.
GIVE_PLACE = "give-place"


@bp.route("/<code>", methods=["GET", "POST"])
@role_required(Role.ORGANISER)
def check_in(code: str):  # noqa: ANN201
    found = db.session.scalar(select(Booking).where(Booking.checkin_code == code))
    if found is None:
        abort(404)
    form = ConfirmForm()
    result, refusal = None, None
    giving = request.form.get("action") == GIVE_PLACE
    if form.validate_on_submit():
        try:
            result = (checkin.give_place(found.id, actor=current_user) if giving
                      else checkin.check_in(found.id, actor=current_user))
        except booking.BookingRefused as error:
            refusal = error.message
    workshop = found.workshop
    on_waiting_list = found.status in checkin.ON_WAITING_LIST
    place_refusal = (checkin.place_refusal(found, checkin.places_left(workshop))
                     if on_waiting_list and result is None else None)
    # Said before anyone presses anything: a button that can only be refused is not shown.
    reason = refusal or checkin.status_refusal(found)
    if reason is None and found.checked_in_at is None and not checkin.is_open(workshop):
        reason = checkin.not_open_message(workshop)
    walk_in_possible = (checkin.is_open(workshop) and booking.not_bookable(workshop) is None
                        and checkin.places_left(workshop) > 0)
    return render_template(
        "checkin/check_in.html", booking=found, workshop=workshop, form=form, result=result,
        given=giving and result is not None and not result.already,
        reason=None if result else reason, on_waiting_list=on_waiting_list,
        can_give_place=on_waiting_list and result is None and place_refusal is None,
        place_refusal=None if place_refusal == reason else place_refusal,
        can_check_in=checkin.is_open(workshop) and found.status == BookingStatus.CONFIRMED,
        walk_in_possible=walk_in_possible, give_place=GIVE_PLACE)
