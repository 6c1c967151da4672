"""How fast does a rush of bookings go, against what the same server does for nothing?

`make bench` (= python -m bench.booking_rush). For each database (SQLite; PostgreSQL too if it
answers at 127.0.0.1:5432) one gunicorn serves `wsgi:app` from one database, each set up as it
is deployed (SQLite's task queue in a file beside it; PostgreSQL's in Redis when Redis answers
at 127.0.0.1:6379), and at the same concurrency we measure:

  (a) the no-op GET /healthz: the ceiling this server, client and machine can reach;
  (b) GET /bench/durable-insert: one durable insert and commit, nothing else (the floor under
      any request that writes; served only because BENCH_ENDPOINTS=1 is set for this server);
  (c) a booking rush: each client loads the form with its own cookie jar and posts it;
  (d) the rush's shape with no work in it: each client makes two no-op requests on one
      session, as a booking makes two. No booking can go faster than this on this server.

Target: complete bookings per second at least 50% of (b). (d) shows how much of (b) a booking
could reach if the application did nothing at all: the two requests' own cost.

Each phase's CPU time is also read from the processes' counters (bench.cpu) and printed per
request, split between the client, the web server and the database server. With the cores
busy throughout, throughput goes as the inverse of CPU per request, so the target holds only if
a whole booking costs at most twice what one insert request costs; the report prints that
budget beside what a booking costs now.

It prints throughput, the bookings/no-op and bookings/insert ratios (ratios travel between
machines better than the raw figures), latency percentiles and the resulting counts. It only
prints: no timings are asserted here or anywhere.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import redis
import requests
from huey import RedisHuey

from bench import cpu, remove_test_scratch
from tests.live_server import (
    Attempt,
    RushResult,
    booking_counts,
    booking_rush,
    get_rush,
    gunicorn,
    migrate,
    percentile,
    postgresql_available,
    run_clients,
    scratch_database,
    seed_workshop,
    warm_up,
)

WORKERS, THREADS = 4, 8
INSERT_PATH = "/bench/durable-insert"
NOOP, INSERT, PAIRS, BOOKING = ("no-op GET /healthz", "one insert + commit",
                                "two no-ops, one session", "booking (form + post)")
TARGET_SHARE_OF_INSERT = 0.5
REDIS_URL = "redis://127.0.0.1:6379/0"


@dataclass
class Row:
    label: str
    count: int
    per_second: float | None
    ratio: float | None
    latencies: list[float]
    errors: int


@dataclass
class BackendReport:
    backend: str
    rows: list[Row]
    cpu_spent: dict[str, cpu.CpuSeconds]  # the whole of each measure's run, by its label
    counts: Counter[str]
    booking_errors: int
    capacity: int
    clients: int
    queue: str

    def cpu_per_request(self, label: str) -> cpu.CpuSeconds:
        """A measure's CPU per request that succeeded (per complete booking for the rush)."""
        row = next(r for r in self.rows if r.label == label)
        return self.cpu_spent[label].per(len(row.latencies))

    @property
    def counts_ok(self) -> bool:
        expected = {"confirmed": self.capacity, "waiting": self.clients - self.capacity}
        return dict(self.counts) == expected and self.booking_errors == 0


def _two_noops(url: str, index: int, timeout: float) -> Attempt:
    """A booking's requests without the booking: two no-ops on one kept-alive session."""
    attempt = Attempt(index)
    started = time.perf_counter()
    try:
        with requests.Session() as session:
            attempt.form_status = session.get(url, timeout=timeout).status_code
            attempt.status = session.get(url, timeout=timeout).status_code
    except requests.RequestException as error:
        attempt.error = f"{type(error).__name__}: {error}"
    attempt.post_seconds = time.perf_counter() - started
    return attempt


def _redis_available() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping())
    except redis.RedisError:
        return False


