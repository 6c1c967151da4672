"""Organisers' pages for the day itself: check in by name, walk-ins, no-shows and finishing.

Each page parses the form and calls `checkin`, `attendance` or `scheduling`; the access guard is
the organiser blueprint's own, so every route here is for organisers (and admins) only.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import EmailField, HiddenField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import Length, Optional

from workshops import attendance, booking, checkin, clock, scheduling
from workshops.extensions import db
from workshops.form_widgets import GovEmailInput
from workshops.formatting import time_of_day
from workshops.forms import ConfirmForm
from workshops.models import SECTORS, Booking, BookingStatus, Workshop, WorkshopStatus
from workshops.organiser_fields import OrganiserForm
from workshops.transitions import TransitionNotAllowed
from workshops.validators import EmailAddress, InputRequired, readable_email, strip
from workshops.views.organiser import attach, bp


class WalkInForm(OrganiserForm):
    name = StringField("Full name", widget=GovTextInput(), filters=[strip], validators=[
        InputRequired("Enter the delegate’s full name"),
        Length(max=200, message="Full name must be 200 characters or fewer")])
    email = EmailField("Email address", widget=GovEmailInput(), filters=[readable_email],
                       description="Their confirmation and the invitation to send practice "
                                   "after the workshop go here",
                       validators=[InputRequired("Enter the delegate’s email address"),
                                   EmailAddress(),
                                   Length(max=254, message="Email address must be 254 "
                                          "characters or fewer")])
    organisation = StringField("Organisation", widget=GovTextInput(), filters=[strip],
                               validators=[InputRequired("Enter the delegate’s organisation"),
                                           Length(max=200, message="Organisation must be 200 "
                                                  "characters or fewer")])
    # Optional, unlike the public form: a queue at the door matters more than a job title.
    job_title = StringField("Job title (optional)", widget=GovTextInput(), filters=[strip],
                            validators=[Optional(), Length(max=200, message="Job title must be "
                                                           "200 characters or fewer")])
    sector = SelectField("Sector", widget=GovSelect(),
                         choices=[SelectChoice("", "Choose sector"),
                                  *(SelectChoice(k, v) for k, v in SECTORS.items())],
                         validators=[InputRequired("Choose the delegate’s sector")])
    # A double tap on a phone must not book twice: `book` finds the first booking by this key.
    idempotency_key = HiddenField()
    submit = SubmitField("Register and check in", widget=GovSubmitInput())


def _workshop_page(workshop_id: int) -> Response:
    return redirect(url_for(".workshop", workshop_id=workshop_id), code=303)


def _checkin_page(workshop_id: int, query: str = "") -> Response:
    return redirect(url_for(".attendance_checkin", workshop_id=workshop_id,
                            **({"q": query} if query else {})), code=303)


def _matches(found: Booking, needle: str) -> bool:
    needle = needle.casefold()
    return any(needle in value.casefold() for value in
               (found.name, found.organisation, found.reference, found.email))


@bp.app_template_global()
def attendance_counts(workshop_id: int) -> dict[str, int]:
    """For the workshop page's Attendance section, which another module renders."""
    return attendance.counts(workshop_id)


@bp.app_template_global()
def checkin_open(workshop: Workshop) -> bool:
    """For the workshop page: walk-ins are offered only once check-in has opened."""
    return checkin.is_open(workshop)


# --- check in by name --------------------------------------------------------------------

def _by_surname(bookings: list[Booking]) -> list[Booking]:
    # Surname order, as on the printed sign-in sheet people are used to.
    return sorted(bookings, key=lambda b: (b.surname.casefold(), b.name.casefold(), b.id))


