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
