"""Organisers' pages for one workshop: create, edit, move, publish, cancel, and its bookings.

Every change goes through `scheduling` or `booking`; these views parse the form, call the
domain, and turn its refusals into messages beside the right field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from workshops import booking as rules
from workshops import clock, scheduling
from workshops.extensions import db
from workshops.formatting import date_time
from workshops.forms import ConfirmForm
from workshops.models import (
    ACTIVE,
    HOLDS_PLACE,
    REGIONS,
    AuditEntry,
    Booking,
    BookingStatus,
    Series,
    Venue,
    Workshop,
    WorkshopStatus,
    status_label,
)
from workshops.organiser_fields import programme_mismatch
from workshops.organiser_forms import (
    CancelWorkshopForm,
    EditWorkshopForm,
    MoveWorkshopForm,
    NewWorkshopForm,
    copied_form_data,
    workshop_form_data,
)
from workshops.transitions import TransitionNotAllowed
from workshops.views.organiser import attach, bp, counts_by_workshop, form_response

# The order bookings are listed in: people coming first, then those in the queue, then the rest.
STATUS_ORDER = {BookingStatus.CONFIRMED: 0, BookingStatus.OFFERED: 1, BookingStatus.WAITING: 2,
                BookingStatus.CANCELLED: 3, BookingStatus.DECLINED: 4, BookingStatus.EXPIRED: 5}
CLOSED = (WorkshopStatus.CANCELLED, WorkshopStatus.FINISHED)


def _region_taken_message(region: str) -> str:
    return (f"This series already has a workshop in {REGIONS.get(region, region)}. Each region "
            "has one workshop in a series.")


def _region_taken(series_id: int, region: str, workshop_id: int | None = None) -> bool:
    query = select(Workshop.id).where(Workshop.series_id == series_id, Workshop.region == region)
    if workshop_id is not None:
        query = query.where(Workshop.id != workshop_id)
    return db.session.scalar(query) is not None


def _venues() -> list[Venue]:
    return list(db.session.scalars(select(Venue).order_by(Venue.name, Venue.town)))


def _back_to(workshop_id: int) -> Response:
    return redirect(url_for(".workshop", workshop_id=workshop_id), code=303)


def _closed(workshop: Workshop) -> Response | None:
    """A cancelled or finished workshop cannot change: say so rather than fail."""
    if workshop.status in CLOSED:
        flash(f"This workshop {workshop.status_phrase}, so it can no longer be changed.")
        return _back_to(workshop.id)
    return None


def bookings_in_order(workshop_id: int) -> tuple[list[Booking], list[Booking]]:
    """Every booking (active first) and the waiting list in queue order (first is next)."""
    found = list(db.session.scalars(
        select(Booking).where(Booking.workshop_id == workshop_id)
        .order_by(Booking.created_at, Booking.id)))
    found.sort(key=lambda b: STATUS_ORDER.get(b.status, 9))  # stable: keeps booking order
    # The same order as booking.waiting_position, so position n here is what delegate n sees.
    queue = sorted((b for b in found if b.status == BookingStatus.WAITING),
                   key=lambda b: (b.waiting_since, b.id))
    return found, queue


@dataclass(frozen=True)
class BookingNotes:
    """What the audit log says of the bookings on a workshop's page, by booking id."""

    booked_in_by: dict[int, str]  # the organiser who booked someone in (walk-ins are marked
    #                               on the booking itself)
    moved: dict[int, str]  # "Moved to London", "Moved from North East" (booking.move)


def booking_notes(workshop_id: int) -> BookingNotes:
    """One query over the workshop's audit entries, and one for the regions of moves."""
    entries = db.session.execute(
        select(AuditEntry.entity_id, AuditEntry.action, AuditEntry.actor_id,
               AuditEntry.actor_label, AuditEntry.details).where(
            AuditEntry.workshop_id == workshop_id, AuditEntry.entity == "booking",
            AuditEntry.action.in_(("booked", "joined waiting list", rules.MOVED_OUT,
                                   rules.MOVED_IN)))).all()
    booked_in_by = {e.entity_id: e.actor_label for e in entries
                    if e.action in ("booked", "joined waiting list") and e.actor_id is not None}
    moves = {e.entity_id: (e.action, (e.details or {}).get(
                 "to_booking" if e.action == rules.MOVED_OUT else "from_booking"))
             for e in entries if e.action in (rules.MOVED_OUT, rules.MOVED_IN)}
    regions = dict(db.session.execute(
        select(Booking.id, Workshop.region).join(Workshop, Booking.workshop_id == Workshop.id)
        .where(Booking.id.in_([other for _a, other in moves.values()
                               if isinstance(other, int)]))).all()) if moves else {}
    moved = {booking_id: f"Moved {'to' if action == rules.MOVED_OUT else 'from'} "
                         f"{REGIONS.get(regions[other], regions[other])}"
             for booking_id, (action, other) in moves.items() if other in regions}
    return BookingNotes(booked_in_by, moved)


