"""Calendar invites and feeds, read back by an independent parser (vobject)."""

from __future__ import annotations

from datetime import UTC, datetime

import vobject

from tests.conftest import make_workshop
from workshops import booking, calendars, clock, scheduling
from workshops.extensions import db
from workshops.models import Booking, User, Venue


def _parse(data: bytes | str):  # noqa: ANN202
    return vobject.readOne(data.decode() if isinstance(data, bytes) else data)


def _invite_part(message) -> str:  # noqa: ANN001
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            return part.get_content()
    raise AssertionError("no text/calendar part")


def _bst_workshop(**overrides):  # noqa: ANN202
    # 9:30 London on 20 April 2010 is 08:30 UTC (BST); 16 March 2010 is 09:30 UTC (GMT).
    starts = clock.from_london(datetime(2010, 4, 20, 9, 30))
    return make_workshop(starts_at=starts,
                         ends_at=clock.from_london(datetime(2010, 4, 20, 16, 0)), **overrides)


def _book(workshop, organiser: User, email: str = "zoe@example.org") -> Booking:  # noqa: ANN001
    # These workshops are in 2010, closed to the public; an organiser may book on one's behalf.
    delegate = booking.Delegate(name="Zoë Brontë", email=email, organisation="Kent County Council")
    return booking.book(workshop.id, delegate, actor=organiser)


def test_confirmation_invite_parses_with_right_utc_instants(app, mailbox, organiser):
    workshop = _bst_workshop()
    made = _book(workshop, organiser)
    message = mailbox.to("zoe@example.org")[-1]
    cal = _parse(_invite_part(message))
    assert cal.method.value == "REQUEST"
    assert hasattr(cal, "vtimezone") and cal.vtimezone.tzid.value == "Europe/London"
    event = cal.vevent
    assert event.dtstart.value.astimezone(UTC) == datetime(2010, 4, 20, 8, 30, tzinfo=UTC)
    assert event.dtend.value.astimezone(UTC) == datetime(2010, 4, 20, 15, 0, tzinfo=UTC)
    assert event.uid.value == calendars.booking_uid(made)
    assert event.sequence.value == "0"
    assert event.organizer.value.lower().startswith("mailto:")
    assert event.attendee.value == "mailto:zoe@example.org"
    assert "Royal Station Hotel" in event.location.value
    assert f"/booking/{made.token}" in event.description.value
    # And the attachment carries the same invite for clients that ignore the inline part.
    attachments = [p for p in message.iter_attachments() if p.get_filename() == "invite.ics"]
    assert attachments and b"METHOD:REQUEST" in attachments[0].get_content()


def test_winter_workshop_in_gmt(app, organiser):
    starts = clock.from_london(datetime(2010, 3, 16, 9, 30))
    workshop = make_workshop(starts_at=starts, ends_at=clock.from_london(
        datetime(2010, 3, 16, 16, 0)))
    made = _book(workshop, organiser)
    cal = _parse(calendars.invite(made, manage_url="http://x/", organiser="o@example.org"))
    assert cal.vevent.dtstart.value.astimezone(UTC) == datetime(2010, 3, 16, 9, 30, tzinfo=UTC)


def test_calendar_files_carry_no_warning_that_their_time_zone_stops_working(
        app, client, mailbox, organiser):
    workshop = _bst_workshop()
    _book(workshop, organiser)
    invite = _invite_part(mailbox.to("zoe@example.org")[-1])
    feed = client.get(f"/series/{workshop.series.slug}/calendar.ics").get_data(as_text=True)
    for text in (invite, feed):
        timezone = text.split("BEGIN:VTIMEZONE", 1)[1].split("END:VTIMEZONE", 1)[0]
        assert "COMMENT" not in timezone and "only works" not in text, timezone
        # The zone still says what London's clocks read on the day: British Summer Time.
        assert "TZNAME:BST" in timezone
        assert _parse(text).vevent.dtstart.value.astimezone(UTC) == \
            datetime(2010, 4, 20, 8, 30, tzinfo=UTC)


def test_moving_a_workshop_sends_update_with_raised_sequence(app, mailbox, organiser):
    workshop = _bst_workshop()
    made = _book(workshop, organiser)
    new_start = clock.from_london(datetime(2010, 4, 21, 10, 0))
    scheduling.update_workshop(workshop.id, {"starts_at": new_start,
                                             "ends_at": clock.from_london(
                                                 datetime(2010, 4, 21, 16, 0))},
                               actor=organiser)
    update = mailbox.to("zoe@example.org")[-1]
    assert "Workshop changed" in update["Subject"]
    event = _parse(_invite_part(update)).vevent
    assert event.uid.value == calendars.booking_uid(made)
    assert event.sequence.value == "1"
    assert event.dtstart.value.astimezone(UTC) == datetime(2010, 4, 21, 9, 0, tzinfo=UTC)
    assert "Wednesday 21 April 2010, 10am to 4pm" in update.get_body(("plain",)).get_content()


def test_moving_venue_also_updates(app, mailbox, organiser):
    workshop = _bst_workshop()
    _book(workshop, organiser)
    venue = Venue(name="Centre for Life", address="Times Square", town="Newcastle upon Tyne",
                  postcode="NE1 4EP")
    db.session.add(venue)
    db.session.commit()
    scheduling.update_workshop(workshop.id, {"venue_id": venue.id}, actor=organiser)
    event = _parse(_invite_part(mailbox.to("zoe@example.org")[-1])).vevent
    assert "Centre for Life" in event.location.value and event.sequence.value == "1"


