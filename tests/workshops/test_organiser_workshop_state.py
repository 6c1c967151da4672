"""A workshop's own page says what is true of it now: open, started, finished or cancelled."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest

from tests.conftest import an_hour_into, clock_at, make_workshop
from workshops import booking, clock
from workshops.extensions import db
from workshops.models import Workshop


def _page(client, workshop: Workshop) -> str:  # noqa: ANN001
    response = client.get(f"/organiser/workshops/{workshop.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _summary_value(page: str, key: str) -> str:
    """The value beside `key` in the page's summary list, as a reader sees it."""
    found = re.search(r'<dt class="govuk-summary-list__key">\s*' + re.escape(key)
                      + r'\s*</dt>\s*<dd class="govuk-summary-list__value">(.*?)</dd>',
                      page, re.DOTALL)
    assert found, f"no {key!r} row"
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", found[1]).split()))


def _places_left(page: str) -> str:
    found = re.search(r'data-count="places-left">\s*(.*?)\s*<', page)
    assert found, "no places-left cell"
    return found[1]


def test_a_cancelled_workshop_offers_no_places(signed_in):
    workshop = make_workshop(capacity=80)
    booking.book(workshop.id, booking.Delegate(name="Ada Lovelace", email="ada@example.org",
                                               organisation="Kent"))
    workshop.status = "cancelled"
    db.session.commit()
    page = _page(signed_in, workshop)
    assert _places_left(page) == "None: cancelled"
    assert _summary_value(page, "Booking") == "Closed: the workshop has been cancelled"


def test_an_open_workshop_still_counts_its_places_left(signed_in):
    workshop = make_workshop(capacity=80)
    assert _places_left(_page(signed_in, workshop)) == "80"


@pytest.mark.parametrize(("status", "moment", "said"), [
    ("draft", None, "Open from when it is published, until the workshop starts"),
    ("published", None, "Open from when it is published, until the workshop starts"),
    ("published", "an hour in", "Closed: the workshop has started"),
    ("published", "the day after", "Closed: the workshop has ended"),
    ("finished", "the day after", "Closed: the workshop has finished"),
    ("cancelled", None, "Closed: the workshop has been cancelled"),
])
def test_the_booking_line_says_what_is_true_now(app, signed_in, status, moment, said):
    workshop = make_workshop(status=status)
    if moment == "an hour in":
        app.config["CLOCK_OFFSET"] = an_hour_into(workshop)
    elif moment == "the day after":
        app.config["CLOCK_OFFSET"] = clock_at(workshop.starts_at + timedelta(days=1))
    assert _summary_value(_page(signed_in, workshop), "Booking") == said


def test_once_public_booking_has_closed_organisers_are_told_they_can_still_book(signed_in):
    workshop = make_workshop()
    workshop.booking_closes_at = clock.now() - timedelta(hours=1)
    db.session.commit()
    said = _summary_value(_page(signed_in, workshop), "Booking")
    assert said.startswith("Closed to the public since ")
    assert said.endswith("You can still book someone in until the workshop starts")
