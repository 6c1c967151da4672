"""Who changed what and when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from workshops import clock
from workshops.extensions import db
from workshops.models.types import UTCDateTime


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    # The entries about one booking or one user (a moved booking's page, a reset's hourly cap).
    __table_args__ = (Index("ix_audit_entries_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_label: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int] = mapped_column()
    workshop_id: Mapped[int | None] = mapped_column(ForeignKey("workshops.id"), index=True)
    details: Mapped[dict] = mapped_column(JSON, default=dict)
