"""The home page leads with what can still be booked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.conftest import make_workshop
from workshops.extensions import db


def test_series_still_to_come_lead_and_finished_ones_follow(client) -> None:
    coming = make_workshop()
    coming.series.title = "Highly resistant families"
    past_start = datetime.now(UTC) - timedelta(days=100)
    done = make_workshop(starts_at=past_start, status="finished")
    done.series.title = "Parental substance misuse"
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    assert page.index("Highly resistant families") < page.index("Past workshops") \
        < page.index("Parental substance misuse")
    assert "Find a workshop in your region<span class=\"govuk-visually-hidden\"> for " \
           "Parental substance misuse" not in page
