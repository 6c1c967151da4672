"""The hostile-input corpus, fed through every form that stores or sends text.

Each payload is stored verbatim or refused with a message beside its field; it is shown only
HTML-escaped wherever it appears; no email gains a recipient or a header; the tables survive.
"""

from __future__ import annotations

import csv
import io
import itertools
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from feedback import submissions
from feedback.models import Submission
from tests.conftest import delegate_form, login, make_staff, make_workshop
from tests.security import corpus, visitor
from workshops.errors import INVISIBLE_CONTROLS
from workshops.extensions import db
from workshops.models import Booking, Role, Series, User, Venue

_addresses = (f"10.60.{a}.{b}" for a in range(256) for b in range(1, 255))
_emails = itertools.count(1)


def _client(app):  # noqa: ANN001, ANN202
    return visitor(app, next(_addresses))


@pytest.fixture()
def envelopes(mailbox, monkeypatch) -> list[list[str]]:  # noqa: ANN001
    """Every message's SMTP recipients: a smuggled Bcc shows here, never in the headers."""
    recorded: list[list[str]] = []
    original = mailbox.handle_DATA

    async def handle_DATA(server, session, envelope):  # noqa: ANN001, ANN202, N802
        recorded.append(list(envelope.rcpt_tos))
        return await original(server, session, envelope)

    monkeypatch.setattr(mailbox, "handle_DATA", handle_DATA, raising=False)
    return recorded


@pytest.fixture()
def organiser_client(app):  # noqa: ANN001, ANN201
    client = _client(app)
    login(client, make_staff(Role.ORGANISER, "hostile-organiser@example.org"))
    return client


def assert_never_executed(page: str, where: str) -> None:
    for marker in corpus.EXECUTABLE:
        assert marker not in page, f"{where}: {marker!r} reached the page unescaped"


def assert_field_message(response, where: str) -> None:  # noqa: ANN001
    assert response.status_code == 422, f"{where}: {response.status_code}"
    page = response.get_data(as_text=True)
    summary = page.split("govuk-error-summary", 1)[1].split("</ul>", 1)[0]
    targets = re.findall(r'href="#([^"]+)"', summary)
    assert targets and all(f'id="{t}"' in page for t in targets), where


def assert_mail_clean(mailbox, envelopes, expected: set[str]) -> None:  # noqa: ANN001
    for recipients in envelopes:
        assert len(recipients) == 1 and recipients[0] in expected, recipients
    for message in mailbox.messages:
        assert message["To"] in expected
        for header in ("Bcc", "Cc", "Reply-To"):
            assert message[header] is None, f"{header}: {message[header]}"
        assert len(message.get_all("Subject")) == 1
        assert "\n" not in str(message["Subject"]) and "\r" not in str(message["Subject"])
        assert "hijacked" not in str(message["Subject"]) or "Subject: hijacked" not in \
            message.as_string().split("\n\n", 1)[0]


def _same_text(stored: str | None, sent: str) -> bool:
    """Verbatim, allowing what every form does: trim the ends, make line breaks \\n and drop
    NULs (PostgreSQL cannot store one, and it means nothing) and direction overrides."""
    def tidy(text: str) -> str:
        return INVISIBLE_CONTROLS.sub("", text).replace("\r\n", "\n").replace("\r", "\n") \
            .strip()

    return stored is not None and (stored == sent or tidy(stored) == tidy(sent))


def _stored_or_refused(response, stored: str | None, payload: str, where: str) -> None:  # noqa: ANN001
    if response.status_code == 422:
        assert_field_message(response, where)
    else:
        assert response.status_code == 303, f"{where}: {response.status_code}"
        assert _same_text(stored, payload), f"{where}: stored {stored!r:.80}, sent {payload!r:.80}"


def _tables_intact() -> None:
    for model in (Booking, User, Series, Venue, Submission):
        assert db.session.scalar(select(func.count()).select_from(model)) is not None


# --- booking, the delegate's pages, the organiser's list, the exports -------------------------

