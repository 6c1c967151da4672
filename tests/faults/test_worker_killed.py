"""The queue consumer is killed (SIGKILL) while it builds a bulk print file.

Nothing half-made is ever served: the file's URL never gives a PDF and the page never says
"ready" while the job is dead, and no partial PDF sits at the served name. The consumer named
itself (host and pid) in the job's status file, so as soon as it is dead the page, on the same
host, says the file could not be prepared and offers to prepare it again, with no wait for
packs.jobs.STALE_SECONDS. Huey had already taken the task off the queue, yet the organiser need
not start it again: a fresh consumer, on starting, finds the interrupted build (the
`consumer_started` signal, packs.jobs.resume_interrupted) and queues it again, and builds a
complete, valid file.
"""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from pypdf import PdfReader

from packs import jobs, render
from tests.conftest import STAFF_PASSWORD, SMTPServer, app_config, make_staff, make_workshop
from workshops import create_app
from workshops.extensions import db
from workshops.models import Booking, Role

ROOT = Path(__file__).resolve().parents[2]
# Enough for the build to run several seconds (6-20 delegates a second here) so the kill lands
# mid-build, where progress is written every half second; more only makes the test slower.
DELEGATES = 60

# The organiser's side, in a process that shares the consumer's queue (the test process's
# queue is the suite's own): sign in once, then for each line "METHOD PATH" on its input open
# the page and print one JSON line. One process for the whole test: each start costs seconds.
ORGANISER = """
import json, sys
from workshops import create_app
app = create_app({"WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
client = app.test_client()
client.post("/staff/login", data={"email": %(email)r, "password": %(password)r})
for line in sys.stdin:
    method, path = line.split()
    response = client.open(path, method=method)
    print(json.dumps({"status": response.status_code,
                      "location": response.headers.get("Location", ""),
                      "type": response.mimetype,
                      "body": "" if response.mimetype == "application/pdf"
                      else response.get_data(as_text=True)}), flush=True)
"""

@pytest.fixture()
def instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    return tmp_path


@pytest.fixture()
def packs_app(migrated: str, smtp_server: SMTPServer, instance: Path) -> Iterator[Flask]:
    """The app in this process, for setting up data and reading the job's files."""
    app = create_app(app_config(migrated, smtp_server.port, HUEY_IMMEDIATE=False))
    assert Path(app.instance_path) == instance
    with app.app_context():
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
        yield app
        db.session.remove()
        db.engine.dispose()


def _env(instance: Path, database_url: str, smtp_port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "HUEY_IMMEDIATE")}
    env.update(INSTANCE_PATH=str(instance), DATABASE_URL=database_url,
               MAIL_SERVER="127.0.0.1", MAIL_PORT=str(smtp_port), PYTHONPATH=str(ROOT),
               HUEY_NAME=f"test-{uuid.uuid4().hex[:10]}", RATELIMIT_ENABLED="0",
               # The print file's fingerprint includes it: the same file name on both sides.
               PUBLIC_URL=app_config("", 0)["PUBLIC_URL"])
    return env


def _consumer(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "worker"],
                            env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=open(env["INSTANCE_PATH"] + "/consumer.log", "ab"),  # noqa: SIM115
                            start_new_session=True)


class Organiser:
    """A signed-in organiser in a process of its own; `open` fetches a page through it."""

    def __init__(self, env: dict[str, str], email: str) -> None:
        script = ORGANISER % {"email": email, "password": STAFF_PASSWORD}
        # Its log to a file: a pipe nobody reads until the end could fill and stall it.
        self.log = Path(env["INSTANCE_PATH"]) / "organiser.log"
        with self.log.open("ab") as log:
            self.process = subprocess.Popen([sys.executable, "-c", script], env=env, cwd=ROOT,
                                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                            stderr=log, text=True)

    def open(self, method: str, path: str) -> dict:
        self.process.stdin.write(f"{method} {path}\n")
        self.process.stdin.flush()
        # Log lines may come first; the answer is the line that parses as our JSON.
        for line in self.process.stdout:
            if line.startswith("{"):
                return json.loads(line)
        raise AssertionError("the organiser process ended: "
                             f"{self.log.read_text(errors='replace')[-2000:]}")

    def close(self) -> None:
        self.process.stdin.close()  # its loop ends, and so does it
        self.process.wait(timeout=20)
        self.process.stdout.close()


