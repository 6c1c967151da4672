"""Settings read from environment variables, with defaults that run the demo on one machine."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from pathlib import Path


def _flag(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key(instance_path: Path) -> str:
    """Keep a generated key in the instance folder so sessions survive restarts."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def _clock_offset(demo_now: str | None, anchor: str | None) -> timedelta:
    """The demo replays spring 2010; the clock runs forward from the chosen moment.

    DEMO_NOW is what the clock shows at DEMO_ANCHOR (Unix seconds; default: when this process
    started). The web server and the queue consumer share one anchor so their clocks agree.
    """
    if not demo_now:
        return timedelta(0)
    moment = datetime.fromisoformat(demo_now)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    start = datetime.fromtimestamp(float(anchor), UTC) if anchor else datetime.now(UTC)
    return moment - start


def contact_email(config: Mapping) -> str:
    """The one address a person is told to write to: in emails (and as their Reply-To), as
    the organiser of calendar invites, in the privacy notice, the accessibility statement, the
    delegate pack and the practice library. PROGRAMME_CONTACT_EMAIL, else the address mail is
    sent from. Two addresses (a series' own one had been the invites' organiser and the
    contact in one email) left people unsure where to write."""
    return config.get("PROGRAMME_CONTACT_EMAIL") or \
        parseaddr(config.get("MAIL_DEFAULT_SENDER") or "")[1]


def from_environment(instance_path: Path) -> dict:
    env = os.environ
    instance_path.mkdir(parents=True, exist_ok=True)
    database_url = env.get("DATABASE_URL") or f"sqlite:///{instance_path / 'workshops.sqlite'}"
    # SQLAlchemy wants the driver named; accept the short forms that hosts hand out.
    for short in ("postgres://", "postgresql://"):
        if database_url.startswith(short):
            database_url = "postgresql+psycopg://" + database_url[len(short):]
    plugins = env.get("PLUGINS")
    return {
        "SECRET_KEY": env.get("SECRET_KEY") or _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": env.get("REDIS_URL") or None,
        "HUEY_SQLITE_PATH": str(instance_path / "queue.sqlite"),
        "HUEY_IMMEDIATE": _flag(env.get("HUEY_IMMEDIATE")),
        "HUEY_NAME": env.get("HUEY_NAME", "workshops"),
        "MAIL_SERVER": env.get("MAIL_SERVER", "localhost"),
        "MAIL_PORT": int(env.get("MAIL_PORT", "25")),
        "MAIL_USERNAME": env.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": _flag(env.get("MAIL_USE_TLS")),
        "MAIL_DEFAULT_SENDER": env.get(
            "MAIL_DEFAULT_SENDER", "Knowledge workshops <workshops@localhost>"
        ),
        # Where anyone is told to write to the programme (contact_email, above); unset, the
        # address mail is sent from.
        "PROGRAMME_CONTACT_EMAIL": env.get("PROGRAMME_CONTACT_EMAIL") or None,
        "PLUGINS": [p.strip() for p in plugins.split(",") if p.strip()]
        if plugins is not None
        else None,
        "PUBLIC_URL": env.get("PUBLIC_URL") or None,
        "CLOCK_OFFSET": _clock_offset(env.get("DEMO_NOW"), env.get("DEMO_ANCHOR")),
        "RATELIMIT_STORAGE_URI": env.get("REDIS_URL") or "memory://",
        "RATELIMIT_ENABLED": _flag(env.get("RATELIMIT_ENABLED"), default=True),
        # Not read from the environment: no deployment should be able to weaken it.
        "PASSWORD_HASH_METHOD": "scrypt",
        "LOGIN_LOCKOUT_ATTEMPTS": int(env.get("LOGIN_LOCKOUT_ATTEMPTS", "5")),
        "LOGIN_LOCKOUT_MINUTES": int(env.get("LOGIN_LOCKOUT_MINUTES", "15")),
        "RETENTION_MONTHS": int(env.get("RETENTION_MONTHS") or "12"),  # privacy notice quotes it
        # Confirmed delegates are emailed a reminder this many days before their workshop.
        "REMINDER_DAYS": int(env.get("REMINDER_DAYS") or "7"),
        # Only the negative control of the concurrency test turns this off.
        "BOOKING_LOCK": not _flag(env.get("UNSAFE_DISABLE_BOOKING_LOCK")),
        # Widens the count-then-insert window so the negative control overbooks every time;
        # it has no effect while the lock is on.
        "BOOKING_RACE_DELAY": float(env.get("BOOKING_RACE_DELAY") or 0),
        "MAX_CONTENT_LENGTH": 12 * 1024 * 1024,
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _flag(env.get("SESSION_COOKIE_SECURE")),
        # "json": one JSON object per log line, for log shippers (workshops/logging_setup.py).
        "LOG_FORMAT": (env.get("LOG_FORMAT") or "text").strip().lower(),
        # How many reverse proxies stand in front and set X-Forwarded-*; 0 trusts none, so a
        # client cannot claim HTTPS or another address by sending the headers itself.
        "TRUSTED_PROXIES": int(env.get("TRUSTED_PROXIES") or "0"),
    }