def test_booking_stores_or_refuses_each_payload_and_shows_it_escaped(
        app, organiser_client, mailbox, envelopes):
    workshop = make_workshop(capacity=1000)
    url = f"/series/{workshop.series.slug}/{workshop.region}/book"
    made: list[Booking] = []
    expected_addresses: set[str] = set()
    for n, payload in enumerate(corpus.TEXT):
        field = ("name", "organisation", "job_title", "access_needs")[n % 4]
        email = f"hostile{next(_emails)}@example.org"
        response = _client(app).post(url, data=delegate_form(email=email, **{field: payload}))
        found = db.session.scalar(select(Booking).where(Booking.email == email))
        _stored_or_refused(response, getattr(found, field, None), payload,
                           f"booking {field}={payload!r:.60}")
        if found is not None:
            made.append(found)
            expected_addresses.add(email)
            page = _client(app).get(f"/booking/{found.token}").get_data(as_text=True)
            assert_never_executed(page, f"manage page, {field}={payload!r:.60}")
    assert len(made) >= len(corpus.TEXT) - 3, "most payloads are text a person could type"

    page = organiser_client.get(f"/organiser/workshops/{workshop.id}").get_data(as_text=True)
    assert_never_executed(page, "organiser's booking list")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page or "&lt;script&gt;" in page

    exported = organiser_client.get(f"/organiser/workshops/{workshop.id}/bookings.csv")
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    for cell in (c for row in rows[1:] for c in row):
        assert not cell.startswith(("=", "+", "-", "@")), f"formula in the export: {cell!r}"

    assert_mail_clean(mailbox, envelopes, expected_addresses)
    assert len(envelopes) >= len(made), "every booking's confirmation was sent"
    for message in mailbox.messages:
        html = message.get_body(("html",))
        if html is not None:
            assert_never_executed(html.get_content(), f"mail to {message['To']}")
    _tables_intact()


def test_the_pack_prints_a_hostile_name_as_text(app):
    workshop = make_workshop()
    response = _client(app).post(
        f"/series/{workshop.series.slug}/{workshop.region}/book",
        data=delegate_form(name="<script>alert(1)</script> Jo", organisation='"><b>Org</b>',
                           email="pdf-hostile@example.org"))
    assert response.status_code == 303
    token = db.session.scalar(select(Booking.token).where(
        Booking.email == "pdf-hostile@example.org"))
    pdf = _client(app).get(f"/packs/booking/{token}.pdf")
    assert pdf.status_code == 200
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "<script>alert(1)</script> Jo" in text
    assert '"><b>Org</b>' in text


@pytest.mark.parametrize("email", corpus.EMAIL_INJECTION)
def test_header_injection_in_an_address_is_refused_beside_the_field(
        app, mailbox, envelopes, email):
    workshop = make_workshop()
    response = _client(app).post(f"/series/{workshop.series.slug}/{workshop.region}/book",
                                 data=delegate_form(email=email))
    assert_field_message(response, f"booking email {email!r}")
    assert db.session.scalar(select(func.count()).select_from(Booking)) == 0
    for url in ("/booking/links", "/feedback/practice/start", "/staff/forgotten-password"):
        response = _client(app).post(url, data={"email": email})
        assert_field_message(response, f"{url} {email!r}")
    assert envelopes == [] and mailbox.messages == []


def test_change_details_stores_or_refuses_each_payload(app, mailbox, envelopes):
    workshop = make_workshop()
    response = _client(app).post(f"/series/{workshop.series.slug}/{workshop.region}/book",
                                 data=delegate_form(email="changer@example.org"))
    assert response.status_code == 303
    made = db.session.scalar(select(Booking).where(Booking.email == "changer@example.org"))
    for n, payload in enumerate(corpus.TEXT):
        field = ("name", "organisation", "dietary_needs")[n % 3]
        response = _client(app).post(f"/booking/{made.token}/change", data=delegate_form(
            email="changer@example.org", **{field: payload}))
        db.session.expire_all()
        stored = getattr(db.session.get(Booking, made.id), field)
        _stored_or_refused(response, stored, payload, f"change {field}={payload!r:.60}")
        page = _client(app).get(f"/booking/{made.token}").get_data(as_text=True)
        assert_never_executed(page, f"manage page after change {payload!r:.60}")
    for email in corpus.EMAIL_INJECTION:
        response = _client(app).post(f"/booking/{made.token}/change",
                                     data=delegate_form(email=email))
        assert_field_message(response, f"change email {email!r}")
    assert_mail_clean(mailbox, envelopes, {"changer@example.org"})
    _tables_intact()


