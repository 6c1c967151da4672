"""Settings from the environment."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from workshops.config import _clock_offset


def test_demo_clock_agrees_across_processes_sharing_an_anchor() -> None:
    anchor = str(time.time() - 30)
    first = _clock_offset("2010-02-22T10:00:00+00:00", anchor)
    time.sleep(0.05)
    second = _clock_offset("2010-02-22T10:00:00+00:00", anchor)
    assert first == second
    shown = datetime.now(UTC) + first
    assert shown.date().isoformat() == "2010-02-22"


def test_no_demo_means_real_time() -> None:
    assert _clock_offset(None, None).total_seconds() == 0


def test_a_database_other_than_sqlite_or_postgresql_is_refused_at_start():
    import pytest

    from workshops import create_app

    with pytest.raises(RuntimeError, match="sqlite:// or postgresql://"):
        create_app({"SQLALCHEMY_DATABASE_URI": "mysql://user@localhost/workshops"})


def test_a_commit_is_on_disk_before_the_booking_is_confirmed(app):
    # A confirmation sent for a booking that a power cut then takes back is worse than a
    # slower commit: each backend must sync a commit before it returns.
    from sqlalchemy import text

    from workshops.extensions import db

    with db.engine.connect() as connection:
        if db.engine.dialect.name == "sqlite":
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        else:
            assert connection.execute(text("SHOW synchronous_commit")).scalar() == "on"
            assert connection.execute(text("SHOW fsync")).scalar() == "on"


def test_an_sqlite_without_returning_is_refused_at_start(monkeypatch):
    # As an older system's library would report itself: refused with the versions named,
    # rather than failing at the first booking.
    import sqlite3

    import pytest

    from workshops import create_app

    monkeypatch.setattr(sqlite3, "sqlite_version_info", (3, 31, 1))
    monkeypatch.setattr(sqlite3, "sqlite_version", "3.31.1")
    with pytest.raises(RuntimeError, match=r"SQLite 3\.35 or newer is needed; this Python "
                                           r"has 3\.31\.1"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
