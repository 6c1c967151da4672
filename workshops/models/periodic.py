"""Which consumer ran each periodic task last, so N consumers run it once a period, not N times."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from workshops.extensions import db
from workshops.models.types import UTCDateTime


class PeriodicClaim(db.Model):
    """One row per periodic task; `queue.claim_slot` advances `last_slot` with a conditional
    UPDATE, which only one consumer's transaction can win for a given slot."""

    __tablename__ = "periodic_claims"

    task: Mapped[str] = mapped_column(String(200), primary_key=True)
    # The minute (Unix time // 60) of the last run claimed.
    last_slot: Mapped[int] = mapped_column(BigInteger)
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # "hostname:pid" of the consumer that claimed it, for whoever wonders where a run went.
    claimed_by: Mapped[str] = mapped_column(String(200))