# --- practice answers ------------------------------------------------------------------------

def test_practice_answers_are_stored_verbatim_and_shown_escaped(app):
    workshop = make_workshop()
    response = _client(app).post(f"/series/{workshop.series.slug}/{workshop.region}/book",
                                 data=delegate_form(email="sharer@example.org"))
    made = db.session.scalar(select(Booking).where(Booking.email == "sharer@example.org"))
    draft = submissions.draft_for_booking(made)
    for payload in corpus.TEXT:
        response = _client(app).post(f"/feedback/practice/{draft.token}/section/about", data={
            "title": payload, "organisation": payload, "local_authority": "Newcastle",
            "region": "north-east", "partners": payload})
        db.session.expire_all()
        stored = db.session.get(Submission, draft.id).answers.get("title")
        _stored_or_refused(response, stored, payload, f"practice title {payload!r:.60}")
        for url in (f"/feedback/practice/{draft.token}",
                    f"/feedback/practice/{draft.token}/check"):
            page = _client(app).get(url)
            assert page.status_code == 200
            assert_never_executed(page.get_data(as_text=True), f"{url} with {payload!r:.60}")
    _tables_intact()


# --- organisers' series, venues and messages ---------------------------------------------------

def test_organiser_series_and_venue_forms(app, organiser_client):
    for n, payload in enumerate(corpus.TEXT):
        response = organiser_client.post("/organiser/series/new", data={
            "title": payload, "slug": f"hostile-{n}", "theme": "Safeguarding",
            "review_title": payload, "description": payload, "key_messages": payload})
        series = db.session.scalar(select(Series).where(Series.slug == f"hostile-{n}"))
        _stored_or_refused(response, series.title if series else None, payload.strip(),
                           f"series title {payload!r:.60}")
        if series is not None:
            page = _client(app).get(f"/series/{series.slug}").get_data(as_text=True)
            assert_never_executed(page, f"public series page {payload!r:.60}")
        response = organiser_client.post("/organiser/venues/new", data={
            "name": payload, "address": payload, "town": "Leeds", "postcode": "LS1 1UR",
            "access_info": payload})
        venue = db.session.scalar(select(Venue).where(Venue.town == "Leeds")
                                  .order_by(Venue.id.desc()).limit(1))
        if response.status_code == 303:
            assert venue is not None and _same_text(venue.name, payload)
        else:
            _stored_or_refused(response, None, payload, f"venue {payload!r:.60}")
    for url in ("/organiser/", "/organiser/venues"):
        page = organiser_client.get(url).get_data(as_text=True)
        assert_never_executed(page, url)
    _tables_intact()