def test_cancelling_booking_sends_method_cancel_with_same_uid(app, mailbox, organiser):
    workshop = _bst_workshop()
    made = _book(workshop, organiser)
    booking.cancel(made.id)
    cal = _parse(_invite_part(mailbox.to("zoe@example.org")[-1]))
    assert cal.method.value == "CANCEL"
    assert cal.vevent.uid.value == calendars.booking_uid(made)
    assert cal.vevent.status.value == "CANCELLED"


def test_booking_again_after_cancelling_is_a_new_event_and_the_cancel_a_new_revision(
        app, mailbox, organiser):
    # Calendars keep an event by UID and act on a message only if its SEQUENCE is no older
    # than what they hold: the cancellation must be newer than the invite, and booking again
    # must be an event of its own, or some calendars ignore it after the cancellation.
    workshop = _bst_workshop()
    first = _book(workshop, organiser)
    booking.change_details(first.id, booking.Delegate(
        name="Zoë Renamed", email="zoe@example.org", organisation="Kent County Council"))
    booking.cancel(first.id)
    _book(workshop, organiser)
    sent = [_parse(_invite_part(m)) for m in mailbox.to("zoe@example.org")]
    assert [c.method.value for c in sent] == ["REQUEST", "REQUEST", "CANCEL", "REQUEST"]
    invite, changed, cancelled, again = (c.vevent for c in sent)
    assert invite.uid.value == changed.uid.value == cancelled.uid.value
    assert int(cancelled.sequence.value) > int(changed.sequence.value)
    assert again.uid.value != invite.uid.value
    # The workshop's own UID is the public feeds'; no delegate's event takes it.
    assert workshop.calendar_uid not in {invite.uid.value, again.uid.value}


def test_cancelling_workshop_sends_cancel_to_everyone(app, mailbox, organiser):
    workshop = _bst_workshop(capacity=1)
    made = _book(workshop, organiser, "first@example.org")
    _book(workshop, organiser, "second@example.org")
    told = scheduling.cancel_workshop(workshop.id, actor=organiser)
    assert told == 2
    first = _parse(_invite_part(mailbox.to("first@example.org")[-1]))
    assert first.method.value == "CANCEL"
    assert first.vevent.uid.value == calendars.booking_uid(made)
    waiting = mailbox.to("second@example.org")[-1]
    assert "Workshop cancelled" in waiting["Subject"]
    assert not any(p.get_content_type() == "text/calendar" for p in waiting.walk())


def _plain(message) -> str:  # noqa: ANN001
    return message.get_body(("plain",)).get_content()


def test_each_email_says_whether_a_calendar_file_is_attached(app, mailbox, organiser):
    # The text must match the attachments: a delegate who booked is told their calendar entry
    # is cancelled, someone who was only waiting is not told they booked.
    workshop = _bst_workshop(capacity=1)
    made = _book(workshop, organiser, "first@example.org")
    _book(workshop, organiser, "second@example.org")
    booking.change_details(made.id, booking.Delegate(
        name="Zoë Renamed", email="first@example.org", organisation="Gateshead Council"))
    changed = mailbox.to("first@example.org")[-1]
    assert "An updated calendar invite is attached." in _plain(changed)
    scheduling.cancel_workshop(workshop.id, actor=organiser)
    booked, waiting = mailbox.to("first@example.org")[-1], mailbox.to("second@example.org")[-1]
    assert "the workshop you booked has been cancelled. A calendar cancellation is attached." \
        in _plain(booked)
    assert "the workshop you were waiting for has been cancelled." in _plain(waiting)
    assert "calendar cancellation" not in _plain(waiting)


def test_cancelling_a_place_says_the_calendar_entry_goes_and_who_cancelled(app, mailbox,
                                                                           organiser):
    workshop = _bst_workshop()
    mine = _book(workshop, organiser)
    theirs = _book(workshop, organiser, "second@example.org")
    booking.cancel(mine.id)
    booking.cancel(theirs.id, actor=organiser)
    asked = _plain(mailbox.to("zoe@example.org")[-1])
    assert "Your booking has been cancelled, as you asked. A calendar cancellation is " \
        "attached so the workshop leaves your calendar." in asked
    assert "The organisers have cancelled your booking." in \
        _plain(mailbox.to("second@example.org")[-1])


def test_series_and_region_feeds(client, app):
    workshop = _bst_workshop()
    make_workshop(series=workshop.series, region="london", starts_at=workshop.starts_at,
                  ends_at=workshop.ends_at)
    make_workshop(series=workshop.series, region="south-west", status="draft",
                  starts_at=workshop.starts_at, ends_at=workshop.ends_at)
    slug = workshop.series.slug
    series_feed = client.get(f"/series/{slug}/calendar.ics")
    assert series_feed.mimetype == "text/calendar"
    cal = _parse(series_feed.data)
    assert len(cal.vevent_list) == 2  # the draft is not published
    assert cal.method.value == "PUBLISH"
    regional = _parse(client.get(f"/series/{slug}/london/calendar.ics").data)
    assert len(regional.vevent_list) == 1
    assert client.get(f"/series/{slug}/atlantis/calendar.ics").status_code == 404


def test_invite_download_from_manage_page(client, app, organiser):
    made = _book(_bst_workshop(), organiser)
    response = client.get(f"/booking/{made.token}/invite.ics")
    assert response.mimetype == "text/calendar"
    assert _parse(response.data).vevent.uid.value == calendars.booking_uid(made)
