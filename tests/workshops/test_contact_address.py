"""One address to write to, wherever a person is told where to write."""

from __future__ import annotations

import pytest
import vobject
from sqlalchemy import select

from tests.conftest import delegate_form
from workshops.extensions import db
from workshops.models import Booking

CONTACT = "team@programme.example"


@pytest.fixture()
def app_overrides() -> dict:
    return {"PROGRAMME_CONTACT_EMAIL": CONTACT}


def _calendar(message) -> str:  # noqa: ANN001
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    return part.get_content()


def test_emails_invites_and_the_privacy_notice_give_the_one_contact_address(client, workshop,
                                                                            mailbox):
    response = client.post(f"/series/{workshop.series.slug}/{workshop.region}/book",
                           data=delegate_form())
    assert response.status_code == 303
    [confirmation] = mailbox.to("sian@example.org")
    # A reply, and a reply to the invite, reach the team, not the address mail is sent from.
    assert confirmation["Reply-To"] == CONTACT
    event = vobject.readOne(_calendar(confirmation)).vevent
    assert event.organizer.value == f"mailto:{CONTACT}"

    mailbox.clear()
    made = db.session.scalar(select(Booking))
    client.post(f"/booking/{made.token}/change", data=delegate_form(email="new@example.org"))
    [told] = mailbox.to("sian@example.org")
    assert f"tell the organisers at {CONTACT}" in told.get_body(("plain",)).get_content()

    privacy = client.get("/privacy").get_data(as_text=True)
    assert f'href="mailto:{CONTACT}"' in privacy
