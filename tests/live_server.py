"""A real gunicorn serving `wsgi:app` on loopback, and bounded rushes of HTTP clients against it.

Shared by the load tests (tests/load) and the benchmark (bench/booking_rush.py). Nothing here
asserts: callers decide what the figures must be. Every wait is bounded in count and in time.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from html import unescape as html_unescape
from pathlib import Path

import requests
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
SECRET_KEY = "live-server-secret"
CONFIRMED_PATH = re.compile(r"/booking/[A-Za-z0-9_-]+/confirmed$")

# Written next to the server: gunicorn calls post_worker_init once the worker has imported the
# app, so a file per worker tells us every worker is really ready (healthz answering only says
# that one is).
_GUNICORN_CONF = '''\
from pathlib import Path


def post_worker_init(worker):
    Path({ready_dir!r}, f"ready-{{worker.pid}}").touch()
'''


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- databases --------------------------------------------------------------------------

def postgresql_available(admin_url: str = PG_ADMIN_URL) -> bool:
    engine = create_engine(admin_url, poolclass=NullPool,
                           connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:  # any failure (refused, auth, timeout) means "not reachable" here
        return False
    finally:
        engine.dispose()


@contextlib.contextmanager
def scratch_database(backend: str, tmp_dir: Path) -> Iterator[str]:
    """An empty database for one server: an SQLite file in `tmp_dir`, or a PostgreSQL database
    with a unique name, dropped afterwards even if its server's workers still hold connections."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_dir / 'live.sqlite'}"
        return
    if backend != "postgresql":
        raise ValueError(f"unknown backend {backend!r}")
    name = f"live_workshops_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": name})
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def server_env(database_url: str, instance_path: Path, **extra: str) -> dict[str, str]:
    """The environment of every subprocess we start: the live server's settings, and nothing
    inherited that would change how it behaves (immediate tasks, Redis, a demo clock...)."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"HUEY_IMMEDIATE", "REDIS_URL", "DEMO_NOW", "PLUGINS",
                        "UNSAFE_DISABLE_BOOKING_LOCK", "TEST_DATABASE"}}
    env.update(
        DATABASE_URL=database_url,
        INSTANCE_PATH=str(instance_path),
        SECRET_KEY=SECRET_KEY,
        RATELIMIT_ENABLED="0",
        MAIL_SERVER="127.0.0.1",
        # Nothing listens here: mail only queues (HUEY_IMMEDIATE is unset and no consumer runs).
        MAIL_PORT=str(free_port()),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def migrate(database_url: str, instance_path: Path, timeout: float = 120) -> None:
    """Build the schema with the real migrations, the way a deployment does."""
    result = subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT, env=server_env(database_url, instance_path),
        capture_output=True, text=True, timeout=timeout, check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"flask db upgrade failed:\n{result.stdout}\n{result.stderr}")


@dataclass(frozen=True)
class SeededWorkshop:
    id: int
    capacity: int
    book_path: str


def seed_workshop(database_url: str, make_workshop: Callable[..., object],
                  capacity: int) -> SeededWorkshop:
    """Insert a bookable workshop through the app's models, then let go of every connection
    so the server's workers are the only ones left on the database."""
    from workshops import create_app
    from workshops.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        try:
            workshop = make_workshop(capacity=capacity)
            seeded = SeededWorkshop(
                id=workshop.id, capacity=workshop.capacity,
                book_path=f"/series/{workshop.series.slug}/{workshop.region}/book")
        finally:
            db.session.remove()
            db.engine.dispose()
    return seeded


def booking_counts(database_url: str, workshop_id: int) -> Counter[str]:
    """Bookings per status, read straight from the database (not through the app)."""
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text(
                "SELECT status, count(*) FROM bookings WHERE workshop_id = :w GROUP BY status"),
                {"w": workshop_id}).all()
    finally:
        engine.dispose()
    return Counter({str(status): int(n) for status, n in rows})


# --- the server -------------------------------------------------------------------------

@dataclass
class LiveServer:
    base_url: str
    process: subprocess.Popen
    log_path: Path

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])


