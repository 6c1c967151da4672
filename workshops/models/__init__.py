"""The core's tables. Plugins import from here; this package imports no plugin."""

from workshops.models.audit import AuditEntry
from workshops.models.bookings import (
    ACTIVE,
    HOLDS_PLACE,
    Booking,
    BookingStatus,
    status_label,
)
from workshops.models.catalogue import (
    REGIONS,
    SECTORS,
    Series,
    SeriesFormerSlug,
    Theme,
    Venue,
    Workshop,
    WorkshopStatus,
)
from workshops.models.messages import Audience, OrganiserMessage, OrganiserMessageRecipient
from workshops.models.outbox import OutboxMessage, OutboxStatus
from workshops.models.periodic import PeriodicClaim
from workshops.models.users import Role, User

__all__ = [
    "ACTIVE",
    "HOLDS_PLACE",
    "REGIONS",
    "SECTORS",
    "Audience",
    "AuditEntry",
    "Booking",
    "BookingStatus",
    "OrganiserMessage",
    "OrganiserMessageRecipient",
    "OutboxMessage",
    "OutboxStatus",
    "PeriodicClaim",
    "Role",
    "Series",
    "SeriesFormerSlug",
    "Theme",
    "User",
    "Venue",
    "Workshop",
    "WorkshopStatus",
    "status_label",
]