@bp.get("/workshops/<int:workshop_id>/checkin")
def attendance_checkin(workshop_id: int) -> str:
    found = db.get_or_404(Workshop, workshop_id)
    delegates = _by_surname(list(db.session.scalars(select(Booking).where(
        Booking.workshop_id == found.id, Booking.status == BookingStatus.CONFIRMED))))
    query = request.args.get("q", "").strip()
    shown, waiting = delegates, []
    if query:
        shown = [b for b in delegates if _matches(b, query)]
        # Only a search finds the waiting list: someone on it who comes asks at the desk, and
        # the list of who is expected stays the confirmed delegates.
        waiting = _by_surname([b for b in db.session.scalars(select(Booking).where(
            Booking.workshop_id == found.id, Booking.status.in_(checkin.ON_WAITING_LIST)))
            if _matches(b, query)])
    places_left = checkin.places_left(found)
    return render_template(
        "organiser/attendance_checkin.html", workshop=found, delegates=shown, query=query,
        waiting=[(b, checkin.place_refusal(b, places_left)) for b in waiting],
        total=len(delegates), arrived=sum(1 for b in delegates if b.checked_in_at),
        places_left=places_left, form=ConfirmForm(),
        window=checkin.window(found),
        not_open=None if checkin.is_open(found) else checkin.not_open_message(found))


def _booking_of(workshop_id: int, booking_id: int) -> Booking:
    found = db.get_or_404(Booking, booking_id)
    if found.workshop_id != workshop_id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)  # only a missing or stale CSRF token gets here
    return found


def _at_the_desk(workshop_id: int, booking_id: int,
                 change: Callable[..., checkin.CheckIn],
                 said: Callable[[Any], tuple[str, str]]) -> ResponseReturnValue:
    """One of the desk's changes to a booking, then the list again, with what happened."""
    found = _booking_of(workshop_id, booking_id)
    query = request.form.get("q", "").strip()
    try:
        result = change(found.id, actor=current_user)
    except booking.BookingRefused as refusal:
        flash(refusal.message)
    else:
        flash(*said(result))
    return _checkin_page(workshop_id, query)


def _checked_in_message(result: checkin.CheckIn) -> tuple[str, str]:
    arrived = result.booking
    if result.already:
        return (f"{arrived.name} was already checked in at "
                f"{time_of_day(arrived.checked_in_at)}. Nothing was changed.", "info")
    return f"{arrived.name} checked in at {time_of_day(arrived.checked_in_at)}", "success"


def _given_place_message(result: checkin.CheckIn) -> tuple[str, str]:
    if result.already:  # a second tap, or a colleague was quicker
        return _checked_in_message(result)
    given = result.booking
    return (f"{given.name} was given a place and checked in at "
            f"{time_of_day(given.checked_in_at)}. Their confirmation has been emailed.",
            "success")


def _undone_message(result: checkin.CheckIn) -> tuple[str, str]:
    if result.already:
        return f"{result.booking.name} is not checked in. Nothing was changed.", "info"
    return (f"Check-in undone: {result.booking.name} is no longer recorded as having arrived.",
            "success")


@bp.post("/workshops/<int:workshop_id>/checkin/<int:booking_id>")
def attendance_check_in(workshop_id: int, booking_id: int) -> ResponseReturnValue:
    return _at_the_desk(workshop_id, booking_id, checkin.check_in, _checked_in_message)


@bp.post("/workshops/<int:workshop_id>/checkin/<int:booking_id>/give-place")
def attendance_give_place(workshop_id: int, booking_id: int) -> ResponseReturnValue:
    return _at_the_desk(workshop_id, booking_id, checkin.give_place, _given_place_message)


@bp.post("/workshops/<int:workshop_id>/checkin/<int:booking_id>/undo")
def attendance_undo_check_in(workshop_id: int, booking_id: int) -> ResponseReturnValue:
    return _at_the_desk(workshop_id, booking_id, checkin.undo_check_in, _undone_message)


# --- walk-ins ----------------------------------------------------------------------------

