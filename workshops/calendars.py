"""iCalendar invites, updates, cancellations and subscribable feeds.

A delegate's invites carry their booking's own UID (the feeds, the workshop's) and the
workshop's SEQUENCE, and every calendar includes a VTIMEZONE for Europe/London so that
clients that ignore TZID lookups still place it right.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from icalendar import Calendar, Event, Timezone, vCalAddress, vText

from workshops import clock
from workshops.mail import smtp_address
from workshops.models import Booking, Workshop

PRODID = "-//Knowledge workshops//Bookings//EN"
TZID = "Europe/London"


def _calendar(method: str | None, name: str | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
        cal.add("x-wr-timezone", TZID)
    return cal


def _timezone(first: datetime, last: datetime) -> Timezone:
    # Transitions for the span of the events (plus a year either side) keep the file small.
    timezone = Timezone.from_tzid(
        TZID, first_date=(first - timedelta(days=366)).date(),
        last_date=(last + timedelta(days=366)).date(),
    )
    # icalendar states the span in a COMMENT ("This timezone only works from 2009-04-20 to
    # 2011-04-20"): a delegate who opens the file, or a program that shows comments, reads
    # a warning about their event. It does not apply: every event in the file falls inside
    # the span, and that is all a VTIMEZONE has to cover.
    timezone.pop("COMMENT", None)
    return timezone


def _event(workshop: Workshop, organiser: str, description: str, *, uid: str | None = None,
           sequence: int | None = None) -> Event:
    event = Event()
    event.add("uid", uid or workshop.calendar_uid)
    event.add("sequence", workshop.calendar_sequence if sequence is None else sequence)
    event.add("dtstamp", clock.now())
    event.add("dtstart", clock.london(workshop.starts_at))
    event.add("dtend", clock.london(workshop.ends_at))
    event.add("summary", workshop.display_title)
    event.add("location", workshop.venue.one_line)
    event.add("description", description)
    organizer = vCalAddress(f"mailto:{organiser}")
    organizer.params["cn"] = vText("Knowledge workshops")
    event.add("organizer", organizer)
    return event


def booking_uid(booking: Booking) -> str:
    """The UID of one booking's event in its delegate's calendar.

    A booking's own, not the workshop's: someone who cancels and books again has a new
    event, where a second REQUEST for the UID they had just been sent a CANCEL for (at the
    same SEQUENCE) is ignored by some calendars, and the workshop stayed out of theirs."""
    return f"{booking.reference}.{booking.workshop.calendar_uid}"


def invite(
    booking: Booking, *, manage_url: str, organiser: str, cancel: bool = False
) -> bytes:
    """A METHOD:REQUEST invite for one delegate, or METHOD:CANCEL with the same UID."""
    workshop = booking.workshop
    cal = _calendar("CANCEL" if cancel else "REQUEST")
    cal.add_component(_timezone(workshop.starts_at, workshop.ends_at))
    lines = [workshop.series.title, f"Booking reference: {booking.reference}",
             f"Manage your booking: {manage_url}"]
    # A cancellation is a revision of the event: one above the invite's SEQUENCE, which
    # calendars that drop a CANCEL no newer than what they hold then act on.
    event = _event(workshop, organiser, "\n".join(lines), uid=booking_uid(booking),
                   sequence=workshop.calendar_sequence + (1 if cancel else 0))
    # A calendar address is a URI, so ASCII: the domain as the mail went to it (xn--...).
    attendee = vCalAddress(f"mailto:{smtp_address(booking.email)}")
    attendee.params["cn"] = vText(booking.name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("DECLINED" if cancel else "ACCEPTED")
    event.add("attendee", attendee)
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    cal.add_component(event)
    return cal.to_ical()


def feed(
    workshops: Iterable[Workshop], *, name: str, organiser: str, url_for_workshop
) -> bytes:
    """A subscribable calendar of published (and cancelled, marked so) workshops."""
    workshops = list(workshops)
    cal = _calendar("PUBLISH", name)
    if workshops:
        cal.add_component(_timezone(min(w.starts_at for w in workshops),
                                    max(w.ends_at for w in workshops)))
    for workshop in workshops:
        event = _event(workshop, organiser,
                       f"{workshop.series.title}\nDetails and booking: "
                       f"{url_for_workshop(workshop)}")
        event.add("status", "CANCELLED" if workshop.status == "cancelled" else "CONFIRMED")
        cal.add_component(event)
    return cal.to_ical()
