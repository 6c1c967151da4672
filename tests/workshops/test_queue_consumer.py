"""The real queue: a booking made by the web app is mailed by a separate consumer process.

Everything else in the suite runs Huey in immediate mode; this proves the path `make run` and
production take, with SqliteHuey (the default) and with RedisHuey (REDIS_URL set).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

BOOK = """
from workshops import booking, create_app
from workshops.extensions import db
from tests.conftest import make_workshop
app = create_app({"SQLALCHEMY_DATABASE_URI": "%(db)s"})
with app.app_context():
    db.create_all()
    workshop = make_workshop(capacity=5)
    for n in range(4):
        made = booking.book(workshop.id, booking.Delegate(
            name="Queue Test", email=f"{n}.%(email)s", organisation="Hull City Council"))
        print(made.reference)
"""


def _env(tmp_path: Path, smtp_port: int, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "HUEY_IMMEDIATE")}
    env.update(INSTANCE_PATH=str(tmp_path), MAIL_SERVER="127.0.0.1", MAIL_PORT=str(smtp_port),
               PYTHONPATH=str(ROOT), **extra)
    return env


@pytest.mark.parametrize("backend", ["sqlite", "redis"])
def test_consumer_process_sends_the_confirmation(tmp_path, smtp_server, mailbox, backend):
    extra = {"HUEY_NAME": f"test-{uuid.uuid4().hex[:10]}"}
    if backend == "redis":
        extra["REDIS_URL"] = "redis://127.0.0.1:6379/0"
    env = _env(tmp_path, smtp_server.port, **extra)
    address = f"{backend}@example.org"
    script = BOOK % {"db": f"sqlite:///{tmp_path}/app.sqlite", "email": address}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path}/app.sqlite"
    booked = subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert booked.returncode == 0, booked.stderr[-2000:]
    references = booked.stdout.strip().splitlines()[-4:]
    addresses = [f"{n}.{address}" for n in range(4)]
    # Queued, not sent: no consumer is running yet. Four, so that the consumer's two threads
    # both take one as it starts (two building the app at once had made one task fail).
    assert [mailbox.to(a) for a in addresses] == [[]] * 4

    # Its log to a file: a pipe that no one reads fills up and stalls the consumer.
    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "worker"],
                                  env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=out,
                                  start_new_session=True)
    try:
        # Generous: on a machine busy with other tests the consumer takes seconds to start.
        deadline = time.monotonic() + 60
        while not all(mailbox.to(a) for a in addresses) and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=15)
        if backend == "redis":
            from huey import RedisHuey

            RedisHuey(extra["HUEY_NAME"], url=extra["REDIS_URL"]).storage.flush_all()
    said = log.read_text()
    for to, reference in zip(addresses, references, strict=True):
        sent = mailbox.to(to)
        assert len(sent) == 1, f"{len(sent)} sent to {to}; the consumer's log:\n{said[-3000:]}"
        assert reference in sent[0].get_body(("plain",)).get_content()
    # Delivered first time: no task failed and waited for its retry.
    assert "Unhandled exception" not in said and "Traceback" not in said, said[-3000:]


def test_the_consumers_threads_starting_together_share_one_app(tmp_path, monkeypatch):
    """Outside a request, a task runs in the process's one app, however many threads ask at
    once: each building its own had made one of them fail in werkzeug's rule compiler."""
    from workshops import queue

    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/app.sqlite")
    monkeypatch.setattr(queue, "_worker_app", None)
    start, apps, failures = threading.Barrier(4), [], []

    def take_a_task() -> None:
        start.wait()
        try:
            apps.append(queue.task_app())
        except Exception as error:  # noqa: BLE001  (the failure is what is being looked for)
            failures.append(error)

    threads = [threading.Thread(target=take_a_task) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == [] and len(apps) == 4
    assert len({id(app) for app in apps}) == 1
