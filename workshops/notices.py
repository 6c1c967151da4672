"""The emails that booking events send. Each says why it was sent."""

from __future__ import annotations

from urllib.parse import urljoin

from flask import current_app
from sqlalchemy import select

from workshops import calendars, clock, plugins
from workshops.config import contact_email
from workshops.extensions import db
from workshops.formatting import day, short_day
from workshops.mail import Composition, composer, queue_mail, queue_mail_later
from workshops.models import (
    Booking,
    BookingStatus,
    OutboxMessage,
    Series,
    Workshop,
    WorkshopStatus,
)
from workshops.urls import external_url


def manage_url(booking: Booking) -> str:
    return external_url("booking.manage", token=booking.token)


def organiser_address() -> str:
    """The ORGANIZER of every calendar event: the address people are told to write to, where a
    reply to the invite goes."""
    return contact_email(current_app.config)


def invite(booking: Booking, *, cancel: bool = False) -> bytes:
    return calendars.invite(booking, manage_url=manage_url(booking), cancel=cancel,
                            organiser=organiser_address())


def booking_links(found: Booking) -> list[tuple[str, str]]:
    """What the enabled plugins link to from a booking (the delegate pack), as absolute URLs.

    The core does not know the packs plugin's pages; it asks every plugin for its links, as the
    booking page does, and makes them absolute for an email read far from the site. Called as
    an email is written, in a request made for the address its links should name.
    """
    root = external_url("public.index")
    return [(label, urljoin(root, href))
            for label, href in plugins.links(current_app, "booking", found)]


# Each booking email's subject: `title` is the workshop's, `day` the day it is held.
SUBJECTS = {
    "booking_confirmed": "Place confirmed: {title}",
    "booking_waitlisted": "Waiting list: {title}",
    "place_offered": "A place is free: {title}",
    "offer_expired": "Offer expired: {title}",
    "offer_declined": "Place declined: {title}",
    "booking_cancelled": "Booking cancelled: {title}",
    "booking_changed": "Booking updated: {title}",
    "booking_email_changed": "Your booking moved to another email address: {title}",
    "workshop_changed": "Workshop changed: {title}",
    "workshop_changed_waiting": "Workshop changed: {title}",
    "workshop_cancelled": "Workshop cancelled: {title}",
    "workshop_reminder": "Reminder: {title}, {day}",
}


def _send(booking: Booking, template: str, reason: str, *, method: str | None = None,
          **context: object) -> None:
    """Queue a booking email, to be written by the worker that sends it from the booking as
    committed. Every booking email is queued while the workshop's lock is held (a booking in a
    rush, or an organiser's change told to a whole workshop at once), so none of it is
    rendered there, not even the subject, which names the series.

    `method` is the calendar file's: REQUEST (an invite or its update) or CANCEL. `context`
    is JSON for the templates; links=True adds the plugins' links, accept=True the link that
    answers an offered place, elsewhere=True the series' page of other regions.
    """
    queue_mail_later(booking.email, template, composer="booking", reason=reason,
                     calendar_method=method, workshop_id=booking.workshop_id,
                     booking_id=booking.id, **context)


@composer("booking")
def _compose(row: OutboxMessage) -> Composition:
    booking = db.session.get(Booking, row.booking_id)
    if booking is None:
        raise LookupError(f"booking {row.booking_id} of mail {row.id} no longer exists")
    queued = row.context or {}
    context = {"booking": booking, "workshop": booking.workshop,
               "manage_url": manage_url(booking)}
    if queued.get("links"):
        context["links"] = booking_links(booking)
    if queued.get("elsewhere"):  # where else to go: the series' other regions
        context["series_url"] = external_url("public.series", slug=booking.workshop.series.slug)
    if queued.get("accept"):
        context["accept_url"] = external_url("booking.offer", token=booking.token)
    calendar = (invite(booking) if row.calendar_method == "REQUEST"
                else invite(booking, cancel=True) if row.calendar_method == "CANCEL" else None)
    subject = SUBJECTS[row.template].format(title=booking.workshop.display_title,
                                            day=day(booking.workshop.starts_at))
    return Composition(subject, context, calendar)


def confirmed(booking: Booking, *, booked_by: str = "delegate") -> None:
    """`booked_by`: "delegate", "organiser", "desk" (a walk-in) or "desk-waiting" (given a
    place from the waiting list at check-in). Someone the organisers booked in (by phone, say)
    is told so, not told that they booked."""
    # With the plugins' links (the delegate pack, the practice form), as the reminder has:
    # the confirmation is the email a delegate keeps.
    reason = {"delegate": "you booked a place",
              "organiser": "the workshop’s organisers booked a place for you",
              "desk": "you were registered at the workshop on the day",
              "desk-waiting": "you were on the waiting list and were given a place when you "
                              "arrived at the workshop"}[booked_by]
    _send(booking, "booking_confirmed", reason, method="REQUEST", links=True,
          booked_by=booked_by)


def waitlisted(booking: Booking, position: int, *, booked_by: str = "delegate") -> None:
    reason = ("the workshop’s organisers put you on its waiting list" if booked_by == "organiser"
              else "you joined the waiting list")
    _send(booking, "booking_waitlisted", reason, position=position, booked_by=booked_by)


