"""An organiser books someone in, changes the details of a booking, or moves it to another
workshop of the series, for a delegate who asks by phone or email.

Booking someone in: the public's rules hold (a place if one is free, otherwise the waiting
list; one booking per address) except the booking window: an organiser may book someone in
before booking opens or after it closes. From the start of the workshop, someone who turns up
is a walk-in instead.

Changing details: what the delegate could change themselves from their own link (a misspelt
name before the badges are printed, a new access need), by `booking.change_details`, so they
are emailed the change as if they had made it, told that the organisers made it. Their
consent to the delegate list stays theirs to give.
"""

from __future__ import annotations

import uuid

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput
from wtforms import SelectChoice, SelectField, SubmitField
from wtforms.validators import Optional

from workshops import booking, checkin, clock
from workshops.extensions import db
from workshops.forms import access_needs_field, dietary_needs_field
from workshops.models import REGIONS, Booking, BookingStatus, Workshop
from workshops.move_form import move_choice
from workshops.transitions import TransitionNotAllowed
from workshops.views.organiser import attach, bp
from workshops.views.organiser_attendance import WalkInForm


class BookSomeoneForm(WalkInForm):
    region = SelectField("Region they work in (optional)", widget=GovSelect(),
                         choices=[SelectChoice("", "Choose region"),
                                  *(SelectChoice(k, v) for k, v in REGIONS.items())],
                         validators=[Optional()])
    access_needs = access_needs_field("Anything the venue should arrange so they can take part")
    dietary_needs = dietary_needs_field()
    submit = SubmitField("Book a place", widget=GovSubmitInput())


class ChangeBookingForm(BookSomeoneForm):
    submit = SubmitField("Save changes", widget=GovSubmitInput())


CHANGED_FIELDS = {"name": "name", "email": "email address", "job_title": "job title",
                  "organisation": "organisation", "region": "region", "sector": "sector",
                  "access_needs": "access needs", "dietary_needs": "dietary needs"}


def can_book_someone_in(workshop: Workshop) -> str | None:
    """None if an organiser may book someone in now; otherwise why not."""
    if (refusal := booking.not_bookable(workshop)) is not None:
        return refusal
    if clock.now() >= workshop.starts_at:
        return ("The workshop has started: register anyone who turns up as a walk-in from the "
                "check-in page.")
    return None


@bp.app_template_global()
def booking_someone_in_allowed(workshop: Workshop) -> bool:
    """For the workshop page's button."""
    return can_book_someone_in(workshop) is None


@bp.route("/workshops/<int:workshop_id>/bookings/new", methods=["GET", "POST"])
def book_someone_in(workshop_id: int) -> ResponseReturnValue:
    found = db.get_or_404(Workshop, workshop_id)
    if (why_not := can_book_someone_in(found)) is not None:
        flash(why_not)
        return redirect(url_for(".workshop", workshop_id=found.id), code=303)
    form = BookSomeoneForm()
    if form.validate_on_submit():
        delegate = booking.Delegate(
            name=form.name.data, email=form.email.data, organisation=form.organisation.data,
            job_title=form.job_title.data or "", region=form.region.data or "",
            sector=form.sector.data, access_needs=form.access_needs.data or "",
            dietary_needs=form.dietary_needs.data or "")
        try:
            made = booking.book(found.id, delegate, actor=current_user,
                                idempotency_key=form.idempotency_key.data or None)
        except booking.BookingRefused as refusal:
            attach(form, refusal.field, refusal.message)
        else:
            if made.status == BookingStatus.WAITING:
                flash(f"The workshop is full, so {made.name} is on the waiting list, number "
                      f"{booking.waiting_position(made)} (reference {made.reference}). They "
                      "have been emailed.", "success")
            else:
                flash(f"{made.name} has a place (reference {made.reference}). Their "
                      "confirmation and calendar invite have been emailed.", "success")
            # The page's top, where the notice of what happened is shown.
            return redirect(url_for(".workshop", workshop_id=found.id), code=303)
    if form.errors or not form.idempotency_key.data:
        # After a refusal the next try is a new attempt, so it must not find the first by key.
        form.idempotency_key.data = uuid.uuid4().hex
    return render_template("organiser/booking_new.html", workshop=found, form=form,
                           places_left=checkin.places_left(found),
                           offers_stopped=booking.offers_stopped(found),
                           window=found.booking_window_state(clock.now())), \
        422 if form.errors else 200


@bp.route("/bookings/<int:booking_id>/edit", methods=["GET", "POST"])
def edit_booking(booking_id: int) -> ResponseReturnValue:
    found = db.get_or_404(Booking, booking_id)
    workshop_page = redirect(url_for(".workshop", workshop_id=found.workshop_id), code=303)
    if found.status not in booking.TRANSITIONS["change"]:
        flash(f"Booking {found.reference} is {found.status}: its details can no longer be "
              "changed.")
        return workshop_page
    form = ChangeBookingForm(obj=found)
    if form.validate_on_submit():
        delegate = booking.Delegate(
            name=form.name.data, email=form.email.data, organisation=form.organisation.data,
            job_title=form.job_title.data or "", region=form.region.data or "",
            sector=form.sector.data, access_needs=form.access_needs.data or "",
            dietary_needs=form.dietary_needs.data or "", list_consent=found.list_consent)
        try:
            changes = booking.change_details(found.id, delegate, actor=current_user)
        except booking.BookingRefused as refusal:
            attach(form, refusal.field, refusal.message)
        except TransitionNotAllowed:
            flash(f"Booking {found.reference} was cancelled meanwhile: nothing was changed.")
            return workshop_page
        else:
            if changes:
                what = ", ".join(CHANGED_FIELDS[f] for f in CHANGED_FIELDS if f in changes)
                flash(f"Booking {found.reference} updated ({what}). {found.name} has been "
                      "emailed the new details.", "success")
            else:
                flash(f"Nothing was changed in booking {found.reference}.")
            return workshop_page
    return render_template("organiser/booking_edit.html", booking=found,
                           workshop=found.workshop, form=form), 422 if form.errors else 200


@bp.route("/bookings/<int:booking_id>/move", methods=["GET", "POST"])
def move_booking(booking_id: int) -> ResponseReturnValue:
    """Move someone to another workshop of the series: as the delegate may themselves, but
    whether or not booking is open to the public there."""
    found = db.get_or_404(Booking, booking_id)
    if not booking.movable(found):
        flash(f"Booking {found.reference} can no longer be moved to another workshop.")
        return redirect(url_for(".workshop", workshop_id=found.workshop_id), code=303)
    choice = move_choice(found, by_organiser=True,
                         question=f"Which workshop should {found.name} go to instead?",
                         button="Move the booking")
    if moved := choice.submitted(found, by_organiser=True):
        flash(f"{moved.name} moved to {moved.workshop.display_title} (new reference "
              f"{moved.reference}). They have been emailed.", "success")
        return redirect(url_for(".workshop", workshop_id=found.workshop_id), code=303)
    return render_template("organiser/booking_move.html", booking=found,
                           workshop=found.workshop, form=choice.form, items=choice.items,
                           targets=choice.targets), 422 if choice.form.errors else 200
