"""The workshop's lock is held elsewhere while a delegate books.

Another connection holds what a booking must take (SQLite: the database write lock;
PostgreSQL: the workshop row, FOR UPDATE), and the app waits only briefly for it (a short busy
timeout / lock_timeout). If the lock is let go within the booking's retries, the delegate is
booked; if not, they see the designed "service is busy" page (503). Never a 500, never two
bookings.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import make_url

from tests.conftest import delegate_form, make_workshop
from workshops.extensions import db
from workshops.models import Booking, OutboxMessage, Workshop

WAIT_MS = 200  # how long the app waits for a lock before the domain's retry takes over


@pytest.fixture()
def app_overrides(migrated: str) -> dict:
    if migrated.startswith("sqlite"):
        connect_args: dict = {"timeout": WAIT_MS / 1000}
    else:
        connect_args = {"options": f"-c lock_timeout={WAIT_MS}"}
    return {"SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": connect_args}}


@contextmanager
def held_lock(url: str, workshop_id: int, release_after: float | None) -> Iterator[None]:
    """Hold the booking lock from another connection; let go after `release_after` seconds
    (from a timer, while the booking is in flight), or when the block ends."""
    if url.startswith("sqlite"):
        conn = sqlite3.connect(make_url(url).database, isolation_level=None,
                               check_same_thread=False)
        conn.execute("BEGIN IMMEDIATE")

        def release() -> None:
            conn.rollback()
    else:
        engine = create_engine(url)
        connection = engine.connect()
        connection.execute(select(Workshop.id).where(Workshop.id == workshop_id)
                           .with_for_update())

        def release() -> None:
            connection.rollback()

    released = threading.Event()

    def release_once() -> None:
        if not released.is_set():
            released.set()
            release()

    timer = threading.Timer(release_after, release_once) if release_after else None
    if timer:
        timer.start()
    try:
        yield
    finally:
        if timer:
            timer.cancel()
            timer.join()
        release_once()
        if url.startswith("sqlite"):
            conn.close()
        else:
            connection.close()
            engine.dispose()


def _counts(workshop_id: int) -> tuple[int, int]:
    db.session.expire_all()
    bookings = db.session.scalar(select(func.count()).select_from(Booking)
                                 .where(Booking.workshop_id == workshop_id))
    mail = db.session.scalar(select(func.count()).select_from(OutboxMessage))
    return bookings, mail


def _book_path(workshop: Workshop) -> str:
    return f"/series/{workshop.series.slug}/{workshop.region}/book"


def test_lock_let_go_within_the_retries_books_once(app, client, migrated) -> None:
    workshop = make_workshop()
    form = delegate_form()
    # Let go after a few attempts have failed, well inside the retries' ~1.5 s of back-off.
    with held_lock(migrated, workshop.id, release_after=0.6):
        response = client.post(_book_path(workshop), data=form)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    assert "/confirmed" in response.headers["Location"]
    assert _counts(workshop.id) == (1, 1)
    # The browser's retry of the same form is the same booking.
    again = client.post(_book_path(workshop), data=form)
    assert again.status_code == 303 and again.headers["Location"] == response.headers["Location"]
    assert _counts(workshop.id) == (1, 1)


def test_lock_held_through_every_retry_shows_the_busy_page(app, client, migrated) -> None:
    workshop = make_workshop()
    form = delegate_form()
    with held_lock(migrated, workshop.id, release_after=None):
        response = client.post(_book_path(workshop), data=form)
    assert response.status_code == 503, response.get_data(as_text=True)[:2000]
    page = response.get_data(as_text=True)
    assert "the service is busy" in page and "Nothing was booked" in page
    # Nothing half-done: no booking, no mail queued for one.
    assert _counts(workshop.id) == (0, 0)

    # Trying again once the lock is free books exactly once.
    response = client.post(_book_path(workshop), data=form)
    assert response.status_code == 303
    assert _counts(workshop.id) == (1, 1)


def test_retries_stop_at_their_time_budget(app, client, migrated, monkeypatch) -> None:
    """However many retries are allowed, the busy page comes once RETRY_BUDGET has gone: the
    answer must reach the delegate before gunicorn's worker timeout kills the request."""
    from workshops import booking

    workshop = make_workshop()
    # Without the budget these retries would take ~1.6 s of lock waits + ~12.8 s of back-off.
    monkeypatch.setattr(booking, "LOCK_RETRIES", 8)
    monkeypatch.setattr(booking, "RETRY_BUDGET", 0.5)
    started = time.monotonic()
    with held_lock(migrated, workshop.id, release_after=None):
        response = client.post(_book_path(workshop), data=delegate_form())
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert elapsed < 3, f"the busy page took {elapsed:.1f} s"
    assert _counts(workshop.id) == (0, 0)
