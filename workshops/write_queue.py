"""A fair queue for SQLite's write lock, taken by the booking rules before they write.

A writer that finds SQLite locked sleeps and tries again (after 1, 2, 5 … up to 100 ms), so in a
rush the lock often stands free while every waiter sleeps, and whoever wakes first wins: with 32
bookings waiting, an unlucky one lost again and again and waited seconds while later ones went
ahead. Here the threads of a process queue on a lock of their own, and one thread per process
then tries a file lock beside the database every millisecond, so a freed lock is taken at once
and each process's turn comes round quickly. Only then does the booking take SQLite's lock,
which is now free unless another kind of writer (the outbox, a staff edit) holds it.

Every wait is bounded by the database's busy timeout and then fails as SQLite's own would
("database is locked"), so the booking's retries and its "try again" page work unchanged.

PostgreSQL needs none of this: a row lock's waiters are woken in turn.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, SessionTransaction

from workshops.extensions import db

_INFO_KEY = "write_queue"
POLL_SECONDS = 0.001
DEFAULT_TIMEOUT = 5.0  # sqlite3's own default busy timeout


@dataclass
class _Queue:
    """One per database file and process: a thread lock, as flock does not separate the
    threads of one process, and the file descriptor whose flock separates processes."""

    fd: int
    threads: threading.Lock = field(default_factory=threading.Lock)


_queues: dict[tuple[int, str], _Queue] = {}
_queues_guard = threading.Lock()


def _queue_for(path: str) -> _Queue:
    # Keyed by process too: a gunicorn worker forked after the app was loaded must open its
    # own descriptor, or its flock would be shared with its parent's.
    key = (os.getpid(), path)
    with _queues_guard:
        queue = _queues.get(key)
        if queue is None:
            fd = os.open(path + ".write-queue", os.O_RDWR | os.O_CREAT, 0o600)
            queue = _queues[key] = _Queue(fd)
        return queue


def _database_file() -> str | None:
    url = db.engine.url
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return url.database


def join(session: Session | None = None) -> None:
    """Wait for this session's turn to write; held until its transaction ends. Does nothing
    on PostgreSQL or when the session already holds its turn."""
    session = session or db.session()
    if _INFO_KEY in session.info or (path := _database_file()) is None:
        return
    queue = _queue_for(path)
    timeout = _busy_timeout()
    deadline = time.monotonic() + timeout
    if not queue.threads.acquire(timeout=timeout):
        raise _locked()
    try:
        while True:
            try:
                fcntl.flock(queue.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise _locked() from None
                time.sleep(POLL_SECONDS)
    except BaseException:
        queue.threads.release()
        raise
    session.info[_INFO_KEY] = queue


def _busy_timeout() -> float:
    """The seconds a connection waits for SQLite's lock (its `timeout`), so that waiting in
    the queue and then for the lock is bounded as waiting for the lock alone was."""
    options = current_app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {}
    return float(options.get("connect_args", {}).get("timeout", DEFAULT_TIMEOUT))


def _locked() -> OperationalError:
    return OperationalError("-- waiting in the write queue", {},
                            sqlite3.OperationalError("database is locked"))


def leave(session: Session) -> None:
    queue = session.info.pop(_INFO_KEY, None)
    if queue is not None:
        fcntl.flock(queue.fd, fcntl.LOCK_UN)
        queue.threads.release()


def _on_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    # The outermost transaction only: committed, rolled back or closed with the session.
    if transaction.parent is None:
        leave(session)


def init_app() -> None:
    # db.session's listeners are class-wide: connect once, however many apps are made.
    if not event.contains(db.session, "after_transaction_end", _on_transaction_end):
        event.listen(db.session, "after_transaction_end", _on_transaction_end)