def run_backend(backend: str, *, clients: int, capacity: int, concurrency: int,
                noop_requests: int, workers: int = WORKERS,
                threads: int = THREADS) -> BackendReport:
    from tests.conftest import make_workshop

    tmp = Path(tempfile.mkdtemp(prefix=f"bench-{backend}-"))
    env = {"BENCH_ENDPOINTS": "1"}
    # Each backend as it is deployed: SQLite with its queue file beside it (the embedded
    # default), PostgreSQL with Redis holding the queue (docs/deployment.md).
    queue = "sqlite file"
    if backend == "postgresql" and _redis_available():
        env.update(REDIS_URL=REDIS_URL, HUEY_NAME=f"bench-{uuid.uuid4().hex[:10]}")
        queue = "redis"
    try:
        with scratch_database(backend, tmp) as url:
            migrate(url, tmp / "instance")
            workshop = seed_workshop(url, make_workshop, capacity=capacity)
            with gunicorn(url, tmp / "instance", workers=workers, threads=threads,
                          extra_env=env) as server:
                warm_up(server.base_url, ["/healthz", INSERT_PATH, workshop.book_path],
                        workers)
                spent: dict[str, cpu.CpuSeconds] = {}
                postgresql = backend == "postgresql"

                def measured(label: str, run):  # noqa: ANN001, ANN202
                    before = cpu.sample(server.process.pid, postgresql=postgresql)
                    result = run()
                    spent[label] = cpu.sample(server.process.pid, postgresql=postgresql) - before
                    return result

                noop = measured(NOOP, lambda: get_rush(
                    server.base_url, "/healthz", requests_count=noop_requests,
                    concurrency=concurrency, timeout=30, deadline=120))
                insert = measured(INSERT, lambda: get_rush(
                    server.base_url, INSERT_PATH, requests_count=noop_requests,
                    concurrency=concurrency, timeout=30, deadline=120))
                pairs = measured(PAIRS, lambda: run_clients(
                    lambda i: _two_noops(server.base_url + "/healthz", i, 30),
                    noop_requests // 2, concurrency, deadline=120))
                rush = measured(BOOKING, lambda: booking_rush(
                    server.base_url, workshop.book_path, clients=clients,
                    concurrency=concurrency, timeout=60, deadline=240))
            counts = booking_counts(url, workshop.id)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if "HUEY_NAME" in env:
            RedisHuey(env["HUEY_NAME"], url=REDIS_URL).storage.flush_all()
    return BackendReport(backend, _rows(noop, insert, pairs, rush), spent, counts,
                         len(rush.failures) + rush.unfinished, capacity, clients, queue)


def _rows(noop: RushResult, insert: RushResult, pairs: RushResult,
          rush: RushResult) -> list[Row]:
    noop_ok = [a for a in noop.attempts if a.status == 200]
    noop_rate = len(noop_ok) / noop.wall_seconds
    insert_ok = [a for a in insert.attempts if a.status == 200]
    insert_rate = len(insert_ok) / insert.wall_seconds
    pairs_ok = [a for a in pairs.attempts if a.status == 200 and a.form_status == 200]
    pairs_rate = len(pairs_ok) / pairs.wall_seconds
    done = [a for a in rush.attempts if a.confirmed_redirect]
    rate = len(done) / rush.wall_seconds
    return [
        Row(NOOP, len(noop.attempts), noop_rate, 1.0,
            [a.seconds for a in noop_ok], len(noop.attempts) - len(noop_ok) + noop.unfinished),
        Row(INSERT, len(insert.attempts), insert_rate, insert_rate / noop_rate,
            [a.seconds for a in insert_ok],
            len(insert.attempts) - len(insert_ok) + insert.unfinished),
        Row(PAIRS, len(pairs.attempts), pairs_rate,
            pairs_rate / noop_rate, [a.seconds for a in pairs_ok],
            len(pairs.attempts) - len(pairs_ok) + pairs.unfinished),
        Row(BOOKING, len(rush.attempts), rate, rate / noop_rate,
            [a.seconds for a in done], len(rush.failures) + rush.unfinished),
        Row("  of which form GET", len(done), None, None, [a.form_seconds for a in done], 0),
        Row("  of which POST", len(done), None, None, [a.post_seconds for a in done], 0),
    ]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def print_report(reports: list[BackendReport], *, concurrency: int, skipped: list[str],
                 load_before: float, workers: int = WORKERS, threads: int = THREADS) -> None:
    header = (f"{'backend':<11}{'measure':<24}{'n':>6}{'per s':>9}{'ratio':>8}"
              f"{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
    print(f"\nBooking rush vs no-op: gunicorn -w {workers} --threads {threads}, "
          f"client concurrency {concurrency}, loopback")
    print(header)
    print("-" * len(header))
    for report in reports:
        for row in report.rows:
            rate = f"{row.per_second:.1f}" if row.per_second is not None else ""
            ratio = f"{row.ratio:.3f}" if row.ratio is not None else ""
            lat = [_ms(percentile(row.latencies, p)) for p in (50, 95, 99)]
            print(f"{report.backend:<11}{row.label:<24}{row.count:>6}{rate:>9}{ratio:>8}"
                  f"{lat[0]:>9}{lat[1]:>9}{lat[2]:>9}{row.errors:>8}")
    print()
    print("CPU per request (per complete booking for the rush), ms, from the processes' counters")
    cpu_header = (f"{'backend':<11}{'measure':<24}{'client':>9}{'web':>9}{'database':>9}"
                  f"{'total':>9}")
    print(cpu_header)
    print("-" * len(cpu_header))
    for report in reports:
        for label in report.cpu_spent:
            spent = report.cpu_per_request(label)
            print(f"{report.backend:<11}{label:<24}{_ms(spent.client):>9}{_ms(spent.web):>9}"
                  f"{_ms(spent.database):>9}{_ms(spent.total):>9}")
    print()
    for report in reports:
        verdict = "as expected" if report.counts_ok else "NOT AS EXPECTED"
        print(f"{report.backend} (task queue: {report.queue}): "
              f"{report.counts.get('confirmed', 0)} confirmed, "
              f"{report.counts.get('waiting', 0)} waiting, {report.booking_errors} errors "
              f"(capacity {report.capacity}, {report.clients} clients): {verdict}")
    for backend in skipped:
        print(f"{backend}: skipped (not reachable at 127.0.0.1:5432)")
    print("ratio = requests (complete bookings) per second / no-op requests per second, "
          "same server")
    for report in reports:
        insert, pairs, booking = report.rows[1], report.rows[2], report.rows[3]
        if insert.per_second and booking.per_second is not None:
            share = booking.per_second / insert.per_second
            verdict = "meets" if share >= TARGET_SHARE_OF_INSERT else "BELOW"
            print(f"{report.backend}: complete bookings / one-insert endpoint = {share:.3f} "
                  f"({verdict} the target of {TARGET_SHARE_OF_INSERT:.0%}); two no-ops / "
                  f"one-insert endpoint = {(pairs.per_second or 0) / insert.per_second:.3f} "
                  "(no booking can beat this here)")
    for report in reports:
        insert, booking = report.cpu_per_request(INSERT), report.cpu_per_request(BOOKING)
        # Throughput goes as 1 / CPU per request: half the insert rate allows a booking
        # twice an insert request's CPU, of which its own client takes its share first.
        budget = 2 * insert.total - booking.client
        print(f"{report.backend}: for the target a booking may cost the web and database "
              f"servers {_ms(budget)} ms of CPU; it costs {_ms(booking.servers)} ms "
              f"({booking.servers / budget:.1f}x the budget; a no-op request costs "
              f"them {_ms(report.cpu_per_request(NOOP).servers)} ms, an insert request "
              f"{_ms(insert.servers)} ms)")
    # The clients are Python threads on the same cores as the server, and other work on the
    # machine moves every figure: say how busy it was so two runs can be compared fairly.
    print(f"{os.cpu_count()} CPUs; 1-minute load average before the run {load_before:.2f}, "
          f"after {os.getloadavg()[0]:.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=400)
    parser.add_argument("--capacity", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--noop-requests", type=int, default=2000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--workers", type=int, default=WORKERS)
    parser.add_argument("--threads", type=int, default=THREADS)
    args = parser.parse_args(argv)

    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    skipped = []
    if "postgresql" in backends and not postgresql_available():
        backends.remove("postgresql")
        skipped.append("postgresql")
    load_before = os.getloadavg()[0]
    reports = []
    try:
        for backend in backends:
            print(f"running {backend} ...", file=sys.stderr, flush=True)
            reports.append(run_backend(backend, clients=args.clients, capacity=args.capacity,
                                       concurrency=args.concurrency,
                                       noop_requests=args.noop_requests,
                                       workers=args.workers, threads=args.threads))
    finally:
        remove_test_scratch()
    print_report(reports, concurrency=args.concurrency, skipped=skipped,
                 load_before=load_before, workers=args.workers, threads=args.threads)
    return 0 if all(r.counts_ok for r in reports) else 1


if __name__ == "__main__":
    sys.exit(main())
