"""Themes, series, venues and workshops: what delegates can book."""

from __future__ import annotations

import uuid
from datetime import datetime, time
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workshops import clock
from workshops.extensions import db
from workshops.formatting import programme_times
from workshops.models.types import UTCDateTime

REGIONS: dict[str, str] = {
    "north-east": "North East",
    "north-west": "North West",
    "yorkshire-and-the-humber": "Yorkshire and the Humber",
    "east-midlands": "East Midlands",
    "west-midlands": "West Midlands",
    "east-of-england": "East of England",
    "london": "London",
    "south-east": "South East",
    "south-west": "South West",
}

SECTORS: dict[str, str] = {
    "children-social-care": "Local authority children's social care",
    "education": "Schools and education",
    "health": "Health",
    "police": "Police",
    "voluntary": "Voluntary and community sector",
    "lscb": "Local safeguarding children board",
    "other": "Other",
}


class WorkshopStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"
    FINISHED = "finished"


# Where a workshop stands, as a sentence says it after "This workshop": the status's own word
# reads wrongly there ("This workshop is draft", "... is finished").
STATUS_PHRASES: dict[str, str] = {
    WorkshopStatus.DRAFT: "is a draft",
    WorkshopStatus.PUBLISHED: "is published",
    WorkshopStatus.CANCELLED: "has been cancelled",
    WorkshopStatus.FINISHED: "has finished",
}


class Theme(db.Model):
    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))


class Series(db.Model):
    __tablename__ = "series"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id"))
    title: Mapped[str] = mapped_column(String(200))
    review_title: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    key_messages: Mapped[str] = mapped_column(Text, default="")  # Markdown, sanitised on render

    theme: Mapped[Theme] = relationship()
    # Then by id: workshops on the same day in different regions would otherwise come back in
    # whatever order the database likes (seen on PostgreSQL in the series export).
    workshops: Mapped[list[Workshop]] = relationship(
        back_populates="series", order_by="(Workshop.starts_at, Workshop.id)"
    )


class SeriesFormerSlug(db.Model):
    """A web address a series had before an organiser changed it: the links already emailed,
    printed in packs and subscribed to as calendars name it, so it redirects to the new one."""

    __tablename__ = "series_former_slugs"

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"),
                                           index=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class Venue(db.Model):
    __tablename__ = "venues"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(Text)
    town: Mapped[str] = mapped_column(String(120))
    postcode: Mapped[str] = mapped_column(String(10))
    access_info: Mapped[str] = mapped_column(Text, default="")

    @property
    def one_line(self) -> str:
        return ", ".join(part for part in (self.name, self.address_one_line, self.town,
                                           self.postcode) if part)

    @property
    def address_one_line(self) -> str:
        """The address's lines joined with commas, whatever line endings it was typed with
        (a browser sends CRLF: splitting on \n alone had left 'Square\r, Quays')."""
        return ", ".join(line.strip() for line in self.address.splitlines() if line.strip())

    @property
    def map_url(self) -> str:
        from urllib.parse import quote

        return f"https://www.openstreetmap.org/search?query={quote(self.postcode)}"


class Workshop(db.Model):
    __tablename__ = "workshops"
    __table_args__ = (UniqueConstraint("series_id", "region"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id"), index=True)
    region: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200), default="")
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    capacity: Mapped[int] = mapped_column()
    per_organisation_limit: Mapped[int | None] = mapped_column()
    booking_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    booking_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    offer_hours: Mapped[int] = mapped_column(default=48)
    programme: Mapped[str] = mapped_column(Text, default="")  # one "9:30 | item" per line
    status: Mapped[str] = mapped_column(String(12), default=WorkshopStatus.DRAFT, index=True)
    # Calendar identity: the UID never changes, SEQUENCE rises with each change delegates see.
    calendar_uid: Mapped[str] = mapped_column(
        String(80), default=lambda: f"{uuid.uuid4()}@workshops", unique=True
    )
    calendar_sequence: Mapped[int] = mapped_column(default=0)
    # Bumped inside every booking transaction: the row lock that serialises bookings.
    booking_lock: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now,
                                                 onupdate=clock.now)

    series: Mapped[Series] = relationship(back_populates="workshops")
    venue: Mapped[Venue] = relationship()

    @property
    def region_name(self) -> str:
        return REGIONS.get(self.region, self.region)

    @property
    def status_phrase(self) -> str:
        """"is a draft", "has been cancelled"...: for sentences that begin "This workshop"."""
        return STATUS_PHRASES.get(self.status, f"is {self.status}")

    @property
    def display_title(self) -> str:
        return self.title or f"{self.series.title}: {self.region_name}"

    @property
    def programme_items(self) -> list[tuple[str, str]]:
        """(time, session) for each line, as the public page, the pack and the organisers'
        page show them. The text is kept as the organiser typed it; only its times are
        written one way here ('9:30', '1pm' and '13:00' had stood side by side)."""
        items = []
        for line in self.programme.splitlines():
            if not line.strip():
                continue
            time, _, item = line.partition("|")
            items.append((time.strip(), item.strip()) if item else ("", time.strip()))
        shown = programme_times([time for time, _ in items])
        return [(time, item) for time, (_, item) in zip(shown, items, strict=True)]

    @property
    def day_starts_at(self) -> datetime:
        """Midnight, London time, at the start of the workshop's day: from then on check-in
        is open and a place that comes free is for someone at the door."""
        return clock.from_london(datetime.combine(clock.london(self.starts_at).date(), time()))

    def has_taken_place(self, moment: datetime) -> bool:
        """Whether the workshop was held and is over (finished, or published and past its
        end): the public pages say so, rather than that booking has closed."""
        return self.status == WorkshopStatus.FINISHED or (
            self.status == WorkshopStatus.PUBLISHED and self.ends_at <= moment)

    def booking_window_state(self, moment: datetime) -> str:
        """'open', 'not-yet', 'closed' (window passed or event started) or 'unavailable'."""
        if self.status != WorkshopStatus.PUBLISHED:
            return "unavailable"
        if self.booking_opens_at and moment < self.booking_opens_at:
            return "not-yet"
        closes = self.booking_closes_at or self.starts_at
        if moment >= closes:
            return "closed"
        return "open"
