"""The e-mails that booking events send. Each says why it was sent."""

from __future__ import annotations

from urllib.parse import urljoin

from flask import current_app, has_request_context

from workshops import calendars, plugins
from workshops.extensions import db
from workshops.mail import Composition, composer, queue_mail, queue_mail_later
from workshops.models import Booking, OutboxMessage
from workshops.urls import external_url


def manage_url(booking: Booking) -> str:
    return external_url("booking.manage", token=booking.token)


def organiser_address() -> str:
    """The bare address of MAIL_DEFAULT_SENDER: the ORGANIZER of every calendar event."""
    return current_app.config["MAIL_DEFAULT_SENDER"].rpartition("<")[2].rstrip(">")


def invite(booking: Booking, *, cancel: bool = False) -> bytes:
    return calendars.invite(booking, manage_url=manage_url(booking), cancel=cancel,
                            organiser=organiser_address())


def booking_links(found: Booking) -> list[tuple[str, str]]:
    """What the enabled plugins link to from a booking (the delegate pack), as absolute URLs.

    The core does not know the packs plugin's pages; it asks every plugin for its links, as the
    booking page does, and makes them absolute for an e-mail read far from the site.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    root = external_url("public.index")
    if has_request_context():
        found_links = plugins.links(app, "booking", found)
    else:
        with app.test_request_context(base_url=root):
            found_links = plugins.links(app, "booking", found)
    return [(label, urljoin(root, href)) for label, href in found_links]


def _send(booking: Booking, template: str, subject: str, reason: str, *,
          calendar: bytes | None = None, method: str | None = None, **context) -> None:
    queue_mail(
        booking.email, template, subject, reason=reason, calendar=calendar,
        calendar_method=method, workshop_id=booking.workshop_id, booking_id=booking.id,
        booking=booking, workshop=booking.workshop, manage_url=manage_url(booking), **context,
    )


# What the booking composer's e-mails are called, before ": <the workshop's title>".
SUBJECTS = {"booking_confirmed": "Place confirmed", "booking_waitlisted": "Waiting list"}


def _send_later(booking: Booking, template: str, reason: str, *, method: str | None = None,
                **context: object) -> None:
    """As _send, for the e-mails a booking rush sends: written by the worker that sends them,
    from the booking as committed, so none of it (not even the subject, which names the
    series) is done while the workshop is locked."""
    queue_mail_later(booking.email, template, composer="booking", reason=reason,
                     calendar_method=method, workshop_id=booking.workshop_id,
                     booking_id=booking.id, **context)


@composer("booking")
def _compose(row: OutboxMessage) -> Composition:
    booking = db.session.get(Booking, row.booking_id)
    if booking is None:
        raise LookupError(f"booking {row.booking_id} of mail {row.id} no longer exists")
    context = {"booking": booking, "workshop": booking.workshop,
               "manage_url": manage_url(booking)}
    if (row.context or {}).get("links"):
        context["links"] = booking_links(booking)
    calendar = invite(booking) if row.calendar_method == "REQUEST" else None
    return Composition(f"{SUBJECTS[row.template]}: {booking.workshop.display_title}", context,
                       calendar)


def confirmed(booking: Booking) -> None:
    # With the plugins' links (the delegate pack, the practice form), as the reminder has:
    # the confirmation is the e-mail a delegate keeps.
    _send_later(booking, "booking_confirmed", "you booked a place", method="REQUEST",
                links=True)


def waitlisted(booking: Booking, position: int) -> None:
    _send_later(booking, "booking_waitlisted", "you joined the waiting list", position=position)


def offered(booking: Booking) -> None:
    _send(booking, "place_offered", f"A place is free: {booking.workshop.display_title}",
          "a place came free and you were next on the waiting list",
          accept_url=external_url("booking.offer", token=booking.token))


def offer_expired(booking: Booking) -> None:
    _send(booking, "offer_expired", f"Offer expired: {booking.workshop.display_title}",
          "the place we held for you was not accepted in time")


def cancelled(booking: Booking, *, by_organiser: bool, had_place: bool) -> None:
    _send(booking, "booking_cancelled", f"Booking cancelled: {booking.workshop.display_title}",
          "your booking was cancelled", by_organiser=by_organiser,
          calendar=invite(booking, cancel=True) if had_place else None,
          method="CANCEL" if had_place else None)


def details_changed(booking: Booking, changes: dict) -> None:
    _send(booking, "booking_changed", f"Booking updated: {booking.workshop.display_title}",
          "the details of your booking were changed", changes=changes,
          calendar=invite(booking) if booking.status == "confirmed" else None,
          method="REQUEST" if booking.status == "confirmed" else None)


def workshop_moved(booking: Booking, changes: dict) -> None:
    _send(booking, "workshop_changed", f"Workshop changed: {booking.workshop.display_title}",
          "the date, time or venue of a workshop you booked has changed", changes=changes,
          calendar=invite(booking), method="REQUEST")


def workshop_moved_waiting(booking: Booking, changes: dict) -> None:
    _send(booking, "workshop_changed_waiting",
          f"Workshop changed: {booking.workshop.display_title}",
          "you are on the waiting list for a workshop whose date, time or venue has changed",
          changes=changes)


def workshop_cancelled(booking: Booking, *, had_place: bool) -> None:
    _send(booking, "workshop_cancelled",
          f"Workshop cancelled: {booking.workshop.display_title}",
          "a workshop you booked or were waiting for has been cancelled",
          calendar=invite(booking, cancel=True) if had_place else None,
          method="CANCEL" if had_place else None)


def links_reminder(email: str, bookings: list[Booking]) -> None:
    queue_mail(email, "your_links", "Your workshop bookings", reason="someone asked us to "
               "e-mail the links to manage the bookings made with this address",
               bookings=[(b, manage_url(b)) for b in bookings])
