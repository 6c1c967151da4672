"""The task queue: SqliteHuey beside the database by default, RedisHuey when REDIS_URL is set.

Huey binds tasks to one instance at import time, so the instance is made here from the
environment; `create_app` switches it to immediate mode for tests.

Every consumer process runs its own scheduler, so with N consumers each periodic task is
enqueued N times a period. `periodic_task` (use it instead of `huey.periodic_task`) lets only
the first copy of each period run: the copies race to claim the minute in `periodic_claims`.
"""

from __future__ import annotations

import functools
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from flask import Flask, current_app, has_app_context
from huey import Huey, RedisHuey, SqliteHuey
from huey.api import TaskWrapper
from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from workshops.extensions import db
from workshops.models.periodic import PeriodicClaim

PROJECT_ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger(__name__)
R = TypeVar("R")


def instance_path() -> Path:
    return Path(os.environ.get("INSTANCE_PATH") or PROJECT_ROOT / "instance")


def _make_huey() -> Huey:
    name = os.environ.get("HUEY_NAME", "workshops")
    redis_url = os.environ.get("REDIS_URL")
    if redis_url:
        return RedisHuey(name, url=redis_url)
    path = instance_path()
    path.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=str(path / "queue.sqlite"))


huey = _make_huey()
_worker_app: Flask | None = None
# The consumer's threads take their first tasks at the same moment: two building the app at
# once had one of them fail inside werkzeug's rule compiler, and its task with it.
_worker_app_lock = threading.Lock()


def use_app(app: Flask) -> None:
    """Run this process's tasks in `app` (the worker command's own) rather than building one."""
    global _worker_app
    with _worker_app_lock:
        _worker_app = app


def task_app() -> Flask:
    """The app a task runs in: the caller's in immediate mode, the consumer's own otherwise."""
    global _worker_app
    if has_app_context():
        return current_app._get_current_object()  # type: ignore[attr-defined]
    with _worker_app_lock:
        if _worker_app is None:
            from workshops import create_app

            _worker_app = create_app()
        return _worker_app


def configure(app: Flask) -> None:
    if app.config.get("HUEY_IMMEDIATE"):
        huey.immediate = True
    app.extensions["huey"] = huey


# --- periodic tasks: one run per period, however many consumers ------------------------------

def _advance(connection: Connection, task: str, slot: int) -> bool:
    claims = PeriodicClaim.__table__
    result = connection.execute(
        update(claims)
        .where(claims.c.task == task, claims.c.last_slot < slot)
        .values(last_slot=slot, claimed_at=datetime.now(UTC), claimed_by=_consumer()))
    return result.rowcount == 1


def _consumer() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def claim_slot(task: str, slot: int) -> bool:
    """Claim the run of `task` for `slot` (a minute); True for exactly one caller per slot.

    The conditional UPDATE is the claim: the database lets only one transaction move
    `last_slot` past a given value. Each step commits at once on its own connection, never in
    the caller's session, so a claim is visible to the other consumers straight away and a
    task's own rollback cannot undo it. Needs an app context (for `db.engine`).
    """
    claims = PeriodicClaim.__table__
    with db.engine.begin() as connection:
        # The UPDATE comes first: on SQLite it takes the write lock before anything is read,
        # so the transaction never has to upgrade a read lock (which fails at once when busy).
        if _advance(connection, task, slot):
            return True
        held = connection.scalar(select(claims.c.last_slot).where(claims.c.task == task))
        if held is not None:
            # Normally another consumer holds this slot (or a later one). If the row appeared
            # between the two statements with an earlier slot, the slot is still ours to take.
            return held < slot and _advance(connection, task, slot)
    # The task's first run ever: inserting the row with this slot is the claim.
    try:
        with db.engine.begin() as connection:
            connection.execute(insert(claims).values(
                task=task, last_slot=slot, claimed_at=datetime.now(UTC),
                claimed_by=_consumer()))
        return True
    except IntegrityError:
        # Another consumer inserted it first, perhaps for an earlier slot: claim as usual.
        with db.engine.begin() as connection:
            return _advance(connection, task, slot)


def current_slot() -> int:
    """The minute now, counted from the Unix epoch, by the real clock.

    Not `clock.now()`: huey's schedulers fire by the real clock, and the demo's CLOCK_OFFSET
    is anchored at each process's start unless DEMO_ANCHOR is shared, so consumers could
    disagree on the minute; and restarting the demo moves its clock back to 2010, which would
    leave every stored slot ahead of the clock and stop the periodic tasks for good.
    """
    return int(time.time() // 60)


def periodic_task(validate: Callable[[datetime], bool],
                  **settings: Any) -> Callable[[Callable[..., R]], TaskWrapper]:
    """`huey.periodic_task`, except that of the copies enqueued by several consumers'
    schedulers for the same minute only the first to claim it runs; the others return None.

    In immediate mode (tests, and `HUEY_IMMEDIATE`) nothing is enqueued by a scheduler, so
    there is nothing to deduplicate and the task always runs: calling it twice runs it twice.
    """
    def decorator(func: Callable[..., R]) -> TaskWrapper:
        # Huey registers a task as "module.name": the claim uses the same key, so two plugins'
        # tasks with the same function name stay apart.
        key = f"{func.__module__}.{func.__name__}"

        @functools.wraps(func)  # keeps __module__ and __name__, which huey names the task by
        def claimed(*args: Any, **kwargs: Any) -> R | None:
            if not huey.immediate:
                with task_app().app_context():
                    if not claim_slot(key, current_slot()):
                        log.info("%s: not run, another consumer claimed this minute's run", key)
                        return None
            return func(*args, **kwargs)

        return huey.periodic_task(validate, name=func.__name__, **settings)(claimed)

    return decorator
