"""Periodic tasks run once a period however many consumers enqueue them: the claim table."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from huey import crontab
from sqlalchemy import event, insert, select

from workshops import queue
from workshops.extensions import db
from workshops.models import PeriodicClaim
from workshops.queue import claim_slot, huey


def _claim(task: str) -> PeriodicClaim:
    db.session.expire_all()
    return db.session.get(PeriodicClaim, task)


def test_a_slot_is_claimed_once_and_only_forward(app):
    assert claim_slot("tests.job", 100) is True
    assert claim_slot("tests.job", 100) is False  # the second consumer's copy
    assert claim_slot("tests.job", 101) is True  # the next minute
    assert claim_slot("tests.job", 100) is False  # a late copy of an earlier minute
    assert claim_slot("tests.other", 100) is True  # each task has its own row
    row = _claim("tests.job")
    assert row.last_slot == 101
    assert row.claimed_by == f"{socket.gethostname()}:{os.getpid()}"
    assert row.claimed_at.tzinfo is not None


def test_a_slot_beyond_32_bits_is_stored(app):
    # BigInteger: minutes since 1970 fit an int, but the column must not be the limit.
    assert claim_slot("tests.job", 2**40) is True
    assert _claim("tests.job").last_slot == 2**40


def test_the_claim_commits_apart_from_the_callers_session(app):
    assert claim_slot("tests.job", 5) is True
    db.session.rollback()  # the task failing afterwards does not give its slot back
    assert claim_slot("tests.job", 5) is False


@pytest.fixture()
def insert_first(app) -> Iterator[Callable[[int], list[int]]]:
    """Arm another consumer to insert the task's row just before this one's INSERT reaches the
    database: the race on a task's very first run, made to happen every time."""
    armed: list = []

    def arm(slot: int) -> list[int]:
        competitors: list[int] = []

        def before(conn, cursor, statement: str, *_) -> None:  # noqa: ANN001
            if statement.startswith("INSERT INTO periodic_claims") and not competitors:
                competitors.append(slot)
                with db.engine.begin() as other:
                    other.execute(insert(PeriodicClaim.__table__).values(
                        task="tests.job", last_slot=slot, claimed_at=datetime.now(UTC),
                        claimed_by="elsewhere:1"))

        event.listen(db.engine, "before_cursor_execute", before)
        armed.append(before)
        return competitors

    yield arm
    for listener in armed:
        event.remove(db.engine, "before_cursor_execute", listener)


def test_losing_the_race_to_insert_the_row_loses_the_claim(app, insert_first):
    competitors = insert_first(100)
    assert claim_slot("tests.job", 100) is False
    assert competitors == [100]  # the IntegrityError path really ran
    assert _claim("tests.job").claimed_by == "elsewhere:1"


def test_a_row_inserted_first_for_an_earlier_slot_still_lets_this_slot_be_claimed(
        app, insert_first):
    competitors = insert_first(99)
    assert claim_slot("tests.job", 100) is True
    assert competitors == [99]
    row = _claim("tests.job")
    assert row.last_slot == 100 and row.claimed_by != "elsewhere:1"


def _race(app, task: str, slot: int, contenders: int = 4) -> list[bool]:  # noqa: ANN001
    start = threading.Barrier(contenders)
    outcomes: list[bool] = []
    errors: list[BaseException] = []

    def contend() -> None:
        with app.app_context():
            try:
                start.wait(timeout=10)
                outcomes.append(claim_slot(task, slot))
            except BaseException as error:  # reported by the assertion below
                errors.append(error)

    threads = [threading.Thread(target=contend) for _ in range(contenders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return outcomes


def test_consumers_racing_for_a_new_task_get_one_claim_between_them(app):
    # Every round is a task's first run, so the contenders race to insert its row as well.
    for round_ in range(5):
        outcomes = _race(app, f"tests.job{round_}", 7)
        assert sorted(outcomes) == [False, False, False, True]
    # And on rows that exist, for the next minute.
    for round_ in range(5):
        outcomes = _race(app, f"tests.job{round_}", 8)
        assert sorted(outcomes) == [False, False, False, True]


# --- the decorator ---------------------------------------------------------------------------

@pytest.fixture()
def runs() -> Iterator[tuple[object, list[int]]]:
    """A periodic task of the test's own, counting its runs; unregistered afterwards."""
    counted: list[int] = []

    @queue.periodic_task(crontab(minute="*"))
    def count_a_run() -> int:
        counted.append(1)
        return len(counted)

    yield count_a_run, counted
    count_a_run.unregister()


@pytest.fixture()
def consumer_mode(app) -> Iterator[None]:
    """As the consumer runs tasks: not in immediate mode (no scheduler or queue is started)."""
    huey.immediate = False
    try:
        yield
    finally:
        huey.immediate = True


def test_the_decorated_task_keeps_its_name_and_runs_once_a_minute(app, runs, consumer_mode,
                                                                 monkeypatch):
    task, counted = runs
    assert task.task_class.__name__ == "count_a_run"
    assert huey._registry.task_to_string(task.task_class) == f"{__name__}.count_a_run"
    monkeypatch.setattr(queue, "current_slot", lambda: 1000)
    # What a consumer does with each copy that the schedulers enqueued for this minute.
    assert task.call_local() == 1
    assert task.call_local() is None  # another consumer's copy: not run
    assert counted == [1]
    assert _claim(f"{__name__}.count_a_run").last_slot == 1000
    monkeypatch.setattr(queue, "current_slot", lambda: 1001)
    assert task.call_local() == 2  # the next minute runs again
    assert counted == [1, 1]


def test_in_immediate_mode_the_task_runs_every_time_it_is_called(app, runs):
    task, counted = runs
    assert huey.immediate
    task()
    task()  # through the (immediate) queue, as the other tests call periodic tasks
    assert counted == [1, 1]
    assert db.session.scalar(select(PeriodicClaim)) is None  # and claims nothing


def test_the_projects_periodic_tasks_are_claimed(app, consumer_mode, monkeypatch):
    from workshops import tasks

    monkeypatch.setattr(queue, "current_slot", lambda: 2000)
    assert tasks.flush_outbox.call_local() == 0  # nothing to send, but it ran
    assert tasks.flush_outbox.call_local() is None  # the same minute again: skipped
    assert _claim("workshops.tasks.flush_outbox").last_slot == 2000


def test_current_slot_is_the_real_minute() -> None:
    before = int(time.time() // 60)
    assert before <= queue.current_slot() <= before + 1