def booking_window_text(workshop: Workshop, now: datetime) -> str:
    """The workshop page's "Booking" line: whether booking is open now, and why not if not.

    The window as set ("from when it is published, until the workshop starts") stops being
    true once the workshop has started, finished or been cancelled, so those say so instead.
    """
    if workshop.status == WorkshopStatus.CANCELLED:
        return "Closed: the workshop has been cancelled"
    if workshop.status == WorkshopStatus.FINISHED:
        return "Closed: the workshop has finished"
    if workshop.status == WorkshopStatus.PUBLISHED:
        # Marked finished only the morning after, so a published workshop can be over.
        if now >= workshop.ends_at:
            return "Closed: the workshop has ended"
        if now >= workshop.starts_at:
            return "Closed: the workshop has started"
        if workshop.booking_window_state(now) == "closed":
            # The window binds the public only: organisers book people in until the start.
            return (f"Closed to the public since {date_time(workshop.booking_closes_at)}. You "
                    "can still book someone in until the workshop starts")
    opens = (f"from {date_time(workshop.booking_opens_at)}" if workshop.booking_opens_at
             else "from when it is published")
    closes = (f"until {date_time(workshop.booking_closes_at)}" if workshop.booking_closes_at
              else "until the workshop starts")
    return f"Open {opens}, {closes}"


def _matches(found: Booking, query: str) -> bool:
    """Search by any part of the name, email, organisation or reference, ignoring case."""
    needle = query.casefold()
    return any(needle in value.casefold() for value in
               (found.name, found.email, found.organisation, found.reference))


def _latest_series_workshops(series: Series) -> list[Workshop]:
    """The workshops of the most recently started other series that has any."""
    latest = db.session.scalar(
        select(Workshop.series_id).where(Workshop.series_id != series.id)
        .order_by(Workshop.starts_at.desc()).limit(1))
    if latest is None:
        return []
    return list(db.session.scalars(
        select(Workshop).where(Workshop.series_id == latest).order_by(Workshop.starts_at)))


@bp.route("/series/<int:series_id>/workshops/new", methods=["GET", "POST"])
def new_workshop(series_id: int) -> ResponseReturnValue:
    series = db.get_or_404(Series, series_id)
    venues = _venues()
    siblings = list(db.session.scalars(
        select(Workshop).where(Workshop.series_id == series.id).order_by(Workshop.starts_at)))
    # A new series (next year's programme) copies from the last one that has workshops.
    copy_from = siblings or _latest_series_workshops(series)
    # ?like=<id>: start from a copy of one of those workshops (any other id: no copy).
    like = next((w for w in copy_from if w.id == request.args.get("like", type=int)), None)
    copied = like is not None and request.method == "GET"  # a POST carries its own values
    form = NewWorkshopForm(data=copied_form_data(like) if copied else None)
    form.set_venues(venues)
    taken = {w.region for w in siblings}
    if venues and form.validate_on_submit():
        if form.region.data in taken:
            attach(form, "region", _region_taken_message(form.region.data))
        else:
            try:
                made = scheduling.create_workshop(series.id, form.values(), actor=current_user)
            except IntegrityError:
                # Another organiser added this region a moment ago.
                db.session.rollback()
                attach(form, "region", _region_taken_message(form.region.data))
            else:
                flash("Workshop saved as a draft. Check it, then publish it so that people "
                      "can book.", "success")
                return _back_to(made.id)
    # The list offers the regions still free; one taken while the page was open stays in it
    # when chosen, so that its message (region taken) sits beside a choice that says it.
    form.region.choices = [choice for choice in form.region.choices
                           if choice.value not in taken or choice.value == form.region.data]
    return form_response("organiser/workshop_new.html", form, series=series, venues=venues,
                         siblings=siblings, copy_from=copy_from, like=like,
                         free_regions=[name for key, name in REGIONS.items() if key not in taken])


