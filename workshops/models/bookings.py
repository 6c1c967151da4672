"""A delegate's place at a workshop, or their place in its waiting list."""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workshops import clock
from workshops.extensions import db
from workshops.models.catalogue import REGIONS, SECTORS, Workshop
from workshops.models.types import UTCDateTime

# No 0/O/1/I/L: references are read out over the phone. No vowels either (nor Y), so that
# a reference cannot spell a word on a badge; the few vowelless ones that still read as
# something are drawn again. 27 characters, 8 long: 2.8e11 references.
REFERENCE_ALPHABET = "23456789BCDFGHJKMNPQRSTVWXZ"
UNPRINTABLE = ("WTF", "FCK", "FKN", "CNT", "KKK", "SHT", "DCK", "TWT", "NGR")


def new_reference() -> str:
    while True:
        reference = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
        if not any(word in reference for word in UNPRINTABLE):
            return reference


def new_token() -> str:
    return secrets.token_urlsafe(32)


def new_checkin_code() -> str:
    # Printed as a QR code on the pack cover and badge; useless without a staff login.
    return secrets.token_urlsafe(12)


class BookingStatus(StrEnum):
    CONFIRMED = "confirmed"
    WAITING = "waiting"
    OFFERED = "offered"  # a freed place held for this waiting-list entry until it expires
    CANCELLED = "cancelled"
    DECLINED = "declined"
    EXPIRED = "expired"


# How a status reads to people: pages, emails and exports alike.
STATUS_LABELS: dict[str, str] = {
    BookingStatus.CONFIRMED: "Confirmed", BookingStatus.WAITING: "On the waiting list",
    BookingStatus.OFFERED: "Place offered", BookingStatus.CANCELLED: "Cancelled",
    BookingStatus.DECLINED: "Declined", BookingStatus.EXPIRED: "Offer expired",
}


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, str(status).capitalize())


# Words that begin a family name rather than end a given one.
SURNAME_PARTICLES = frozenset({
    "mac", "mc", "nic", "ní", "ni", "ó", "o", "ua", "uí", "van", "von", "der", "den", "de",
    "da", "das", "do", "dos", "di", "del", "della", "la", "le", "du", "des", "st", "st.",
    "bin", "binti", "al", "el", "ap", "ter", "ten",
})


# Statuses that hold a seat; waiting entries do not.
HOLDS_PLACE = (BookingStatus.CONFIRMED, BookingStatus.OFFERED)
ACTIVE = (BookingStatus.CONFIRMED, BookingStatus.OFFERED, BookingStatus.WAITING)
_ACTIVE_SQL = "status IN ('confirmed', 'offered', 'waiting')"


class Booking(db.Model):
    __tablename__ = "bookings"
    __table_args__ = (
        # The database itself refuses a second active booking by the same person.
        Index(
            "uq_bookings_active_email",
            "workshop_id",
            "email_key",
            unique=True,
            sqlite_where=text(_ACTIVE_SQL),
            postgresql_where=text(_ACTIVE_SQL),
        ),
        Index("ix_bookings_workshop_status", "workshop_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id"))
    reference: Mapped[str] = mapped_column(String(12), unique=True, default=new_reference)
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    checkin_code: Mapped[str] = mapped_column(String(24), unique=True, default=new_checkin_code)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When an organiser recorded this confirmed delegate as not having come (see attendance).
    no_show_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the reminder before the workshop was queued: each booking gets one, once.
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The form's one-time key: a repeated POST finds the booking it already made.
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    email_key: Mapped[str] = mapped_column(String(254), index=True)
    job_title: Mapped[str] = mapped_column(String(200), default="")
    organisation: Mapped[str] = mapped_column(String(200))
    organisation_key: Mapped[str] = mapped_column(String(200), default="")
    region: Mapped[str] = mapped_column(String(40), default="")
    sector: Mapped[str] = mapped_column(String(40), default="")
    access_needs: Mapped[str] = mapped_column(Text, default="")
    dietary_needs: Mapped[str] = mapped_column(Text, default="")
    list_consent: Mapped[bool] = mapped_column(default=False)
    # Registered by an organiser at the desk on the day (attendance.walk_in), not booked ahead.
    walk_in: Mapped[bool] = mapped_column(default=False)
    waiting_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    offer_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now,
                                                 onupdate=clock.now)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    workshop: Mapped[Workshop] = relationship()

    @property
    def region_name(self) -> str:
        """The region the delegate works in, as the booking form named it ('' if not said)."""
        return REGIONS.get(self.region, "")

    @property
    def sector_name(self) -> str:
        return SECTORS.get(self.sector, "")

    @property
    def surname(self) -> str:
        """The family name a sign-in sheet is sorted by: the last word, with the particles
        before it that belong to it ("Aoife Mac Giolla" under Mac Giolla, "Ana de la Cruz"
        under de la Cruz), as people look themselves up on a printed list."""
        words = self.name.split()
        if len(words) < 2:
            return words[0] if words else ""
        start = len(words) - 1
        while start > 1 and words[start - 1].casefold() in SURNAME_PARTICLES:
            start -= 1
        return " ".join(words[start:])
