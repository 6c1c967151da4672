"""Bookings on SQLite take turns through workshops.write_queue before they take its lock.

The queue's own tests use an SQLite file of their own, whichever database the suite runs on: the
queue only exists for SQLite, and needs no schema. The last test runs on the suite's database.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from tests.conftest import make_workshop
from workshops import booking, create_app, write_queue
from workshops.extensions import db

SETTLE = 0.3  # long enough for a waiter to get in if the queue wrongly let it


@pytest.fixture()
def sqlite_app(tmp_path: Path) -> Iterator[Flask]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'queue.sqlite'}",
                      "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"timeout": 0.5}},
                      "HUEY_IMMEDIATE": True, "SECRET_KEY": "test"})
    yield app
    with app.app_context():
        db.engine.dispose()


def _hold_turn(app: Flask) -> None:
    """Join the queue and start a transaction, as booking.lock_workshop does before its UPDATE."""
    write_queue.join()
    db.session.execute(text("SELECT 1"))


@contextmanager
def waiter(app: Flask) -> Iterator[threading.Event]:
    """A thread that joins the queue; the event is set once it has its turn."""
    joined, errors = threading.Event(), []

    def run() -> None:
        with app.app_context():
            try:
                _hold_turn(app)
                joined.set()
                db.session.commit()
            except Exception as error:  # noqa: BLE001  (reported below, in the test's thread)
                errors.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    try:
        yield joined
    finally:
        thread.join(timeout=10)
    assert not errors, errors


@contextmanager
def another_process_holds(database: str) -> Iterator[Callable[[], None]]:
    """A separate process holds the queue's file lock until the block ends or it is told to
    let go (the callable yielded)."""
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import fcntl, os, sys\n"
         f"fd = os.open({database + '.write-queue'!r}, os.O_RDWR | os.O_CREAT)\n"
         "fcntl.flock(fd, fcntl.LOCK_EX)\n"
         "print('held', flush=True)\n"
         "sys.stdin.readline()\n"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def let_go() -> None:
        if holder.poll() is None:
            holder.communicate("go\n", timeout=10)

    try:
        assert holder.stdout.readline().strip() == "held"
        yield let_go
    finally:
        let_go()


@pytest.mark.parametrize("let_go", ["commit", "rollback", "remove"])
def test_a_second_thread_waits_until_the_first_transaction_ends(sqlite_app, let_go) -> None:
    with sqlite_app.app_context():
        _hold_turn(sqlite_app)
        with waiter(sqlite_app) as joined:
            assert not joined.wait(SETTLE), "two threads had their turn at once"
            {"commit": db.session.commit, "rollback": db.session.rollback,
             "remove": db.session.remove}[let_go]()
            assert joined.wait(5), f"the turn was not handed on after {let_go}"


def test_another_process_holding_the_queue_is_waited_for(sqlite_app) -> None:
    with sqlite_app.app_context():
        database = db.engine.url.database
    with another_process_holds(database) as let_go, waiter(sqlite_app) as joined:
        assert not joined.wait(SETTLE), "the queue did not keep out another process"
        let_go()
        assert joined.wait(5), "the turn never came once the other process let go"


def test_a_wait_past_the_busy_timeout_fails_as_a_locked_database(sqlite_app) -> None:
    """The booking's retries and "try again" page recognise the error; the thread's place in
    its process's queue is given up, so the next booking is not stuck behind it."""
    with sqlite_app.app_context():
        database = db.engine.url.database
        with another_process_holds(database), \
                pytest.raises(OperationalError, match="database is locked"):
            _hold_turn(sqlite_app)
        _hold_turn(sqlite_app)  # free again: no thread lock was left behind
        db.session.commit()


def test_postgresql_sessions_do_not_queue() -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": "postgresql://127.0.0.1/unused",
                      "SECRET_KEY": "test"})
    with app.app_context():
        write_queue.join()  # no connection is made: row locks need no queue
        assert "write_queue" not in db.session.info


def test_a_booking_refused_under_the_lock_lets_the_next_one_through(app) -> None:
    """Refused after taking its turn (its organisation is at the limit), a booking rolls back
    and gives up its turn: a booking from another thread goes straight through."""
    workshop = make_workshop(per_organisation_limit=1)
    workshop_id = workshop.id
    booking.book(workshop_id, booking.Delegate(name="A", email="a@example.org",
                                               organisation="Leeds City Council"))
    with pytest.raises(booking.BookingRefused):
        booking.book(workshop_id, booking.Delegate(name="B", email="b@example.org",
                                                   organisation="Leeds City Council"))
    assert "write_queue" not in db.session.info

    made: list[str] = []

    def book_elsewhere() -> None:
        with app.app_context():
            made.append(booking.book(workshop_id, booking.Delegate(
                name="C", email="c@example.org", organisation="York Council")).status)

    thread = threading.Thread(target=book_elsewhere)
    thread.start()
    thread.join(timeout=10)
    assert made == ["confirmed"]
