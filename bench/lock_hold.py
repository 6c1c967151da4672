"""How long does one booking hold its workshop's lock? `python -m bench.lock_hold` (only prints).

Every booking for a workshop takes the workshop's lock in turn (see workshops/booking.py), so
however fast the rest of a request is, one workshop can take at most 1 / (time the lock is held)
bookings a second. This measures that time with nothing else running, for each database, next
to the baseline the booking rush uses: one durable insert and commit (bench/endpoints.py), timed
the same way in the same process.

Only `booking.book` is timed, in-process with its real rules, audit entry and email (queued
in the transaction as what to write; the queue's worker writes it later, outside the lock). The
lock is held from the statement that takes it until the commit returns; both are seen through
SQLAlchemy events, so nothing in the code under test is patched.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import event

from bench import for_each_backend
from bench.endpoints import durable_insert
from tests.live_server import migrate, percentile, scratch_database

WARM_UP = 20
TAKES_THE_LOCK = "UPDATE workshops SET booking_lock"


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def _p90_ms(samples: list[float]) -> float:
    return percentile(samples, 90) * 1000


def measure(backend: str, bookings: int) -> dict[str, list[float]]:
    # Imported here: tests.conftest makes its scratch folder when imported, and the app reads
    # its settings then.
    from tests.conftest import make_workshop
    from workshops import booking, create_app
    from workshops.extensions import db

    with tempfile.TemporaryDirectory(prefix="bench-lock-") as tmp, \
            scratch_database(backend, Path(tmp)) as url:
        folder = Path(tmp)
        (folder / "instance").mkdir()
        migrate(url, folder / "instance")
        app = create_app({"SQLALCHEMY_DATABASE_URI": url,
                          "INSTANCE_PATH": str(folder / "instance")})
        with app.app_context():
            workshop_id = make_workshop(capacity=bookings + WARM_UP).id
            taken: list[float] = []
            holds: list[float] = []

            def lock_taken(conn, cursor, statement, *args) -> None:  # noqa: ANN001
                if statement.startswith(TAKES_THE_LOCK):
                    taken.append(time.perf_counter())

            def committed(session) -> None:  # noqa: ANN001
                if taken:
                    holds.append(time.perf_counter() - taken.pop())

            event.listen(db.engine, "after_cursor_execute", lock_taken)
            event.listen(db.session, "after_commit", committed)

            def timed(work: Callable[[int], object], count: int) -> list[float]:
                samples = []
                for n in range(count):
                    started = time.perf_counter()
                    work(n)
                    samples.append(time.perf_counter() - started)
                return samples[WARM_UP:]

            inserts = timed(lambda n: durable_insert(), bookings + WARM_UP)
            totals = timed(lambda n: booking.book(workshop_id, booking.Delegate(
                name=f"Delegate Number{n}", email=f"d{n}@example.org",
                organisation=f"Council {n}", job_title="Social worker", sector="health")),
                bookings + WARM_UP)
            event.remove(db.engine, "after_cursor_execute", lock_taken)
            event.remove(db.session, "after_commit", committed)
            db.session.remove()
            db.engine.dispose()
    if len(holds) != len(totals) + WARM_UP:
        # booking.lock_workshop no longer starts with this statement: say so rather than
        # mis-measure.
        raise SystemExit(f"saw the lock taken {len(holds)} times in {len(totals) + WARM_UP} "
                         f"bookings: does booking.lock_workshop still run {TAKES_THE_LOCK!r}?")
    return {"insert": inserts, "book": totals, "hold": holds[WARM_UP:]}


def report(backend: str, bookings: int) -> None:
    found = measure(backend, bookings)
    base = _median_ms(found["insert"])
    for label, key in (("one insert + commit", "insert"), ("booking.book, whole", "book"),
                       ("  of which the workshop lock held", "hold")):
        print(f"{backend:<11} {label:<34} {_median_ms(found[key]):>9.2f} "
              f"{_p90_ms(found[key]):>7.2f} {_median_ms(found[key]) / base:>7.2f}")
    hold = _median_ms(found["hold"])
    print(f"{backend:<11} at most {1000 / hold:.0f} bookings a second for one workshop, "
          f"before any contention; one insert + commit alone: {1000 / base:.0f} a second")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bookings", type=int, default=200)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args(argv)
    print("\nBooking lock held, one request at a time, in-process (median of "
          f"{args.bookings}; ratio = time / one insert + commit, same process and database)")
    print(f"{'backend':<11} {'measure':<34} {'median ms':>9} {'p90 ms':>7} {'ratio':>7}")
    print("-" * 72)
    for_each_backend(args.backends, lambda backend: report(backend, args.bookings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
