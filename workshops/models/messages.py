"""What organisers wrote to a workshop's delegates, and to whom each message went."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workshops import clock
from workshops.extensions import db
from workshops.models.bookings import Booking
from workshops.models.catalogue import Workshop
from workshops.models.types import UTCDateTime


class Audience(StrEnum):
    CONFIRMED = "confirmed"
    WAITING_LIST = "waiting-list"  # waiting, and those offered a place who have not answered
    NO_SHOWS = "no-shows"

    @property
    def label(self) -> str:
        return {
            Audience.CONFIRMED: "Confirmed delegates",
            Audience.WAITING_LIST: "The waiting list",
            Audience.NO_SHOWS: "No-shows",
        }[self]


class OrganiserMessage(db.Model):
    __tablename__ = "organiser_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id"), index=True)
    audience: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)  # plain text as the organiser typed it
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    sent_by_label: Mapped[str] = mapped_column(String(254))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # The compose form's one-time key: a second click on "Send" finds the message already sent.
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)

    workshop: Mapped[Workshop] = relationship()
    recipients: Mapped[list[OrganiserMessageRecipient]] = relationship(
        back_populates="message", order_by="OrganiserMessageRecipient.id")

    @property
    def audience_label(self) -> str:
        try:
            return Audience(self.audience).label
        except ValueError:
            return self.audience


class OrganiserMessageRecipient(db.Model):
    """One delegate a message went to. The address is read from the outbox row, not copied:
    data retention erases bookings and deletes outbox rows, and nothing here must outlive them.
    """

    __tablename__ = "organiser_message_recipients"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("organiser_messages.id"), index=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id"))
    # Not a foreign key: retention deletes outbox rows outright.
    outbox_id: Mapped[int | None] = mapped_column(index=True)

    message: Mapped[OrganiserMessage] = relationship(back_populates="recipients")
    booking: Mapped[Booking] = relationship()