@bp.route("/workshops/<int:workshop_id>/walk-in", methods=["GET", "POST"])
def attendance_walk_in(workshop_id: int) -> ResponseReturnValue:
    found = db.get_or_404(Workshop, workshop_id)
    if found.status != WorkshopStatus.PUBLISHED:
        flash(f"This workshop {found.status_phrase}, so no one can be registered for it.")
        return _workshop_page(found.id)
    if not checkin.is_open(found):
        # The check-in page says when it opens; the message adds only what a walk-in needs.
        flash("Walk-ins are registered from when check-in opens; until then, people book "
              "through the workshop’s booking page.", "info")
        return _checkin_page(found.id)
    form = WalkInForm()
    refusal = None  # a refusal about the whole form, not one field: shown beside the button
    if form.validate_on_submit():
        delegate = booking.Delegate(name=form.name.data, email=form.email.data,
                                    organisation=form.organisation.data,
                                    job_title=form.job_title.data or "",
                                    sector=form.sector.data)
        try:
            made = attendance.walk_in(found.id, delegate, actor=current_user,
                                      idempotency_key=form.idempotency_key.data or None)
        except attendance.AttendanceRefused as error:
            refusal = error.message
        except booking.BookingRefused as error:
            message = error.message
            if error.field == "email":
                message = ("This email address already has a booking for this workshop (a "
                           "place, or a place on the waiting list). Search for the delegate "
                           "on the check-in page instead, where someone on the waiting list "
                           "can be given a free place.")
            if error.field in form:
                attach(form, error.field, message)
            else:
                refusal = message
        except booking.BookingBusy:
            refusal = "The system is busy. Try again in a moment."
        else:
            flash(f"{made.name} registered and checked in at "
                  f"{time_of_day(made.checked_in_at)}. Their confirmation has been emailed.",
                  "success")
            return _checkin_page(found.id)
    if refusal or form.errors or not form.idempotency_key.data:
        # After a refusal the next try is a new attempt, so it must not find the first by key.
        form.idempotency_key.data = uuid.uuid4().hex
    places = checkin.places_left(found)
    return render_template(
        "organiser/attendance_walk_in.html", workshop=found, form=form, refusal=refusal,
        full=None if places else attendance.full_message(found), places_left=places,
    ), 422 if (refusal or form.errors) else 200


# --- no-shows and finishing --------------------------------------------------------------

@bp.route("/workshops/<int:workshop_id>/no-shows", methods=["GET", "POST"])
def attendance_no_shows(workshop_id: int) -> ResponseReturnValue:
    found = db.get_or_404(Workshop, workshop_id)
    if found.status not in (WorkshopStatus.PUBLISHED, WorkshopStatus.FINISHED):
        flash(f"This workshop {found.status_phrase}, so no one can be marked as a no-show.")
        return _workshop_page(found.id)
    if not attendance.has_started(found):
        flash("The workshop has not started yet. You can mark no-shows once it has begun.")
        return _workshop_page(found.id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            marked = attendance.mark_no_shows(found.id, actor=current_user)
        except attendance.AttendanceRefused as refusal:
            flash(refusal.message)
        else:
            flash(f"{_people(len(marked))} marked as no-shows." if marked
                  else "Everyone had been checked in or marked already: nothing was changed.",
                  "success" if marked else "info")
        return _workshop_page(found.id)
    return render_template("organiser/attendance_no_shows.html", workshop=found, form=form,
                           people=attendance.not_arrived(found.id))


def _people(number: int) -> str:
    return "1 person" if number == 1 else f"{number} people"


@bp.route("/workshops/<int:workshop_id>/finish", methods=["GET", "POST"])
def attendance_finish(workshop_id: int) -> ResponseReturnValue:
    found = db.get_or_404(Workshop, workshop_id)
    if found.status != WorkshopStatus.PUBLISHED:
        flash(f"This workshop {found.status_phrase}: only a published workshop can be finished.")
        return _workshop_page(found.id)
    if not attendance.has_started(found):
        flash("The workshop has not started yet, so it cannot be marked as finished.")
        return _workshop_page(found.id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            scheduling.finish_workshop(found.id, actor=current_user)
        except TransitionNotAllowed:
            flash("This workshop had already been finished or cancelled.")
        else:
            flash("Workshop marked as finished.", "success")
        return _workshop_page(found.id)
    people = attendance.attendees(found.id)
    return render_template("organiser/attendance_finish.html", workshop=found, form=form,
                           people=people, counts=attendance.counts(found.id),
                           still_running=clock.now() < found.ends_at)