@contextlib.contextmanager
def gunicorn(database_url: str, instance_path: Path, *, workers: int = 4, threads: int = 8,
             extra_env: dict[str, str] | None = None,
             startup_timeout: float = 60) -> Iterator[LiveServer]:
    """`gunicorn -w W --threads T wsgi:app` on a free loopback port, until the block ends.

    It runs in a session of its own so the whole process group (master and workers) can be
    stopped by its id without touching anything else on the machine.
    """
    instance_path.mkdir(parents=True, exist_ok=True)
    ready_dir = instance_path / f"gunicorn-ready-{uuid.uuid4().hex[:6]}"
    ready_dir.mkdir()
    conf = ready_dir / "gunicorn_conf.py"
    conf.write_text(_GUNICORN_CONF.format(ready_dir=str(ready_dir)))
    port = free_port()
    log_path = ready_dir / "gunicorn.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", str(conf), "-w", str(workers),
             "--threads", str(threads), "-b", f"127.0.0.1:{port}",
             "--graceful-timeout", "5",
             # Its default control socket sits at one path in $HOME: two servers would clash.
             "--no-control-socket", "wsgi:app"],
            cwd=ROOT, env=server_env(database_url, instance_path, **(extra_env or {})),
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    server = LiveServer(f"http://127.0.0.1:{port}", process, log_path)
    try:
        _wait_until_ready(server, ready_dir, workers, startup_timeout)
        yield server
    finally:
        _stop(process)


def _wait_until_ready(server: LiveServer, ready_dir: Path, workers: int,
                      timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.process.returncode}:\n"
                               f"{server.log_tail()}")
        if len(list(ready_dir.glob("ready-*"))) >= workers:
            try:
                if requests.get(server.base_url + "/healthz", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn not ready after {timeout}s:\n{server.log_tail()}")


def _stop(process: subprocess.Popen) -> None:
    """Quick shutdown, then make sure nothing of the group is left.

    SIGQUIT is gunicorn's quick shutdown: a finished run has nothing in flight worth the
    graceful wait. Workers of this app can take seconds to finalise on a loaded machine, and
    the database is thrown away next, so after a short wait the whole group is killed.
    """
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGQUIT)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=2)
    # The group id is the master's pid (start_new_session); workers may outlive the master.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)


# --- clients ----------------------------------------------------------------------------

_INPUT_TAG = re.compile(r"<input\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r'([a-zA-Z_:-]+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\'|([^\s>]+))')


def hidden_inputs(html: str) -> dict[str, str]:
    """<input type=hidden name=... value=...>: the CSRF token and idempotency key.

    A regular expression over the input tags rather than a full HTML parser: the load client
    shares the server's cores, and parsing each whole form page cost it more than the
    server spent on some of the requests being measured.
    """
    values: dict[str, str] = {}
    for tag in _INPUT_TAG.findall(html):
        attributes = {name.lower(): html_unescape(a or b or c)
                      for name, a, b, c in _ATTRIBUTE.findall(tag)}
        if attributes.get("type", "").lower() == "hidden" and attributes.get("name"):
            values[attributes["name"]] = attributes.get("value", "")
    return values


def delegate_fields(index: int) -> dict[str, str]:
    """A valid booking form for delegate `index`; the email is unique per index."""
    return {
        "name": f"Delegate {index}",
        "email": f"delegate-{index}@example.org",
        "job_title": "Social worker",
        "organisation": f"Council {index}",
        "region": "north-east",
        "sector": "children-social-care",
        "access_needs": "",
        "dietary_needs": "",
        "list_consent": "y",
    }


@dataclass
class Attempt:
    """One client's booking: form load, then post. `error` says what went wrong, if anything."""

    index: int
    form_status: int | None = None
    status: int | None = None
    location: str = ""
    error: str = ""
    form_seconds: float = 0.0
    post_seconds: float = 0.0

    @property
    def seconds(self) -> float:
        return self.form_seconds + self.post_seconds

    @property
    def confirmed_redirect(self) -> bool:
        return self.status == 303 and bool(CONFIRMED_PATH.search(self.location))


@dataclass
class RushResult:
    attempts: list[Attempt]
    wall_seconds: float
    unfinished: int = 0

    @property
    def server_errors(self) -> list[Attempt]:
        return [a for a in self.attempts
                if (a.status or 0) >= 500 or (a.form_status or 0) >= 500]

    @property
    def failures(self) -> list[Attempt]:
        """Every attempt that did not end in a 303 to its confirmation page."""
        return [a for a in self.attempts if not a.confirmed_redirect]

    def describe_failures(self, limit: int = 5) -> str:
        kinds = Counter(f"form={a.form_status} post={a.status} {a.error[:80]}"
                        for a in self.failures)
        return ", ".join(f"{n}x [{k}]" for k, n in kinds.most_common(limit)) or "none"


def _book_once(base_url: str, path: str, index: int, fields: Callable[[int], dict[str, str]],
               barrier: threading.Barrier | None, timeout: float) -> Attempt:
    attempt = Attempt(index)
    # Its own session: its own cookie jar, so its own CSRF session, like a separate browser.
    with requests.Session() as session:
        data: dict[str, str] | None = None
        started = time.perf_counter()
        try:
            # Held at the barrier, a kept-alive connection would outlive gunicorn's 2 s
            # keep-alive and the post would meet a closed socket: post on a fresh one instead.
            headers = {"Connection": "close"} if barrier is not None else {}
            page = session.get(base_url + path, headers=headers, timeout=timeout)
            attempt.form_status = page.status_code
            hidden = hidden_inputs(page.text)
            if page.status_code != 200 or "csrf_token" not in hidden \
                    or not hidden.get("idempotency_key"):
                attempt.error = "form page without csrf_token/idempotency_key"
            else:
                data = {**fields(index), **hidden}
        except requests.RequestException as error:
            attempt.error = f"form: {type(error).__name__}: {error}"
        attempt.form_seconds = time.perf_counter() - started
        if barrier is not None:
            # Every client waits here, loaded form in hand, so the posts land together.
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=timeout)
        if data is None:
            return attempt
        started = time.perf_counter()
        try:
            response = session.post(base_url + path, data=data, allow_redirects=False,
                                    timeout=timeout)
            attempt.status = response.status_code
            attempt.location = response.headers.get("Location", "")
        except requests.RequestException as error:
            attempt.error = f"post: {type(error).__name__}: {error}"
        attempt.post_seconds = time.perf_counter() - started
    return attempt


