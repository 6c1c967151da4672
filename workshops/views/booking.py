"""A delegate's own booking, reached only through the personal link in their email."""

from __future__ import annotations

import hmac
from collections.abc import Callable

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from sqlalchemy import select

from workshops import booking as rules
from workshops import clock, notices, tasks
from workshops.extensions import db, limiter
from workshops.forms import ChangeDetailsForm, ConfirmForm, LinksForm
from workshops.models import ACTIVE, Booking, BookingStatus

bp = Blueprint("booking", __name__, url_prefix="/booking")


@bp.after_request
def personal(response: Response) -> Response:
    # These pages show a delegate's own details: never kept by a shared cache.
    response.headers.setdefault("Cache-Control", "private, no-store")
    return response


def booking_for_link(token: str) -> Booking:
    """The booking a personal link names, or 404. Plugins' delegate pages use this too."""
    found = db.session.scalar(select(Booking).where(Booking.token == token))
    # The lookup is by index; the compare is constant-time so timing says nothing of near misses.
    if found is None or not hmac.compare_digest(found.token, token):
        abort(404)
    return found


def booking_as_it_stands(token: str) -> Booking:
    """booking_for_link, with an offer whose time has passed lapsed first: the sweep that
    lapses offers runs every few minutes, and until it had, the page held the place "until"
    a time gone by and offered an Accept that then said the offer had expired."""
    booking = booking_for_link(token)
    if rules.offer_overdue(booking):
        rules.expire_offer(booking.id)
        db.session.refresh(booking)
    return booking


@bp.get("/<token>")
def manage(token: str) -> str:
    booking = booking_as_it_stands(token)
    position = rules.waiting_position(booking) if booking.status == BookingStatus.WAITING else None
    # Where to go next once a booking has ended: this workshop again, if the public can book.
    again = rules.rebooking(booking) if booking.status not in ACTIVE else None
    return render_template("booking/manage.html", booking=booking, workshop=booking.workshop,
                           position=position, now=clock.now(), moved=rules.moved_to(booking),
                           again=again)


@bp.get("/<token>/confirmed")
def confirmed(token: str) -> str | Response:
    booking = booking_as_it_stands(token)
    if booking.status not in (BookingStatus.CONFIRMED, BookingStatus.WAITING):
        # A tab reopened after the booking ended (cancelled, moved, declined, lapsed) had
        # still read as a booking made; a place offered is answered on the booking's page.
        return redirect(url_for(".manage", token=token))
    position = rules.waiting_position(booking) if booking.status == BookingStatus.WAITING else None
    return render_template("booking/confirmed.html", booking=booking, workshop=booking.workshop,
                           position=position)


@bp.route("/<token>/change", methods=["GET", "POST"])
def change(token: str):  # noqa: ANN201
    booking = booking_as_it_stands(token)
    if booking.status not in (BookingStatus.CONFIRMED, BookingStatus.WAITING,
                              BookingStatus.OFFERED):
        flash("This booking can no longer be changed.")
        return redirect(url_for(".manage", token=token))
    form = ChangeDetailsForm(obj=booking)
    if form.validate_on_submit():
        delegate = rules.Delegate(**{f: form[f].data for f in rules.EDITABLE_FIELDS})
        try:
            changes = rules.change_details(booking.id, delegate)
        except rules.BookingRefused as refusal:
            form[refusal.field or "email"].errors.append(refusal.message)
        else:
            flash("Your details have been updated" if changes else "Nothing was changed",
                  "success" if changes else "info")
            return redirect(url_for(".manage", token=token), code=303)
    return render_template("booking/change.html", booking=booking, workshop=booking.workshop,
                           form=form), 422 if form.errors else 200


@bp.route("/<token>/cancel", methods=["GET", "POST"])
def cancel(token: str):  # noqa: ANN201
    booking = booking_as_it_stands(token)
    form = ConfirmForm()
    if booking.status not in (BookingStatus.CONFIRMED, BookingStatus.WAITING,
                              BookingStatus.OFFERED):
        flash("This booking is already cancelled.")
        return redirect(url_for(".manage", token=token))
    if form.validate_on_submit():
        rules.cancel(booking.id)
        flash("Your booking has been cancelled", "success")
        return redirect(url_for(".manage", token=token), code=303)
    return render_template("booking/cancel.html", booking=booking, workshop=booking.workshop,
                           form=form)


def _offer_ended(booking: Booking) -> Response:
    """The answer to an offer's pages once it is no longer open: the booking's page, which
    says what became of it. Someone who accepted is told so: a Decline left open in another
    tab had been ignored without a word, and the person could not tell which answer stood."""
    if booking.status == BookingStatus.CONFIRMED:
        flash(rules.OFFER_ENDED[BookingStatus.CONFIRMED])
    return redirect(url_for(".manage", token=booking.token), code=303)


def _answer(booking: Booking, answer: Callable[[int], object]) -> Response | None:
    """Accept or decline the offer; None if it was answered, else (answered in another tab,
    or lapsed, since the page checked) the page that says what became of it."""
    try:
        answer(booking.id)
    except rules.BookingRefused:
        db.session.refresh(booking)
        return _offer_ended(booking)
    return None


@bp.route("/<token>/offer", methods=["GET", "POST"])
def offer(token: str):  # noqa: ANN201
    booking = booking_as_it_stands(token)
    accept = ConfirmForm(prefix="accept")
    if booking.status != BookingStatus.OFFERED:
        return _offer_ended(booking)
    if accept.submit.data and accept.validate_on_submit():
        if (ended := _answer(booking, rules.accept_offer)) is not None:
            return ended
        flash("Your place is confirmed", "success")
        return redirect(url_for(".confirmed", token=token), code=303)
    return render_template("booking/offer.html", booking=booking, workshop=booking.workshop,
                           accept=accept)


@bp.route("/<token>/decline", methods=["GET", "POST"])
def decline(token: str):  # noqa: ANN201
    """Declining asks first, as cancelling does: it cannot be undone, and it ends the
    person's place on the waiting list as well as the offer."""
    booking = booking_as_it_stands(token)
    form = ConfirmForm()
    if booking.status != BookingStatus.OFFERED:
        return _offer_ended(booking)
    if form.validate_on_submit():
        if (ended := _answer(booking, rules.decline_offer)) is not None:
            return ended
        flash("You have declined the place. Thank you for letting us know.", "success")
        return redirect(url_for(".manage", token=token), code=303)
    return render_template("booking/decline.html", booking=booking, workshop=booking.workshop,
                           form=form)


@bp.get("/<token>/invite.ics")
def invite(token: str) -> Response:
    booking = booking_for_link(token)
    body = notices.invite(booking, cancel=booking.status != BookingStatus.CONFIRMED)
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="workshop-{booking.reference}.ics"'})



@bp.route("/links", methods=["GET", "POST"])
@limiter.limit("5 per minute; 30 per hour", methods=["POST"])
def links():  # noqa: ANN201
    form = LinksForm()
    if form.validate_on_submit():
        tasks.send_links(form.email.data)
        # The same answer, after the same work, whether or not we know the address.
        return render_template("booking/links_sent.html", email=form.email.data)
    return render_template("booking/links.html", form=form), 422 if form.errors else 200


@bp.app_template_global()
def booking_movable(booking: Booking) -> bool:
    return rules.movable(booking)


@bp.app_template_global()
def can_manage(booking: Booking) -> bool:
    return booking.status in ACTIVE


# Routes of this blueprint kept in modules of their own register when imported.
import workshops.views.booking_move  # noqa: E402, F401