def _programme_mismatch(found: Workshop) -> str | None:
    starts, ends = clock.london(found.starts_at), clock.london(found.ends_at)
    return programme_mismatch(found.programme_items, starts.time(),
                              ends.time() if ends.date() == starts.date() else None)


@bp.get("/workshops/<int:workshop_id>")
def workshop(workshop_id: int) -> str:
    found = db.get_or_404(Workshop, workshop_id)
    bookings, queue = bookings_in_order(found.id)
    counts = counts_by_workshop([found.id])[found.id]
    # What the venue and caterers must arrange for, from everyone holding a place.
    needs = [b for b in bookings
             if b.status in HOLDS_PLACE and (b.access_needs.strip() or b.dietary_needs.strip())]
    query = request.args.get("q", "").strip()
    if query:
        bookings = [b for b in bookings if _matches(b, query)]
    now = clock.now()
    # A cancelled workshop has no places to offer, whatever its capacity was.
    places_left = (None if found.status == WorkshopStatus.CANCELLED
                   else max(found.capacity - counts["confirmed"] - counts["offered"], 0))
    return render_template("organiser/workshop.html", workshop=found, bookings=bookings,
                           queue=queue, counts=counts, needs=needs, now=now,
                           query=query, notes=booking_notes(found.id),
                           booking_window=booking_window_text(found, now),
                           places_left=places_left,
                           programme_mismatch=_programme_mismatch(found))


@bp.route("/workshops/<int:workshop_id>/edit", methods=["GET", "POST"])
def edit_workshop(workshop_id: int) -> ResponseReturnValue:
    found = db.get_or_404(Workshop, workshop_id)
    if (closed := _closed(found)) is not None:
        return closed
    form = EditWorkshopForm(data=workshop_form_data(found))
    form.reference_start = found.starts_at
    if form.validate_on_submit():
        values = form.details_values()
        if _region_taken(found.series_id, values["region"], found.id):
            attach(form, "region", _region_taken_message(values["region"]))
        else:
            try:
                changes = scheduling.update_workshop(found.id, values, actor=current_user)
            except rules.BookingRefused as refusal:
                attach(form, refusal.field, refusal.message)
            except IntegrityError:
                attach(form, "region", _region_taken_message(values["region"]))
            except TransitionNotAllowed:
                flash("This workshop has been cancelled or has finished, so it was not changed.")
                return _back_to(found.id)
            else:
                flash("Workshop saved" if changes else "Nothing was changed",
                      "success" if changes else "info")
                return _back_to(found.id)
    return form_response("organiser/workshop_edit.html", form, workshop=found)


def _who_hears_of_move(workshop: Workshop) -> tuple[list[Booking], list[Booking]]:
    """(people emailed an updated invite, people on the waiting list emailed the change).

    `scheduling.update_workshop` emails both, and only once the workshop is published; the
    page must say exactly that, not more.
    """
    if workshop.status != WorkshopStatus.PUBLISHED:
        return [], []
    people = scheduling.people_to_tell(workshop.id)
    return ([p for p in people if p.status in HOLDS_PLACE],
            [p for p in people if p.status == BookingStatus.WAITING])


