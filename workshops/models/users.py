"""Staff accounts. Delegates have no account: they hold unguessable links."""

from __future__ import annotations

import hashlib
from datetime import datetime
from enum import StrEnum

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from workshops import clock
from workshops.extensions import db
from workshops.models.types import UTCDateTime


def hash_password(password: str) -> str:
    """A salted hash of `password` by the app's PASSWORD_HASH_METHOD (scrypt unless a test
    suite, which signs in hundreds of staff, asks for a cheaper one)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


class Role(StrEnum):
    ADMIN = "admin"
    ORGANISER = "organiser"
    SCREENER = "screener"
    PANEL_MEMBER = "panel-member"
    PANEL_CHAIR = "panel-chair"

    @property
    def label(self) -> str:
        return self.value.replace("-", " ").capitalize()


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(300), default="")
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When an administrator last emailed a set-password link; a newer one voids older ones.
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    @property
    def password_stamp(self) -> str:
        """Changes whenever the password does. A link or a session that carries it works
        until then only. A digest, not the hash: a link may sit in a mail log."""
        return hashlib.sha256(self.password_hash.encode()).hexdigest()[:16]

    def get_id(self) -> str:
        # What Flask-Login keeps in the session: with the stamp, a new password (a reset
        # above all) signs out every browser that was signed in with the old one.
        return f"{self.id}.{self.password_stamp}"

    def set_password(self, password: str) -> None:
        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def has_role(self, *roles: Role | str) -> bool:
        return self.role == Role.ADMIN or self.role in {str(r) for r in roles}

    @property
    def display_name(self) -> str:
        return self.name or self.email
