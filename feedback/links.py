"""Links the feedback plugin adds to the core's pages (the core knows nothing of these routes)."""

from __future__ import annotations

from flask import url_for

from workshops.models import Booking, BookingStatus, Workshop, WorkshopStatus


def booking_links(booking: Booking) -> list[tuple[str, str]]:
    if booking.status != BookingStatus.CONFIRMED:
        return []
    links = [("Share your practice online, or upload the filled-in form",
              url_for("feedback.booking_practice", token=booking.token))]
    return links


def workshop_links(workshop: Workshop) -> list[tuple[str, str]]:
    links = [("Practice submissions from this workshop",
              url_for("feedback.submissions", workshop=workshop.id))]
    if workshop.status == WorkshopStatus.FINISHED:
        links[:0] = [
            ("Evaluation results",
             url_for("feedback.workshop_evaluations", workshop_id=workshop.id)),
            ("Evaluation results for the whole series",
             url_for("feedback.series_evaluations", series_id=workshop.series_id)),
        ]
    return links
