"""Links the feedback plugin adds to the core's pages (the core knows nothing of these routes)."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import exists, select

from feedback.models import Evaluation, Invitation
from workshops.extensions import db
from workshops.models import Booking, BookingStatus, Workshop, WorkshopStatus


def _evaluation_to_give(booking: Booking) -> str | None:
    """The invitation's token if the delegate was invited to evaluate the day (they attended
    and the workshop is finished) and has not yet done so: one query."""
    return db.session.scalar(
        select(Invitation.token).where(
            Invitation.booking_id == booking.id,
            ~exists().where(Evaluation.booking_id == booking.id)))


def booking_links(booking: Booking) -> list[tuple[str, str]]:
    if booking.status != BookingStatus.CONFIRMED:
        return []
    links = []
    # Beside the practice link, not behind it: the evaluation had been reachable from the
    # booking page only through "Share your practice…", which does not say it is there.
    # Asked only once the workshop is finished (invitations are made then): not of every
    # booking whose confirmation email the worker writes in a rush, none of which has one.
    if booking.workshop.status == WorkshopStatus.FINISHED and \
            (token := _evaluation_to_give(booking)) is not None:
        links.append(("Tell us what you thought of the day",
                      url_for("feedback.evaluation", token=token)))
    links.append(("Share your practice online, or upload the filled-in form",
                  url_for("feedback.booking_practice", token=booking.token)))
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
