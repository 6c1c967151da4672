"""Organisers' messages to delegates: who gets them, the preview, the log, over real SMTP."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from tests.conftest import (
    Mailbox,
    an_hour_into,
    doors_open,
    login,
    make_staff,
    make_workshop,
    outbox_as_committed,
)
from workshops import attendance, booking, checkin, messaging
from workshops.extensions import db
from workshops.models import (
    AuditEntry,
    Booking,
    OrganiserMessage,
    OutboxMessage,
    Role,
    User,
    Workshop,
)


def _delegate(n: int) -> booking.Delegate:
    return booking.Delegate(name=f"Delegate Number{n}", email=f"d{n}@example.org",
                            organisation=f"Council {n}")


def _book(workshop: Workshop, *numbers: int) -> list[Booking]:
    return [booking.book(workshop.id, _delegate(n)) for n in numbers]


def _everyone(app, organiser: User) -> Workshop:  # noqa: ANN001
    """A started workshop with someone in every group.

    d1 cancelled; d2 came; d3 confirmed but a no-show; d4 offered d1's place; d5 waiting.
    """
    workshop = make_workshop(capacity=3)
    first, came, _missed, _offered, _waiting = _book(workshop, 1, 2, 3, 4, 5)
    booking.cancel(first.id)
    app.config["CLOCK_OFFSET"] = doors_open(workshop)
    checkin.check_in(came.id, actor=organiser)
    app.config["CLOCK_OFFSET"] = an_hour_into(workshop)
    attendance.mark_no_shows(workshop.id, actor=organiser)
    return workshop


def _addresses(mailbox: Mailbox, subject: str) -> set[str]:
    return {m["To"] for m in mailbox.messages if m["Subject"] == subject}


def _form(audience: str = "confirmed", subject: str = "Parking at the venue",
          body: str = "The car park is closed.\n\nPlease come by train.", **extra) -> dict:
    return {"audience": audience, "subject": subject, "body": body,
            "idempotency_key": uuid.uuid4().hex, **extra}


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


# --- domain ------------------------------------------------------------------------------

@pytest.mark.parametrize(("audience", "expected"), [
    ("confirmed", {"d2@example.org", "d3@example.org"}),
    ("waiting-list", {"d4@example.org", "d5@example.org"}),
    ("no-shows", {"d3@example.org"}),
])
def test_each_audience_reaches_exactly_its_people(app, organiser, mailbox, audience, expected):
    workshop = _everyone(app, organiser)
    mailbox.clear()
    sent = messaging.send_message(workshop, audience, f"To {audience}", "Hello.", organiser)
    assert _addresses(mailbox, f"To {audience}") == expected
    assert len(mailbox.messages) == len(expected), "one email each, nobody else"
    assert len(sent.recipients) == len(expected)


def test_message_and_its_mail_are_one_transaction_with_an_audit_entry(app, organiser, mailbox):
    workshop = make_workshop()
    people = _book(workshop, 1, 2)
    mailbox.clear()
    sent = messaging.send_message(workshop, "confirmed", "Parking", "Come by train.", organiser)
    rows = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.id.in_([r.outbox_id for r in sent.recipients]))).all()
    assert sorted(r.booking_id for r in rows) == sorted(p.id for p in people)
    assert all(r.status == "sent" for r in rows)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "sent message"))
    assert entry.entity_id == sent.id and entry.workshop_id == workshop.id
    assert entry.actor_id == organiser.id
    assert entry.details["recipients"] == 2 and entry.details["audience"] == "Confirmed delegates"
    assert "d1@example.org" not in str(entry.details), "the audit log holds no addresses"


def test_the_mail_is_written_by_the_worker_not_while_the_workshop_is_locked(app, organiser,
                                                                           mailbox):
    # Rendering one email a person held the workshop's lock (and its bookings) for them all:
    # the transaction now commits who and why, and the sending worker writes each one.
    workshop = make_workshop()
    _book(workshop, 1, 2)
    mailbox.clear()
    with outbox_as_committed() as seen:
        messaging.send_message(workshop, "confirmed", "Parking", "Come by train.", organiser,
                               idempotency_key=uuid.uuid4().hex)
    at_commit = [(subject, text_body, template) for subject, text_body, _, _, template, _ in seen]
    assert at_commit == [(None, None, "organiser_message")] * 2
    for n in (1, 2):
        [sent] = mailbox.to(f"d{n}@example.org")
        plain = sent.get_body(("plain",)).get_content()
        assert sent["Subject"] == "Parking" and "Come by train." in plain
        assert organiser.display_name in plain


def test_an_empty_audience_is_refused_and_nothing_is_written(app, organiser, mailbox):
    workshop = make_workshop()
    _book(workshop, 1)
    mailbox.clear()
    with pytest.raises(messaging.MessageRefused, match="No one is on the waiting list") as refusal:
        messaging.send_message(workshop, "waiting-list", "Hello", "Body", organiser)
    assert refusal.value.field == "audience"
    assert _count(OrganiserMessage) == 0 and not mailbox.messages
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "sent message")) \
        is None


def test_the_same_send_twice_sends_once(app, organiser, mailbox):
    workshop = make_workshop()
    _book(workshop, 1)
    mailbox.clear()
    first = messaging.send_message(workshop, "confirmed", "Once", "Body", organiser,
                                   idempotency_key="k1")
    again = messaging.send_message(workshop, "confirmed", "Once", "Body", organiser,
                                   idempotency_key="k1")
    assert first.id == again.id
    assert len(mailbox.to("d1@example.org")) == 1


def test_html_part_escapes_the_body_and_keeps_its_paragraphs(app, organiser, mailbox):
    workshop = make_workshop()
    _book(workshop, 1)
    mailbox.clear()
    body = ('Bring <script>alert("x")</script> & <b>notes</b>.\n'
            "Second line.\n\nA new paragraph.")
    messaging.send_message(workshop, "confirmed", "Escaping", body, organiser)
    [message] = mailbox.to("d1@example.org")
    # SMTP carries CRLF line ends; compare with the text as typed.
    html = message.get_body(("html",)).get_content().replace("\r\n", "\n")
    plain = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "<script>" not in html and "<b>notes" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;notes&lt;/b&gt;" in html
    assert "<br>\nSecond line.</p>\n<p>A new paragraph.</p>" in html
    assert body in plain, "the plain-text part is the text as typed"
    assert "Dear Delegate Number1," in plain and "Dear Delegate Number1," in html
    assert "You are receiving this email because you have a place at" in plain
    assert f"http://workshops.test/booking/{db.session.scalar(select(Booking.token))}" in plain


def test_subject_and_body_limits_hold_outside_the_form_too(app, organiser):
    workshop = make_workshop()
    _book(workshop, 1)
    with pytest.raises(messaging.MessageRefused, match="one line"):
        messaging.send_message(workshop, "confirmed", "Two\nlines", "Body", organiser)
    with pytest.raises(messaging.MessageRefused, match="Enter the message"):
        messaging.send_message(workshop, "confirmed", "Subject", "  ", organiser)
    with pytest.raises(messaging.MessageRefused, match="Choose who"):
        messaging.send_message(workshop, "everyone", "Subject", "Body", organiser)


# --- pages -------------------------------------------------------------------------------

def test_workshop_page_links_to_messages(app, signed_in):
    workshop = make_workshop()
    page = signed_in.get(f"/organiser/workshops/{workshop.id}").get_data(as_text=True)
    assert f'href="/organiser/workshops/{workshop.id}/messages/new"' in page
    assert "Message delegates" in page


def test_compose_page_shows_how_many_are_in_each_group(app, signed_in):
    workshop = make_workshop(capacity=1)
    _book(workshop, 1, 2, 3)
    page = signed_in.get(f"/organiser/workshops/{workshop.id}/messages/new").get_data(
        as_text=True)
    assert "Everyone with a confirmed place (1 person)" in page
    assert "has not answered yet (2 people)" in page
    assert "Confirmed delegates marked as not having come (0 people)" in page


def test_preview_shows_the_message_and_recipients_and_sends_nothing(app, signed_in, mailbox):
    workshop = make_workshop()
    _book(workshop, 1, 2)
    mailbox.clear()
    queued = _count(OutboxMessage)  # the two confirmations
    response = signed_in.post(f"/organiser/workshops/{workshop.id}/messages/new",
                              data=_form(body="Hello <all>.\n\nSee you there."))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Check your message before sending it" in page
    assert "Confirmed delegates: 2 people" in page
    assert "Delegate Number1" in page and "d2@example.org" in page
    assert '<p class="govuk-body">Hello &lt;all&gt;.</p>' in page
    assert "Send the message to 2 people" in page
    assert not mailbox.messages and _count(OrganiserMessage) == 0
    assert _count(OutboxMessage) == queued


def test_sending_from_the_preview_and_the_log(app, signed_in, organiser, mailbox):
    workshop = _everyone(app, organiser)
    mailbox.clear()
    url = f"/organiser/workshops/{workshop.id}/messages/new"
    preview = signed_in.post(url, data=_form(audience="no-shows", subject="Sorry we missed you"))
    fingerprint = preview.get_data(as_text=True).split('name="recipients" value="')[1][:16]
    response = signed_in.post(url, data=_form(audience="no-shows", subject="Sorry we missed you",
                                              confirmed="yes", recipients=fingerprint))
    assert response.status_code == 303
    assert response.headers["Location"].startswith(f"/organiser/workshops/{workshop.id}/messages")
    assert _addresses(mailbox, "Sorry we missed you") == {"d3@example.org"}

    log = signed_in.get(f"/organiser/workshops/{workshop.id}/messages").get_data(as_text=True)
    assert "Sorry we missed you" in log
    assert "No-shows: 1 person" in log
    assert organiser.display_name in log
    assert "d3@example.org" in log and "d2@example.org" not in log
    assert "1 of 1 sent" in log and ">Sent<" in log.replace("\n", "").replace(" ", "")


def test_the_log_shows_each_recipients_delivery(app, signed_in, organiser, mailbox,
                                                 smtp_server):
    workshop = make_workshop()
    _book(workshop, 1, 2)
    smtp_server.stop()  # the server is down: the mail waits in the outbox to be retried
    messaging.send_message(workshop, "confirmed", "Delayed", "Body", organiser)
    log = signed_in.get(f"/organiser/workshops/{workshop.id}/messages").get_data(as_text=True)
    assert "0 of 2 sent" in log and "Retrying" in log
    assert "d1@example.org" in log and "d2@example.org" in log


def test_change_goes_back_to_the_form_with_what_was_typed(app, signed_in, mailbox):
    workshop = make_workshop()
    _book(workshop, 1)
    mailbox.clear()
    response = signed_in.post(f"/organiser/workshops/{workshop.id}/messages/new",
                              data=_form(subject="Keep this", confirmed="change"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Message delegates" in page
    assert 'value="Keep this"' in page and not mailbox.messages


def test_validation_messages_sit_beside_their_fields(app, signed_in):
    workshop = make_workshop()
    response = signed_in.post(f"/organiser/workshops/{workshop.id}/messages/new",
                              data={"subject": "", "body": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert page.count("There is a problem") >= 1
    for field, message in (("audience", "Choose who to send the message to"),
                           ("subject", "Enter a subject"), ("body", "Enter the message")):
        assert f'id="{field}-error"' in page and message in page
        assert f'href="#{field}"' in page, "the summary links to the field"
    too_long = signed_in.post(f"/organiser/workshops/{workshop.id}/messages/new",
                              data=_form(subject="x" * 151, body="y" * 5001))
    page = too_long.get_data(as_text=True)
    assert too_long.status_code == 422
    assert "Subject must be 150 characters or fewer" in page
    assert "Message must be 5,000 characters or fewer" in page


def test_an_empty_group_is_refused_beside_the_choice(app, signed_in, mailbox):
    workshop = make_workshop()
    _book(workshop, 1)
    mailbox.clear()
    response = signed_in.post(f"/organiser/workshops/{workshop.id}/messages/new",
                              data=_form(audience="no-shows"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="audience-error"' in page and "No one has been marked as a no-show" in page
    assert not mailbox.messages


def test_a_changed_list_is_shown_again_before_anything_is_sent(app, signed_in, mailbox):
    workshop = make_workshop()
    _book(workshop, 1)
    url = f"/organiser/workshops/{workshop.id}/messages/new"
    preview = signed_in.post(url, data=_form()).get_data(as_text=True)
    fingerprint = preview.split('name="recipients" value="')[1][:16]
    _book(workshop, 2)  # someone books while the organiser reads the preview
    mailbox.clear()
    response = signed_in.post(url, data=_form(confirmed="yes", recipients=fingerprint))
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "changed after you checked it" in page and "Send the message to 2 people" in page
    assert not mailbox.messages and _count(OrganiserMessage) == 0


def test_the_log_says_what_to_do_when_empty(app, signed_in):
    workshop = make_workshop()
    page = signed_in.get(f"/organiser/workshops/{workshop.id}/messages").get_data(as_text=True)
    assert "No messages have been sent for this workshop yet" in page


# --- access ------------------------------------------------------------------------------

def _routes(workshop: Workshop) -> list[tuple[str, str]]:
    base = f"/organiser/workshops/{workshop.id}/messages"
    return [("GET", base), ("GET", f"{base}/new"), ("POST", f"{base}/new")]


def test_anonymous_visitors_are_sent_to_sign_in(app, client, mailbox):
    workshop = make_workshop()
    _book(workshop, 1)
    mailbox.clear()
    for method, url in _routes(workshop):
        response = client.open(url, method=method, data=_form(confirmed="yes"))
        assert response.status_code == 302, (method, url)
        assert "/staff/login" in response.headers["Location"]
    assert not mailbox.messages


def test_screeners_get_403(app, client, mailbox):
    workshop = make_workshop()
    _book(workshop, 1)
    login(client, make_staff(Role.SCREENER))
    mailbox.clear()
    for method, url in _routes(workshop):
        assert client.open(url, method=method,
                           data=_form(confirmed="yes")).status_code == 403, (method, url)
    assert not mailbox.messages