def booking_rush(base_url: str, path: str, *, clients: int, concurrency: int,
                 fields: Callable[[int], dict[str, str]] = delegate_fields,
                 together: bool = False, timeout: float = 30,
                 deadline: float = 120) -> RushResult:
    """`clients` bookings through the real form, `concurrency` at a time.

    together=True makes every client load its form first and then post at the same moment
    (needs concurrency >= clients): the sharpest test of the capacity check.
    """
    if together and concurrency < clients:
        raise ValueError("together=True needs one thread per client")
    barrier = threading.Barrier(clients) if together else None
    return run_clients(lambda i: _book_once(base_url, path, i, fields, barrier, timeout),
                clients, concurrency, deadline, barrier)


def _get_once(url: str, index: int, timeout: float) -> Attempt:
    attempt = Attempt(index)  # a single request: its status and time go in the post_ fields
    started = time.perf_counter()
    try:
        # A fresh connection per request, as each booking client makes one: a fair baseline.
        response = requests.get(url, timeout=timeout)
        attempt.status = response.status_code
    except requests.RequestException as error:
        attempt.error = f"{type(error).__name__}: {error}"
    attempt.post_seconds = time.perf_counter() - started
    return attempt


def get_rush(base_url: str, path: str, *, requests_count: int, concurrency: int,
             timeout: float = 30, deadline: float = 120) -> RushResult:
    """`requests_count` plain GETs of `path`, `concurrency` at a time."""
    return run_clients(lambda i: _get_once(base_url + path, i, timeout),
                requests_count, concurrency, deadline, None)


def run_clients(job: Callable[[int], Attempt], count: int, concurrency: int, deadline: float,
                barrier: threading.Barrier | None = None) -> RushResult:
    """`count` runs of `job` (given its index), `concurrency` at a time, until `deadline`."""
    attempts: list[Attempt] = []
    started = time.perf_counter()
    pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="rush")
    futures = [pool.submit(job, i) for i in range(count)]
    try:
        for future in as_completed(futures, timeout=deadline):
            attempts.append(future.result())
    except TimeoutError:
        pass  # reported as `unfinished`; the per-request timeouts bound the stragglers
    finally:
        if barrier is not None:
            barrier.abort()
        pool.shutdown(wait=True, cancel_futures=True)
    return RushResult(attempts, time.perf_counter() - started, unfinished=count - len(attempts))


def warm_up(base_url: str, paths: list[str], workers: int) -> None:
    """A few GETs of each page, about as many at a time as there are workers.

    A worker's first form page costs ~0.7 s (Jinja compiles the templates, the pool opens a
    connection) and threads hitting a cold worker together each pay it. Paying it here, a
    few at a time, keeps it out of the rush and out of the figures. GETs book nothing.
    """
    for path in paths:
        get_rush(base_url, path, requests_count=workers * 4, concurrency=workers,
                 timeout=30, deadline=60)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile: an observed value, no interpolation."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]
