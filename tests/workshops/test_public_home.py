"""The home page leads with what can still be booked."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from tests.conftest import make_workshop
from workshops.extensions import db
from workshops.formatting import short_day


def test_series_still_to_come_lead_and_finished_ones_follow(client) -> None:
    coming = make_workshop()
    coming.series.title = "Highly resistant families"
    past_start = datetime.now(UTC) - timedelta(days=100)
    done = make_workshop(starts_at=past_start, status="finished")
    done.series.title = "Parental substance misuse"
    # Counted: published workshops of the series; a draft is nobody's business yet.
    later = make_workshop(series=coming.series, region="london",
                          starts_at=coming.starts_at + timedelta(days=7))
    make_workshop(series=coming.series, region="north-west", status="draft")
    # Nor a cancelled one: it is on the series page, as cancelled, but not in the count.
    make_workshop(series=coming.series, region="south-west", status="cancelled",
                  starts_at=coming.starts_at + timedelta(days=30))
    # A series with nothing announced is neither to come nor past.
    nothing = make_workshop(status="draft")
    nothing.series.title = "Neglect in adolescence"
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    days = [short_day(w.starts_at) for w in (coming, later)]
    assert f"Safeguarding · 2 workshops, {days[0]} to {days[1]}" in page
    assert page.index("Highly resistant families") < page.index("Past workshops") \
        < page.index("Parental substance misuse")
    assert "Find a workshop in your region<span class=\"govuk-visually-hidden\"> for " \
           "Parental substance misuse" not in page
    assert "Neglect in adolescence" not in page


def test_a_series_page_filters_by_region_and_shows_every_region_for_one_it_does_not_know(
        client) -> None:
    leeds = make_workshop(region="yorkshire-and-the-humber")
    make_workshop(series=leeds.series, region="london")
    slug = leeds.series.slug
    page = client.get(f"/series/{slug}?region=yorkshire-and-the-humber").text
    assert "1 workshop in Yorkshire and the Humber</h2>" in page
    assert "only Yorkshire and the Humber" in page
    for unknown in ("narnia", "", "YORKSHIRE-AND-THE-HUMBER"):
        page = client.get(f"/series/{slug}?region={unknown}").text
        assert "2 workshops</h2>" in page and "only " not in page
        assert "selected" not in page.split('id="region"')[1].split("</select>")[0]


def test_a_cancelled_workshops_page_offers_no_places_and_points_to_other_regions(
        client) -> None:
    called_off = make_workshop(status="cancelled")
    page = client.get(f"/series/{called_off.series.slug}/{called_off.region}").text
    assert "This workshop has been cancelled." in page and "See the workshops in other" in page
    assert "places left" not in page and "None: the workshop has been cancelled" in page
    booking_page = client.get(f"/series/{called_off.series.slug}/{called_off.region}/book").text
    assert "This workshop has been cancelled." in booking_page
    assert "Booking for this workshop has closed" not in booking_page


def test_a_series_with_nothing_announced_says_so_not_that_a_region_has_none(client) -> None:
    draft = make_workshop(status="draft")
    page = client.get(f"/series/{draft.series.slug}").text
    assert "No workshops in this series have been announced yet" in page
    assert "in this region" not in page and "Show all regions" not in page


def test_the_workshop_page_says_when_booking_closes_if_before_the_day(client) -> None:
    from workshops.formatting import date_time

    soon = make_workshop()
    closes = soon.starts_at - timedelta(days=3)
    later = make_workshop(series=soon.series, region="london", booking_closes_at=closes)
    page = client.get(f"/series/{later.series.slug}/london").text
    assert "Booking closes" in page and date_time(closes) in page
    assert "Booking closes" not in client.get(f"/series/{soon.series.slug}/{soon.region}").text


def test_a_workshop_that_has_been_held_says_it_took_place_not_that_booking_closed(
        client) -> None:
    from workshops.formatting import day

    held = make_workshop(starts_at=datetime.now(UTC).replace(hour=9, minute=30)
                         - timedelta(days=100), status="finished")
    # Published still (not yet marked finished), but over: the same.
    over = make_workshop(series=held.series, region="london",
                         starts_at=held.starts_at + timedelta(days=1))
    # Booking closed, but not yet held: that is what it says.
    closed = make_workshop(series=held.series, region="north-west",
                           booking_closes_at=datetime.now(UTC) - timedelta(hours=1))
    slug = held.series.slug
    rows = client.get(f"/series/{slug}").text.split('<tr class="govuk-table__row">')[2:]
    tags = {region: re.search(r'<strong class="govuk-tag[^"]*">\s*(.*?)\s*</strong>', row)[1]
            for region, row in zip(("north-east", "london", "north-west"), rows, strict=True)}
    assert tags == {"north-east": "Finished", "london": "Finished", "north-west": "Booking closed"}
    for workshop in (held, over):
        page = client.get(f"/series/{slug}/{workshop.region}").text
        assert f"This workshop took place on {day(workshop.starts_at)}." in page
        assert "has closed" not in page and "Places" not in page
        form = client.get(f"/series/{slug}/{workshop.region}/book").text
        assert "This workshop has finished" in form
        assert f"It took place on {day(workshop.starts_at)}." in form
        assert "has closed" not in form
    assert "Booking for this workshop has closed." in \
        client.get(f"/series/{slug}/{closed.region}").text
