"""A delegate manages their booking through the personal link, and only through it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import select

from tests.conftest import (
    delegate_form,
    mailed_path,
    make_staff,
    make_workshop,
    queue_held,
    rows_in,
)
from workshops import booking, clock, scheduling
from workshops.extensions import db
from workshops.formatting import event_time, short_day
from workshops.models import AuditEntry, Booking, OutboxMessage, Role


def _book_through_form(client, workshop, **overrides) -> Booking:  # noqa: ANN001
    response = client.post(f"/series/{workshop.series.slug}/{workshop.region}/book",
                           data=delegate_form(**overrides))
    assert response.status_code == 303
    token = response.headers["Location"].split("/")[2]
    return db.session.scalar(select(Booking).where(Booking.token == token))


def test_needs_typed_on_several_lines_show_each_line_without_an_indent(client, workshop):
    made = _book_through_form(client, workshop,
                              access_needs="Step-free access\nHearing loop\nBSL interpreter")
    manage = client.get(f"/booking/{made.token}").text
    # One line each, as typed; the summary list's own indentation is not put before the
    # second and third (the cell keeps whitespace, so it had shown as an indent).
    assert ('<div class="app-answer">Step-free access<br>Hearing loop<br>BSL interpreter</div>'
            in manage)


def test_confirmation_page_shows_reference_and_private_link(client, workshop, mailbox):
    made = _book_through_form(client, workshop)
    page = client.get(f"/booking/{made.token}/confirmed").get_data(as_text=True)
    assert "Booking confirmed" in page and made.reference in page
    assert f"/booking/{made.token}" in page
    assert len(made.token) >= 40  # unguessable
    manage = client.get(f"/booking/{made.token}").text
    # Everything the form asked is shown back, the region and sector by name.
    # Needs keep the lines they were typed in (two needs are not run into one).
    # In a div of their own: the <dd>'s own indentation is not kept with them.
    assert re.search(r'govuk-summary-list__value">\s*<div class="app-answer">None</div>', manage)
    for shown in ("Region you work in", "Local authority children&#39;s social care",
                  "Team manager"):
        assert shown in manage
    [mail] = mailbox.to("sian@example.org")
    assert made.reference in mail.get_body(("plain",)).get_content()


def test_the_confirmation_email_repeats_the_needs_given_for_checking(client, workshop,
                                                                   mailbox):
    _book_through_form(client, workshop, access_needs="Step-free access\r\nHearing loop",
                       dietary_needs="Vegetarian")
    [mail] = mailbox.to("sian@example.org")
    plain = mail.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert ("The needs you told us about:\nAccess needs: Step-free access\n  Hearing loop\n"
            "Dietary needs: Vegetarian\n\nIf these are not right, change them through the link "
            "to manage your booking") in plain
    html = mail.get_body(("html",)).get_content()
    assert re.search(r"<th[^>]*>Access needs</th><td[^>]*pre-line[^>]*>Step-free access\r?\n"
                     r"Hearing loop</td>", html)
    assert re.search(r"<th[^>]*>Dietary needs</th><td[^>]*>Vegetarian</td>", html)
    # Someone who gave none is not asked to check an empty list.
    _book_through_form(client, workshop, email="none@example.org", dietary_needs="")
    [without] = mailbox.to("none@example.org")
    for part in ("plain", "html"):
        assert "The needs you told us about" not in without.get_body((part,)).get_content()


def test_waiting_list_page_shows_position(client):
    workshop = make_workshop(capacity=1)
    _book_through_form(client, workshop, email="first@example.org")
    form = client.get(f"/series/{workshop.series.slug}/north-east/book").get_data(as_text=True)
    assert "Join the waiting list" in form
    made = _book_through_form(client, workshop, email="second@example.org")
    page = client.get(f"/booking/{made.token}/confirmed").get_data(as_text=True)
    assert "You are on the waiting list" in page and "number <strong>1</strong>" in page


def _ended(how: str) -> Booking:
    """A booking of a workshop with one place that ended as `how` says."""
    workshop = make_workshop(capacity=1)
    first = booking.book(workshop.id, booking.Delegate(
        name="First", email="first@example.org", organisation="Council"))
    second = booking.book(workshop.id, booking.Delegate(
        name="Second", email="second@example.org", organisation="Council"))
    if how == "cancelled":
        return booking.cancel(first.id)
    if how == "moved":
        booking.move(first.id, make_workshop(series=workshop.series, region="london").id)
        return first
    booking.cancel(first.id)  # the place is offered to the second
    if how == "declined":
        return booking.decline_offer(second.id)
    current_app.config["CLOCK_OFFSET"] = timedelta(hours=workshop.offer_hours + 1)
    booking.expire_offers()
    return second


@pytest.mark.parametrize(("how", "status"), [
    ("cancelled", "Cancelled"), ("moved", "Moved to London"), ("declined", "Declined"),
    ("expired", "Offer expired")])
def test_the_confirmation_of_a_booking_that_has_ended_shows_the_booking_as_it_stands(
        client, how: str, status: str):
    ended = _ended(how)
    response = client.get(f"/booking/{ended.token}/confirmed")
    # A tab reopened later: the booking's page, with its status, not a booking made.
    assert response.status_code == 302
    assert response.headers["Location"] == f"/booking/{ended.token}"
    page = client.get(response.headers["Location"]).text
    assert status in page
    assert "Use this personal link to see, change or cancel your booking" not in page


def test_change_details(client, workshop, mailbox):
    made = _book_through_form(client, workshop)
    data = delegate_form(job_title="Head of service", dietary_needs="")
    response = client.post(f"/booking/{made.token}/change", data=data)
    assert response.status_code == 303
    db.session.refresh(made)
    assert made.job_title == "Head of service" and made.dietary_needs == ""
    assert "Booking updated" in mailbox.to("sian@example.org")[-1]["Subject"]


def test_the_details_changed_email_keeps_the_lines_needs_were_typed_in(client, workshop,
                                                                      mailbox):
    made = _book_through_form(client, workshop)
    client.post(f"/booking/{made.token}/change",
                data=delegate_form(access_needs="Step-free access\nHearing loop"))
    html = mailbox.to("sian@example.org")[-1].get_body(("html",)).get_content()
    # The cell keeps the typed line break (an HTML table cell would run them together).
    cell = re.search(r'<td style="([^"]*)">Step-free access\r?\nHearing loop</td>', html)
    assert cell and "white-space: pre-line" in cell.group(1)


def test_moving_a_booking_to_another_address_tells_the_old_one(client, workshop, mailbox):
    made = _book_through_form(client, workshop)
    mailbox.clear()
    response = client.post(f"/booking/{made.token}/change",
                           data=delegate_form(email="someone.else@example.org"))
    assert response.status_code == 303
    [updated] = mailbox.to("someone.else@example.org")
    assert "Booking updated" in updated["Subject"]
    [told] = mailbox.to("sian@example.org")
    assert told["Subject"].startswith("Your booking moved to another email address")
    said = told.get_body(("plain",)).get_content()
    assert "Someone using the link to your booking has changed the email address" in said
    assert made.reference in said and f"/booking/{made.token}" in said
    assert "someone.else@example.org" not in said  # the new address is not handed out
    # The same address in other capitals is not a move: no one is told anything more.
    mailbox.clear()
    client.post(f"/booking/{made.token}/change",
                data=delegate_form(email="Someone.Else@example.org"))
    assert mailbox.to("sian@example.org") == []


def test_change_to_an_email_already_booked_is_refused_beside_the_field(client, workshop):
    _book_through_form(client, workshop, email="taken@example.org")
    made = _book_through_form(client, workshop)
    response = client.post(f"/booking/{made.token}/change",
                           data=delegate_form(email="TAKEN@example.org"))
    assert response.status_code == 422
    assert b'id="email-error"' in response.data


def test_cancel_asks_then_cancels_and_frees_the_place(client, mailbox):
    workshop = make_workshop(capacity=1)
    made = _book_through_form(client, workshop)
    waiting = _book_through_form(client, workshop, email="next@example.org")
    ask = client.get(f"/booking/{made.token}/cancel").get_data(as_text=True)
    assert "Are you sure you want to cancel your booking?" in ask
    # True whether or not anyone is waiting (the delegate cannot see the list).
    assert "Your place will go to someone else: the next person on the waiting list, or " \
        "anyone who books." in ask
    assert db.session.get(Booking, made.id).status == "confirmed"  # asking changes nothing
    client.post(f"/booking/{made.token}/cancel", data={})
    db.session.expire_all()
    assert db.session.get(Booking, made.id).status == "cancelled"
    assert db.session.get(Booking, waiting.id).status == "offered"
    assert "Cancelled" in client.get(f"/booking/{made.token}").get_data(as_text=True)


@pytest.mark.parametrize(("capacity", "again"), [
    (2, "Book a place at this workshop"), (1, "Join the waiting list for this workshop")])
def test_the_page_after_cancelling_leads_to_booking_again(client, capacity: int, again: str):
    workshop = make_workshop(capacity=capacity)
    made = _book_through_form(client, workshop)
    _book_through_form(client, workshop, email="next@example.org")  # waiting if capacity 1
    landed = client.post(f"/booking/{made.token}/cancel", data={}, follow_redirects=True)
    assert landed.request.path == f"/booking/{made.token}"
    page = landed.text
    assert "Your booking has been cancelled" in page and "What you can do now" in page
    slug = workshop.series.slug
    assert f'href="/series/{slug}/north-east/book">{again}</a>' in page
    assert f'href="/series/{slug}">Find this workshop in another region</a>' in page
    assert 'href="/">See all workshops</a>' in page


def test_the_page_after_declining_an_offer_leads_to_booking_again(client):
    workshop = make_workshop(capacity=1)
    first = _book_through_form(client, workshop, email="first@example.org")
    second = _book_through_form(client, workshop, email="second@example.org")
    booking.cancel(first.id)  # offered to the second, who declines; no one else is waiting
    landed = client.post(f"/booking/{second.token}/decline", data={}, follow_redirects=True)
    page = landed.text
    assert "You declined the place offered to you, so it went to someone else, and you are " \
        "no longer on the waiting list." in page
    assert f'href="/series/{workshop.series.slug}/north-east/book">Book a place at this ' \
        "workshop</a>" in page
    assert f'href="/series/{workshop.series.slug}">Find this workshop in another region' in page


def test_no_way_back_to_a_workshop_not_open_for_booking(client):
    workshop = make_workshop()
    made = _book_through_form(client, workshop)
    booking.cancel(made.id)
    workshop.booking_closes_at = clock.now()
    db.session.commit()
    page = client.get(f"/booking/{made.token}").text
    assert "/north-east/book" not in page
    assert f'href="/series/{workshop.series.slug}">Find this workshop in another region' in page


def test_offer_page_accept(client, mailbox):
    workshop = make_workshop(capacity=1)
    first = _book_through_form(client, workshop, email="first@example.org")
    second = _book_through_form(client, workshop, email="second@example.org")
    booking.cancel(first.id)
    offer = client.get(f"/booking/{second.token}/offer").get_data(as_text=True)
    assert "A place is free for you" in offer
    response = client.post(f"/booking/{second.token}/offer", data={"accept-submit": "1"})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Booking, second.id).status == "confirmed"


def test_offer_page_decline(client):
    workshop = make_workshop(capacity=1)
    first = _book_through_form(client, workshop, email="first@example.org")
    second = _book_through_form(client, workshop, email="second@example.org")
    booking.cancel(first.id)
    client.post(f"/booking/{second.token}/decline", data={})
    db.session.expire_all()
    assert db.session.get(Booking, second.id).status == "declined"


def test_email_me_my_links_never_reveals_whether_an_address_is_known(client, workshop,
                                                                      mailbox):
    made = _book_through_form(client, workshop)
    known = client.post("/booking/links", data={"email": "SIAN@example.org"})
    unknown = client.post("/booking/links", data={"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    strip = lambda r, e: r.get_data(as_text=True).replace(e, "")  # noqa: E731
    assert strip(known, "SIAN@example.org") == strip(unknown, "nobody@example.org")
    links = mailbox.to("sian@example.org")[-1]
    assert links["Subject"] == "Your workshop bookings"
    assert f"/booking/{made.token}" in links.get_body(("plain",)).get_content()
    assert mailbox.to("nobody@example.org") == []


def test_asking_for_links_when_every_booking_was_cancelled_says_so_and_where_to_book_again(
        client, mailbox):
    """Not silence, which left them waiting for an email that never came; and the page says
    the same as for an address we do not know."""
    open_series = make_workshop()
    make_workshop(series=open_series.series, region="london")  # still to come: book again
    called_off = make_workshop(starts_at=open_series.starts_at + timedelta(days=30))
    called_off.series.title = "Children living with parental substance misuse"
    db.session.commit()
    cancelled = _book_through_form(client, open_series, email="ana@example.org")
    booking.cancel(cancelled.id)
    _book_through_form(client, called_off, email="ana@example.org")
    scheduling.cancel_workshop(called_off.id, actor=make_staff(Role.ORGANISER))

    asked = client.post("/booking/links", data={"email": "Ana@example.org"})
    unknown = client.post("/booking/links", data={"email": "nobody@example.org"})
    assert asked.text.replace("Ana@example.org", "") == \
        unknown.text.replace("nobody@example.org", "")
    assert "or telling you that they have all been cancelled" in asked.text

    mail = mailbox.to("ana@example.org")[-1]
    assert mail["Subject"] == "Your workshop bookings"
    text = mail.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "you have no current bookings with us" in text
    assert (f"Workshop: Highly resistant families: North East\n"
            f"When: {event_time(open_series.starts_at, open_series.ends_at)}\n"
            f"Status: Cancelled on {short_day(clock.now())}\n") in text
    assert (f"Workshop: Children living with parental substance misuse: North East\n"
            f"When: {event_time(called_off.starts_at, called_off.ends_at)}\n"
            f"Status: Cancelled on {short_day(clock.now())} (the workshop was cancelled)\n"
            ) in text
    # Where to book again: the series with workshops to come, not the one with none left.
    assert mailed_path(mailbox, "ana@example.org", "Highly resistant families") == \
        f"/series/{open_series.series.slug}"
    assert f"/series/{called_off.series.slug}" not in text
    assert "All our workshops: http" in text
    assert mailbox.to("nobody@example.org") == []


def test_asking_for_links_does_the_same_work_for_a_known_address_as_for_an_unknown(
        client, workshop, mailbox):
    """Not only the same page: the same work, so its timing cannot tell the two apart."""
    made = _book_through_form(client, workshop)
    before = rows_in(OutboxMessage, AuditEntry)
    with queue_held() as queue:
        for address in ("SIAN@example.org", "nobody@example.org"):
            assert client.post("/booking/links", data={"email": address}).status_code == 200
        assert rows_in(OutboxMessage, AuditEntry) == before  # nothing written or committed
        assert queue.names() == ["send_links", "send_links"]  # one task each, and only that
        queue.run_all()  # then a consumer does the work
    mailed = mailbox.to("sian@example.org")[-1].get_body(("plain",)).get_content()
    assert f"/booking/{made.token}" in mailed and f"({made.reference}, confirmed)" in mailed
    assert mailbox.to("nobody@example.org") == []


def test_no_enumerable_ids(client, workshop):
    made = _book_through_form(client, workshop)
    for guess in (str(made.id), made.reference, made.token[:-1]):
        assert client.get(f"/booking/{guess}").status_code == 404


def test_flash_banner_shows_text_not_markup(client, workshop):
    made = _book_through_form(client, workshop, name="<b>Ann</b> O’Neil")
    client.post(f"/booking/{made.token}/change",
                data=delegate_form(name="<b>Ann</b> O’Neil", job_title="Lead"))
    page = client.get(f"/booking/{made.token}").get_data(as_text=True)
    assert '<p class="govuk-notification-banner__heading">Your details have been updated</p>' \
        in page
    assert "&lt;p" not in page and "<b>Ann</b>" not in page
    assert "&lt;b&gt;Ann&lt;/b&gt;" in page  # the delegate's own text stays escaped


def test_after_the_day_the_booking_says_whether_the_delegate_came(client, workshop):
    came, missed = (_book_through_form(client, workshop, email=f"{who}@example.org")
                    for who in ("came", "missed"))
    came.checked_in_at = missed.no_show_at = clock.now()
    db.session.commit()
    assert "Attended" in client.get(f"/booking/{came.token}").text
    page = client.get(f"/booking/{missed.token}").text
    assert "Did not attend" in page and ">\n  Confirmed\n" not in page
