"""The accessibility statement and the privacy notice: what each promises, and where to write."""

from __future__ import annotations

import re

import pytest

CONTACT = "team@programme.example"


@pytest.fixture()
def app_overrides() -> dict:
    return {"PROGRAMME_CONTACT_EMAIL": CONTACT}


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_accessibility_statement_says_where_to_write_and_what_is_not_accessible(client):
    page = client.get("/accessibility").get_data(as_text=True)
    # "Email the organisers" had given no address.
    assert f'<a class="govuk-link" href="mailto:{CONTACT}">{CONTACT}</a>' in page
    text = _text(page)
    for heading in ("How accessible this service is",
                    "What to do if you cannot use part of this service",
                    "Reporting accessibility problems with this service",
                    "Enforcement procedure", "Compliance status", "Non-accessible content",
                    "Preparation of this accessibility statement"):
        assert f">{heading}</h" in page, heading
    assert "partially compliant with the Web Content Accessibility Guidelines version 2.2 AA" \
        in text
    assert "Equality and Human Rights Commission (EHRC)" in text
    assert "Equality Commission for Northern Ireland (ECNI)" in text
    assert "The fillable practice form is a PDF with form fields but no tags" in text
    assert "This statement was prepared on 30 November 2026." in text


def test_the_privacy_notice_says_who_sees_what_and_for_how_long(app, client):
    app.config["RETENTION_MONTHS"] = 18
    text = _text(client.get("/privacy").get_data(as_text=True))
    # It had said "Only the programme's organisers", while the organisers' page has them
    # pass access and dietary needs to the venue and the caterers.
    assert "Only the programme’s organisers" not in text
    assert "The venue and the caterers are given the access and dietary needs they have to " \
           "meet, with your name only where they need it" in text
    assert "your name and organisation on your badge and on the sign-in sheet" in text
    assert "the panel chair and the panel members who assess it read all of it, your contact " \
           "details included" in text
    assert "We erase delegates’ personal details 18 months after the workshop" in text
    assert "every email we sent is deleted 18 months after it was written" in text
    # It had said drafts were kept until sent or deleted on request: unsent ones are now
    # deleted after the same period, with a warning first (feedback.draft_retention).
    assert "A draft you have not sent is kept until" not in text
    assert "A draft you have not sent is deleted, with any files attached to it, 18 months " \
           "after you last changed it. Two weeks before, we email you the day it will be " \
           "deleted, with the link to finish and send it" in text
    assert f"Write to {CONTACT} from the email address you used with us" in text
    assert "Information Commissioner’s Office (ICO)" in text
