"""Where a booking's time goes, in one process with no server: `python -m bench.booking_in_process`.

The booking rush (bench.booking_rush) says how fast bookings go against a no-op and a bare
insert; this says what the application does with its share. The Flask test client loads the
booking form and posts it, one delegate at a time, for each database, and the median of each
step is printed next to a no-op request (GET /healthz) measured the same way.

The parts of `booking.book` are timed by wrapping the module functions that do them for the
length of this run (the code under test is not changed): the check for an earlier booking,
taking the workshop's lock, the counts, and queueing the confirmation email. The email itself
(its two templates and calendar invite) is written later by the queue's worker; what that costs
is timed after the bookings, on the rows they queued, and printed below them. It only prints;
no timing is asserted anywhere.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench import for_each_backend
from tests.live_server import (
    delegate_fields,
    hidden_inputs,
    migrate,
    scratch_database,
)

WARM_UP = 30
# (module, function, label): the parts of a booking worth naming.
PARTS = [
    ("workshops.booking", "_earlier_booking", "check for an earlier booking"),
    ("workshops.booking", "lock_workshop", "take the workshop's lock, read it"),
    ("workshops.booking", "_counts_under_lock", "count places and the waiting list"),
    ("workshops.notices", "confirmed", "queue the confirmation"),
    ("workshops.booking", "book", "booking.book, whole"),
]
WORKER = "worker: write the confirmation"


def _timed(samples: list[float], function: Callable) -> Callable:
    @functools.wraps(function)
    def wrapper(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            samples.append(time.perf_counter() - started)
    return wrapper


def measure(backend: str, bookings: int) -> dict[str, list[float]]:
    import importlib

    from sqlalchemy import select

    # Imported here: tests.conftest makes its scratch folder when imported.
    from tests.conftest import make_workshop
    from workshops import create_app, mail
    from workshops.extensions import db
    from workshops.models import OutboxMessage

    found: dict[str, list[float]] = {label: [] for _, _, label in PARTS}
    originals = []
    for module_name, name, label in PARTS:
        module = importlib.import_module(module_name)
        originals.append((module, name, getattr(module, name)))
        setattr(module, name, _timed(found[label], getattr(module, name)))
    found.update({"form GET": [], "booking POST": [], "no-op GET": [], WORKER: []})
    try:
        with tempfile.TemporaryDirectory(prefix="bench-inproc-") as tmp, \
                scratch_database(backend, Path(tmp)) as url:
            folder = Path(tmp)
            (folder / "instance").mkdir()
            migrate(url, folder / "instance")
            app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False,
                              "INSTANCE_PATH": str(folder / "instance")})
            with app.app_context():
                workshop = make_workshop(capacity=2 * (bookings + WARM_UP))
                path = f"/series/{workshop.series.slug}/{workshop.region}/book"
                db.session.remove()
            for n in range(bookings + WARM_UP):
                client = app.test_client()  # its own cookies: its own CSRF session
                started = time.perf_counter()
                form = client.get(path)
                loaded = time.perf_counter()
                posted = client.post(path, data={**delegate_fields(n),
                                                 **hidden_inputs(form.get_data(as_text=True))})
                done = time.perf_counter()
                if posted.status_code != 303:
                    raise SystemExit(f"booking {n} answered {posted.status_code}, not 303")
                found["form GET"].append(loaded - started)
                found["booking POST"].append(done - loaded)
                started = time.perf_counter()
                client.get("/healthz")
                found["no-op GET"].append(time.perf_counter() - started)
            with app.app_context():
                # No worker runs here (the queue is not immediate): write what it would have.
                for row in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)):
                    started = time.perf_counter()
                    mail.compose(row)
                    found[WORKER].append(time.perf_counter() - started)
                db.session.rollback()
                db.engine.dispose()
    finally:
        for module, name, original in originals:
            setattr(module, name, original)
    return {label: samples[WARM_UP:] for label, samples in found.items()}


def report(backend: str, bookings: int) -> None:
    found = measure(backend, bookings)
    base = statistics.median(found["no-op GET"])
    rows = ["no-op GET", "form GET", "booking POST", *(label for _, _, label in PARTS), WORKER]
    for label in rows:
        median = statistics.median(found[label])
        print(f"{backend:<11} {label:<38} {median * 1000:>9.2f} {median / base:>8.1f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bookings", type=int, default=200)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args(argv)
    print(f"\nA booking in one process, one at a time (median of {args.bookings}; "
          "ratio = time / no-op GET, same process)")
    print(f"{'backend':<11} {'step':<38} {'median ms':>9} {'ratio':>8}")
    print("-" * 70)
    for_each_backend(args.backends, lambda backend: report(backend, args.bookings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
