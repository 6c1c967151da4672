"""The pack's practice form says how to return it, by routes that exist."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from packs import render
from tests.conftest import make_workshop
from workshops.extensions import db
from workshops.models import Booking


@pytest.fixture()
def app_overrides() -> dict:
    return {"PROGRAMME_CONTACT_EMAIL": "team@programme.example"}


def test_the_printed_form_says_where_to_hand_it_in_or_send_it(app) -> None:
    workshop = make_workshop()
    made = Booking(workshop=workshop, status="confirmed", name="Siân Jones",
                   email="sian@example.org", email_key="sian@example.org",
                   organisation="Newcastle City Council")
    db.session.add(made)
    db.session.commit()
    pages = PdfReader(io.BytesIO(render.render_pack(made))).pages
    whole = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pages))
    # It had said "post it to the organisers", and no address to post it to was anywhere.
    assert "post it" not in whole
    assert ("Fill this form in by hand, then: hand it in at the workshop, or email a scan or "
            "photo of it to team@programme.example") in whole
    assert "Or fill in the same form online instead, at http://workshops.test/feedback/" in whole