def _wait_for(condition, seconds: float, what: str) -> None:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def _bulk_bookings(workshop_id: int, n: int) -> None:
    db.session.execute(db.insert(Booking), [
        {"workshop_id": workshop_id, "status": "confirmed", "name": f"Delegate {i:04d}",
         "email": f"d{i}@example.org", "email_key": f"d{i}@example.org",
         "organisation": f"Council {i % 40}", "organisation_key": f"council {i % 40}",
         "list_consent": True} for i in range(n)])
    db.session.commit()


def _stop(process: subprocess.Popen, sig: int) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        process.wait(timeout=20)


def test_a_killed_build_is_never_served_shows_failed_and_is_resumed(
        packs_app: Flask, migrated: str, smtp_server: SMTPServer, instance: Path,
        request: pytest.FixtureRequest) -> None:
    workshop = make_workshop(capacity=DELEGATES)
    _bulk_bookings(workshop.id, DELEGATES)
    env = _env(instance, migrated, smtp_server.port)
    organiser = Organiser(env, make_staff(Role.ORGANISER).email)
    request.addfinalizer(organiser.close)
    page, file_url = (f"/packs/workshops/{workshop.id}/print",
                      f"/packs/workshops/{workshop.id}/print-file.pdf")
    target, _ = jobs.current(workshop)
    assert target.total == DELEGATES

    consumer = _consumer(env)
    try:
        assert organiser.open("POST", page)["status"] == 303
        # Kill it once the build is visibly under way: some delegates done, not all.
        _wait_for(lambda: 0 < target.status()["done"] < DELEGATES, 90, "the build to start")
        _stop(consumer, signal.SIGKILL)
    finally:
        _stop(consumer, signal.SIGKILL)

    # The dead consumer named itself in the status file: on this host, with a pid now gone, so
    # the job shows as failed at once, long before its progress could count as stale.
    written = json.loads(target.status_path.read_text())
    assert written["state"] == "running" and 0 < written["done"] < DELEGATES
    assert (written["host"], written["pid"]) == (socket.gethostname(), consumer.pid)
    assert time.time() - target.status_path.stat().st_mtime < jobs.STALE_SECONDS
    assert target.status()["state"] == "failed"
    # No PDF of any kind at a served name; a half-written one could only be a dot-file .tmp.
    assert [p.name for p in jobs.folder().iterdir() if p.suffix == ".pdf"] == []
    served = organiser.open("GET", file_url)
    assert served["status"] == 303 and served["location"].endswith(page)
    shown = organiser.open("GET", page)
    assert shown["status"] == 200 and 'data-state="failed"' in shown["body"]
    assert "could not be prepared" in shown["body"] and "Prepare the print file" in shown["body"]
    assert "Download the print file" not in shown["body"]

    # Without the organiser asking again, a fresh consumer resumes the build as it starts.
    consumer = _consumer(env)
    try:
        # Queued again (or already building, or even built): no longer failed ...
        _wait_for(lambda: target.status()["state"] != "failed", 60, "the build to be resumed")
        # ... until it is built, or (the test then fails) the resumed build fails.
        _wait_for(lambda: target.status()["state"] in ("ready", "failed"), 240,
                  "the resumed file")
        assert target.status()["state"] == "ready"
    finally:
        _stop(consumer, signal.SIGTERM)
    log = (instance / "consumer.log").read_text(errors="replace")
    assert f"Resumed the print file for workshop {workshop.id}" in log

    data = target.pdf.read_bytes()
    pack_pages = len(PdfReader(io.BytesIO(render.render_shared(workshop))).pages)
    pack_pages += pack_pages % 2  # each pack starts on a right-hand page
    assert len(PdfReader(io.BytesIO(data)).pages) == DELEGATES * pack_pages
    served = organiser.open("GET", file_url)
    assert served["status"] == 200 and served["type"] == "application/pdf"
    assert [p for p in jobs.folder().iterdir() if p.suffix == ".pdf"] == [target.pdf]