def test_messages_to_delegates_gain_no_recipient_or_header(app, organiser_client, mailbox,
                                                           envelopes):
    workshop = make_workshop()
    for n in (1, 2):
        response = _client(app).post(
            f"/series/{workshop.series.slug}/{workshop.region}/book",
            data=delegate_form(email=f"delegate{n}@example.org", name=f"D{n}\r\nBcc: x@y.org"))
        assert response.status_code in (303, 422)
    booked = {b.email for b in db.session.scalars(select(Booking))}
    assert booked, "a name with a line break is still a name a delegate can book under"
    url = f"/organiser/workshops/{workshop.id}/messages/new"
    delivered = 0
    for subject, body in zip(corpus.HEADER_INJECTION + corpus.XSS[:2],
                             corpus.XSS + corpus.HEADER_INJECTION, strict=False):
        mailbox.clear()
        envelopes.clear()
        form = {"audience": "confirmed", "subject": subject, "body": body,
                "idempotency_key": f"k{next(_emails)}"}
        preview = organiser_client.post(url, data=form)
        page = preview.get_data(as_text=True)
        assert_never_executed(page, f"message preview {subject!r:.40}")
        if preview.status_code == 422:
            assert_field_message(preview, f"message {subject!r:.40}")
            continue
        assert preview.status_code == 200
        fingerprint = page.split('name="recipients" value="')[1].split('"')[0]
        sent = organiser_client.post(url, data={**form, "confirmed": "yes",
                                                "recipients": fingerprint})
        if sent.status_code == 422:  # the domain's own check ("Subject must be one line")
            assert_field_message(sent, f"send {subject!r:.40}")
            assert envelopes == [] and mailbox.messages == []
            continue
        assert sent.status_code == 303, f"send {subject!r:.40}: {sent.status_code}"
        assert_mail_clean(mailbox, envelopes, booked)
        assert len(envelopes) == len(booked), f"{subject!r:.40}: message not delivered to all"
        for message in mailbox.messages:
            assert_never_executed(message.get_body(("html",)).get_content(), "message email")
        delivered += 1
    assert delivered >= 2, "the one-line subjects must have gone out"
    _tables_intact()


# --- the public library's search ---------------------------------------------------------------

def test_library_search_answers_and_escapes(app):
    make_workshop()  # its theme, "safeguarding", has a library page even while empty
    for query in [*(p for p in corpus.TEXT if len(p) < 1000), "A" * 5000, "\x00"]:
        response = _client(app).get("/practice/safeguarding", query_string={"q": query})
        assert response.status_code in (200, 400, 404), f"{query!r:.60}: {response.status_code}"
        assert_never_executed(response.get_data(as_text=True), f"search {query!r:.60}")
    _tables_intact()


def test_direction_overrides_are_dropped_so_a_name_reads_as_it_is_stored(app):
    """U+202E makes 'Zoë \u202eevil\u202c' show as 'Zoë live': in a staff list, an email, a
    badge. No one types one to write a name, so forms drop them (and the isolates) as NULs."""
    workshop = make_workshop()
    response = _client(app).post(
        f"/series/{workshop.series.slug}/{workshop.region}/book",
        data=delegate_form(name="Zoë \u202eevil\u202c Ñoño", access_needs="A \u2067loop\u2069"))
    assert response.status_code == 303
    made = db.session.scalar(select(Booking).where(Booking.workshop_id == workshop.id))
    assert (made.name, made.access_needs) == ("Zoë evil Ñoño", "A loop")
    # Right-to-left writing itself is kept: only the invisible controls go.
    response = _client(app).post(
        f"/series/{workshop.series.slug}/{workshop.region}/book",
        data=delegate_form(name="سارا خان", email="sara@example.org"))
    assert response.status_code == 303
    assert db.session.scalar(select(Booking.name).where(
        Booking.email == "sara@example.org")) == "سارا خان"


def test_control_characters_are_dropped_but_tabs_and_line_breaks_kept(app, mailbox):
    """A BEL pasted into a name (and a C1 control, such as CSI, into a job title) had been kept
    and printed in the email and the pack; a text box's tab and line breaks are the person's."""
    workshop = make_workshop()
    response = _client(app).post(
        f"/series/{workshop.series.slug}/{workshop.region}/book",
        data=delegate_form(name="Siân\x07 Jones\x1b", job_title="Team\x9b manager\x7f",
                           access_needs="Ramp\tplease\r\nand a quiet room"))
    assert response.status_code == 303
    made = db.session.scalar(select(Booking).where(Booking.workshop_id == workshop.id))
    assert (made.name, made.job_title, made.access_needs) == (
        "Siân Jones", "Team manager", "Ramp\tplease\nand a quiet room")
    [confirmation] = mailbox.to("sian@example.org")
    assert "Dear Siân Jones," in confirmation.get_body(("plain",)).get_content()