@bp.route("/workshops/<int:workshop_id>/move", methods=["GET", "POST"])
def move_workshop(workshop_id: int) -> ResponseReturnValue:
    found = db.get_or_404(Workshop, workshop_id)
    if (closed := _closed(found)) is not None:
        return closed
    form = MoveWorkshopForm(data=workshop_form_data(found))
    form.set_venues(_venues())
    form.booking_opens_at, form.booking_closes_at = found.booking_opens_at, found.booking_closes_at
    if not form.validate_on_submit():
        return form_response("organiser/workshop_move.html", form, workshop=found)
    values = form.when_where_values()
    if all(getattr(found, field) == value for field, value in values.items()):
        flash("Nothing was changed: the date, time and venue are the same as before.", "info")
        return _back_to(found.id)
    answer = request.form.get("confirmed")
    if answer == "change":  # back from the confirmation page, with what was typed
        return form_response("organiser/workshop_move.html", form, workshop=found)
    told, waiting = _who_hears_of_move(found)
    if answer != "yes":
        # The confirmation page carries what was typed in hidden fields; nothing is saved yet.
        return render_template("organiser/workshop_move_confirm.html", form=form,
                               workshop=found, new=values, new_venue=db.session.get(
                                   Venue, values["venue_id"]), told=told, waiting=waiting)
    try:
        scheduling.update_workshop(found.id, values, actor=current_user)
    except TransitionNotAllowed:
        flash("This workshop has been cancelled or has finished, so it was not moved.")
        return _back_to(found.id)
    told_waiting = (f" {len(waiting)} on the waiting list {'has' if len(waiting) == 1 else 'have'}"
                    " been emailed the change." if waiting else "")
    flash(f"Workshop moved. {_people(len(told))} been emailed an updated calendar invite."
          f"{told_waiting}" if told or waiting else
          "Workshop moved. No one needed to be emailed.", "success")
    return _back_to(found.id)


def _people(number: int) -> str:
    return "1 person has" if number == 1 else f"{number} people have"


@bp.route("/workshops/<int:workshop_id>/publish", methods=["GET", "POST"])
def publish_workshop(workshop_id: int) -> ResponseReturnValue:
    found = db.get_or_404(Workshop, workshop_id)
    if found.status != WorkshopStatus.DRAFT:
        flash(f"This workshop {found.status_phrase}: only a draft can be published.")
        return _back_to(found.id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            scheduling.publish_workshop(found.id, actor=current_user)
        except TransitionNotAllowed:
            flash("This workshop had already been published or cancelled.")
        else:
            flash("Workshop published. It is on the public site and people can book when "
                  "booking opens.", "success")
        return _back_to(found.id)
    return render_template("organiser/workshop_publish.html", form=form, workshop=found,
                           now=clock.now())


@bp.route("/workshops/<int:workshop_id>/cancel", methods=["GET", "POST"])
def cancel_workshop(workshop_id: int) -> ResponseReturnValue:
    found = db.get_or_404(Workshop, workshop_id)
    if (closed := _closed(found)) is not None:
        return closed
    form = CancelWorkshopForm()
    if form.validate_on_submit():
        try:
            told = scheduling.cancel_workshop(found.id, actor=current_user,
                                              reason=form.reason.data or "")
        except TransitionNotAllowed:
            flash("This workshop had already been cancelled or has finished.")
        else:
            flash(f"Workshop cancelled. {_people(told)} been emailed." if told
                  else "Workshop cancelled. No one had booked, so no one was emailed.",
                  "success")
        return _back_to(found.id)
    return render_template("organiser/workshop_cancel.html", form=form, workshop=found,
                           people=scheduling.people_to_tell(found.id)), \
        422 if form.errors else 200


@bp.route("/bookings/<int:booking_id>/cancel", methods=["GET", "POST"])
def cancel_booking(booking_id: int) -> ResponseReturnValue:
    found = db.get_or_404(Booking, booking_id)
    workshop_id = found.workshop_id
    if found.status not in ACTIVE:
        flash(f"Booking {found.reference} is already {status_label(found.status).lower()}.")
        return _back_to(workshop_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        name, reference = found.name, found.reference
        waiting_entry = found.status == BookingStatus.WAITING
        try:
            rules.cancel(found.id, actor=current_user)
        except (TransitionNotAllowed, rules.BookingRefused):
            flash(f"Booking {reference} had already been cancelled.")
        else:
            # Said as the organiser chose it: a waiting-list entry is removed, not "cancelled".
            done = "taken off the waiting list" if waiting_entry else "cancelled"
            flash(f"{name} ({reference}) {done}. They have been emailed.", "success")
        return _back_to(workshop_id)
    _bookings, queue = bookings_in_order(workshop_id)
    position = next((n for n, b in enumerate(queue, start=1) if b.id == found.id), None)
    return render_template("organiser/booking_cancel.html", form=form, booking=found,
                           workshop=found.workshop, position=position, waiting=len(queue),
                           on_the_day=rules.offers_stopped(found.workshop))