def offered(booking: Booking) -> None:
    _send(booking, "place_offered", "a place came free and you were next on the waiting list",
          accept=True)


def offer_expired(booking: Booking) -> None:
    # With where to go next: the series' page leads to this workshop's form and the others.
    _send(booking, "offer_expired", "the place we held for you was not accepted in time",
          elsewhere=True)


def offer_declined(booking: Booking) -> None:
    # Declining is for good: the email is the delegate's record of it, and says where else
    # to go, as the one for an offer that lapsed does.
    _send(booking, "offer_declined", "you declined the place we offered you", elsewhere=True)


def cancelled(booking: Booking, *, by_organiser: bool, had_place: bool) -> None:
    _send(booking, "booking_cancelled", "your booking was cancelled",
          method="CANCEL" if had_place else None, by_organiser=by_organiser)


def moved(old: Booking, new: Booking, *, had_place: bool, by_organiser: bool) -> None:
    """A booking moved to another workshop: the new place's confirmation, saying so, and, if
    the old booking held a place, its calendar cancellation."""
    if had_place:
        _send(old, "booking_cancelled", "your booking moved to another workshop",
              method="CANCEL", by_organiser=by_organiser,
              moved_to=new.workshop.display_title)
    _send(new, "booking_confirmed", "your booking moved to this workshop", method="REQUEST",
          links=True, booked_by="organiser" if by_organiser else "delegate",
          moved_from=old.workshop.display_title)


def details_changed(booking: Booking, *, by_organiser: bool = False) -> None:
    reason = ("the workshop’s organisers changed the details of your booking" if by_organiser
              else "the details of your booking were changed")
    _send(booking, "booking_changed", reason,
          method="REQUEST" if booking.status == "confirmed" else None,
          by_organiser=by_organiser)


def email_changed(booking: Booking, old_address: str, *, by_organiser: bool = False) -> None:
    """Tell the address a booking leaves that it has left: whoever holds the booking's link
    can change its address, and the person it was made for should hear of it, as a service
    tells an account's old address when the address changes."""
    queue_mail_later(old_address, "booking_email_changed", composer="booking",
                     reason="the booking was made with this email address",
                     workshop_id=booking.workshop_id, booking_id=booking.id,
                     by_organiser=by_organiser)


def workshop_moved(booking: Booking, changes: list[str]) -> None:
    _send(booking, "workshop_changed",
          "the date, time or venue of a workshop you booked has changed",
          method="REQUEST", changes=changes)


def workshop_moved_waiting(booking: Booking, changes: list[str]) -> None:
    _send(booking, "workshop_changed_waiting",
          "you are on the waiting list for a workshop whose date, time or venue has changed",
          changes=changes)


def reminder(booking: Booking, when: str) -> None:
    # With the links, as the confirmation has: the pack is most wanted in the days before.
    _send(booking, "workshop_reminder",
          "you have a place at this workshop and it is coming up soon", method="REQUEST",
          links=True, when=when)


def workshop_cancelled(booking: Booking, *, had_place: bool, reason: str = "") -> None:
    _send(booking, "workshop_cancelled",
          "a workshop you booked or were waiting for has been cancelled",
          method="CANCEL" if had_place else None, reason_given=reason, elsewhere=True)


def links_reminder(email: str, bookings: list[Booking]) -> None:
    queue_mail(email, "your_links", "Your workshop bookings", reason="someone asked us to "
               "email the links to manage the bookings made with this address",
               bookings=[(b, manage_url(b)) for b in bookings])


def _how_it_ended(booking: Booking) -> str:
    if booking.status == BookingStatus.DECLINED:
        return "You declined the place you were offered"
    if booking.status == BookingStatus.EXPIRED:
        return "The place you were offered was not accepted in time"
    said = f"Cancelled on {short_day(booking.cancelled_at)}" if booking.cancelled_at \
        else "Cancelled"
    if booking.workshop.status == WorkshopStatus.CANCELLED:
        said += " (the workshop was cancelled)"
    return said


def no_current_bookings(email: str, ended: list[Booking]) -> None:
    """Answer someone who asked for their links when every booking made with the address has
    ended: which bookings, how each ended, and where to book again (the series among theirs
    that still have workshops to come, and every workshop)."""
    theirs = {b.workshop.series_id: b.workshop.series for b in ended}
    to_come = set(db.session.scalars(
        select(Workshop.series_id).where(Workshop.series_id.in_(theirs),
                                         Workshop.status == WorkshopStatus.PUBLISHED,
                                         Workshop.ends_at >= clock.now())))
    series: list[tuple[Series, str]] = [
        (s, external_url("public.series", slug=s.slug))
        for series_id, s in theirs.items() if series_id in to_come]
    queue_mail(email, "no_current_bookings", "Your workshop bookings", reason="someone asked "
               "us to email the links to manage the bookings made with this address",
               bookings=[(b, _how_it_ended(b)) for b in ended], series=series,
               all_workshops_url=external_url("public.index"))
