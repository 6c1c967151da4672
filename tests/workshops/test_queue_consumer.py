"""The real queue: a booking made by the web app is mailed by a separate consumer process.

Everything else in the suite runs Huey in immediate mode; this proves the path `make run` and
production take, with SqliteHuey (the default) and with RedisHuey (REDIS_URL set).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
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
    made = booking.book(workshop.id, booking.Delegate(
        name="Queue Test", email="%(email)s", organisation="Hull City Council"))
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
    reference = booked.stdout.strip().splitlines()[-1]
    assert mailbox.to(address) == []  # queued, not sent: no consumer is running yet

    # Its log to a file: a pipe that no one reads fills up and stalls the consumer.
    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "worker"],
                                  env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=out,
                                  start_new_session=True)
    try:
        # Generous: on a machine busy with other tests the consumer takes seconds to start.
        deadline = time.monotonic() + 60
        while not mailbox.to(address) and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=15)
        if backend == "redis":
            from huey import RedisHuey

            RedisHuey(extra["HUEY_NAME"], url=extra["REDIS_URL"]).storage.flush_all()
    sent = mailbox.to(address)
    assert len(sent) == 1, f"{len(sent)} sent; the consumer's log:\n{log.read_text()[-3000:]}"
    assert reference in sent[0].get_body(("plain",)).get_content()
