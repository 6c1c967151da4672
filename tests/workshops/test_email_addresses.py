"""Email addresses the service can write to: refused at the form when the mail server could
never take them, and shown back as the person typed them."""

from __future__ import annotations

import pytest
import vobject
from sqlalchemy import func, select

from tests.conftest import delegate_form
from workshops.extensions import db
from workshops.models import Booking, OutboxMessage

ACCENTS_BEFORE_THE_AT = ("Enter an email address using only letters a to z, numbers and "
                         "symbols such as . _ - + before the @")


def _count(model) -> int:  # noqa: ANN001
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("address", ["josé.núñez@example.com", "Newcomer.Nía@Example.com"])
def test_letters_with_accents_before_the_at_are_refused_beside_the_field(client, workshop,
                                                                         mailbox, address):
    # Only a mail server offering SMTPUTF8 takes them: accepted, the page said "we have sent a
    # confirmation" and the email, with the personal link, never went.
    response = client.post(f"/series/{workshop.series.slug}/{workshop.region}/book",
                           data=delegate_form(email=address))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="email-error"' in page and ACCENTS_BEFORE_THE_AT in page
    assert f'value="{address}"' in page  # kept in the box, to be corrected
    assert _count(Booking) == 0 and _count(OutboxMessage) == 0 and not mailbox.messages


def test_the_practice_form_refuses_them_too(client, mailbox) -> None:
    response = client.post("/feedback/practice/start", data={"email": "josé.núñez@example.com"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="email-error"' in page and ACCENTS_BEFORE_THE_AT in page
    assert not mailbox.messages


def test_an_internationalised_domain_is_shown_as_typed_and_its_mail_goes(client, workshop,
                                                                         plain_mailbox):
    # Chromium sends what was typed as person@bücher.example in the domain's ASCII form.
    path = f"/series/{workshop.series.slug}/{workshop.region}/book"
    response = client.post(path, data=delegate_form(email="person@xn--bcher-kva.example"))
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "We have sent a confirmation with a calendar invite to <strong>person@bücher.example" \
        in page
    assert "xn--" not in page
    # A mail server without SMTPUTF8 gets the form it can take, and the email is delivered.
    [message] = plain_mailbox.to("person@xn--bcher-kva.example")
    assert message["Subject"].startswith("Place confirmed")
    [invite] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert vobject.readOne(invite.get_content()).vevent.attendee.value == \
        "mailto:person@xn--bcher-kva.example"
    # Typed in letters (another browser, or the same person again), it is the same address.
    again = client.post(path, data=delegate_form(email="Person@Bücher.example"))
    assert again.status_code == 422
    assert "already" in again.get_data(as_text=True)
    assert _count(Booking) == 1
