"""Who is building a print file, and resuming builds a killed queue consumer left behind.

A "running" status names its owner (host and pid) once a consumer builds it; with no owner it is
queued. A dead owner on this host means failed at once; an owner anywhere that misses its
heartbeats for OWNER_SILENCE does, and a queued job silent for STALE_SECONDS. A starting
consumer (the `consumer_started` signal) queues again exactly the builds a dead consumer on this
host was running.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from packs import bulk, jobs
from tests.conftest import make_workshop
from workshops import signals
from workshops.extensions import db
from workshops.models import Booking, Workshop

HOST = socket.gethostname()
OLD_FINGERPRINT = "0123456789abcdef0123"


@pytest.fixture()
def empty_folder(app) -> Path:
    # Workshop ids are reused once the tables are emptied: start from an empty folder.
    for path in jobs.folder().iterdir():
        path.unlink()
    return jobs.folder()


def _workshop(name: str = "Zoë Brontë") -> Workshop:
    workshop = make_workshop()
    email = f"{workshop.id}@example.org"
    db.session.add(Booking(workshop=workshop, status="confirmed", name=name, email=email,
                           email_key=email, organisation="Gateshead Council",
                           list_consent=True))
    db.session.commit()
    return workshop


def _dead_pid() -> int:
    """The pid of a process that has been and gone (and been reaped)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _write(path: Path, age: float = 0, **status: Any) -> None:
    path.write_text(json.dumps({"done": 1, "total": 2, "state": "running", **status}))
    if age:
        then = time.time() - age
        os.utime(path, (then, then))


def _target(workshop: Workshop) -> jobs.PrintFile:
    return jobs.current(workshop)[0]


# --- status(): the owner --------------------------------------------------------------------

def test_dead_owner_on_this_host_is_failed_at_once(empty_folder) -> None:
    target = _target(_workshop())
    _write(target.status_path, host=HOST, pid=_dead_pid())
    assert target.status() == {"state": "failed", "done": 1, "total": 1}


def test_live_owner_is_running(empty_folder) -> None:
    target = _target(_workshop())
    _write(target.status_path, host=HOST, pid=os.getpid())
    assert target.status() == {"state": "running", "done": 1, "total": 2}
    # ... until it misses its heartbeats (hung, or its pid reused).
    _write(target.status_path, age=jobs.OWNER_SILENCE - 5, host=HOST, pid=os.getpid())
    assert target.status()["state"] == "running"
    _write(target.status_path, age=jobs.OWNER_SILENCE + 5, host=HOST, pid=os.getpid())
    assert target.status()["state"] == "failed"


def test_an_owner_we_may_not_signal_is_alive(empty_folder, monkeypatch) -> None:
    target = _target(_workshop())
    _write(target.status_path, host=HOST, pid=4242)

    def not_permitted(pid: int, sig: int) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(jobs.os, "kill", not_permitted)
    assert target.status()["state"] == "running"


def test_owner_on_another_host_is_running_until_its_heartbeat_stops(empty_folder) -> None:
    target = _target(_workshop())
    other = f"not-{HOST}"
    _write(target.status_path, host=other, pid=_dead_pid())  # its pid means nothing here
    assert target.status()["state"] == "running"
    _write(target.status_path, age=jobs.OWNER_SILENCE - 15, host=other, pid=1)
    assert target.status()["state"] == "running"
    # That host died: a minute without a heartbeat, not the ten minutes a queued job gets.
    _write(target.status_path, age=jobs.OWNER_SILENCE + 5, host=other, pid=1)
    assert jobs.OWNER_SILENCE + 5 < jobs.STALE_SECONDS
    assert target.status()["state"] == "failed"


def test_a_building_owner_keeps_its_status_alive_through_silent_steps(
        empty_folder, monkeypatch) -> None:
    workshop = _workshop()
    target = _target(workshop)
    monkeypatch.setattr(jobs, "HEARTBEAT_SECONDS", 0.05)
    seen = []

    def silent_print_file(workshop, bookings, progress) -> bytes:  # noqa: ANN001
        # A long step with no progress: the last write is already older than the silence.
        then = time.time() - jobs.OWNER_SILENCE - 5
        os.utime(target.status_path, (then, then))
        time.sleep(0.3)
        seen.append(target.status()["state"])
        return b"%PDF-1.7 not really"

    monkeypatch.setattr(bulk, "print_file", silent_print_file)
    jobs.build(workshop.id)
    assert seen == ["running"]


@pytest.mark.parametrize("owner", [
    {},  # queued, or written before owners existed
    {"host": HOST},
    {"pid": 0, "host": HOST},  # os.kill(0, 0) would ask about our own process group
    {"pid": -1, "host": HOST},
    {"pid": "12", "host": HOST},
    {"pid": True, "host": HOST},
    {"pid": 2**70, "host": HOST},
    {"pid": 12, "host": None},
])
def test_no_owner_is_running_until_stale(empty_folder, owner: dict) -> None:
    target = _target(_workshop())
    _write(target.status_path, **owner)
    assert target.status()["state"] == "running"
    _write(target.status_path, age=jobs.STALE_SECONDS + 5, **owner)
    assert target.status()["state"] == "failed"


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", '{"state": "running", "done": "x"}'])
def test_an_unreadable_status_is_missing(empty_folder, text: str) -> None:
    target = _target(_workshop())
    target.status_path.write_text(text)
    assert target.status()["state"] == "missing"


def test_build_names_its_owner_while_running(empty_folder, monkeypatch) -> None:
    workshop = _workshop()
    target = _target(workshop)
    seen = []

    def fake_print_file(workshop, bookings, progress) -> bytes:  # noqa: ANN001
        progress(0, 1)
        seen.append(json.loads(target.status_path.read_text()))
        return b"%PDF-1.7 not really"

    monkeypatch.setattr(bulk, "print_file", fake_print_file)
    assert jobs.build(workshop.id) == str(target.pdf)
    assert seen == [{"done": 0, "total": 1, "state": "running", "host": HOST,
                     "pid": os.getpid()}]
    assert json.loads(target.status_path.read_text()) == {"done": 1, "total": 1,
                                                          "state": "ready"}


def test_the_page_queues_without_an_owner(client, empty_folder, monkeypatch) -> None:
    from tests.conftest import login, make_staff
    from workshops.models import Role

    workshop = _workshop()
    queued = []
    monkeypatch.setattr(jobs, "build_print_file", queued.append)
    login(client, make_staff(Role.ORGANISER))
    assert client.post(f"/packs/workshops/{workshop.id}/print").status_code == 303
    assert queued == [workshop.id]
    assert json.loads(_target(workshop).status_path.read_text()) == {
        "done": 0, "total": 1, "state": "running"}


# --- resuming as a consumer starts --------------------------------------------------------

def test_a_starting_consumer_resumes_exactly_the_interrupted(
        app, empty_folder, monkeypatch, caplog) -> None:
    queued: list[int] = []
    monkeypatch.setattr(jobs, "build_print_file", queued.append)
    dead = _dead_pid()
    cases = {
        "dead owner": {"host": HOST, "pid": dead},
        "our own pid": {"host": HOST, "pid": os.getpid()},  # an earlier process's, not ours
        "live owner, silent": {"host": HOST, "pid": os.getppid(), "age": jobs.OWNER_SILENCE + 5},
        "live owner": {"host": HOST, "pid": os.getppid()},
        "queued": {},
        "queued, stale": {"age": jobs.STALE_SECONDS + 5},
        "other host": {"host": f"not-{HOST}", "pid": dead},
        "other host, silent": {"host": f"not-{HOST}", "pid": dead,
                               "age": jobs.OWNER_SILENCE + 5},
        "failed": {"host": HOST, "pid": dead, "state": "failed"},
        "ready": {"host": HOST, "pid": dead, "state": "ready"},
        "resumed often": {"host": HOST, "pid": dead, "resumes": jobs.MAX_RESUMES},
    }
    workshops = {name: _workshop() for name in cases}
    for name, status in cases.items():
        _write(_target(workshops[name]).status_path, **status)
    # A superseded file of a workshop whose data changed since: the current file is built.
    superseded = _workshop()
    old = jobs.PrintFile(superseded.id, OLD_FINGERPRINT, 1)
    _write(old.status_path, host=HOST, pid=dead)
    # One whose workshop has gone, and files that are not status files at all.
    (empty_folder / "workshop-999999-abcdef.json").write_text(
        json.dumps({"state": "running", "done": 0, "total": 3, "host": HOST, "pid": dead}))
    (empty_folder / "workshop-12-abcdef.json").write_text("{not json")
    (empty_folder / "workshop-13-abcdef.json").write_text("[]")
    (empty_folder / "workshop-x-abcdef.json").write_text("{}")

    with caplog.at_level(logging.INFO, logger="packs.jobs"):
        results = signals.consumer_started.send(app)
    expected = sorted([workshops["dead owner"].id, workshops["our own pid"].id,
                       workshops["live owner, silent"].id, superseded.id])
    assert [result for _, result in results] == [expected]
    assert sorted(queued) == expected

    for name in ("dead owner", "our own pid", "live owner, silent"):  # queued again: no owner
        target = _target(workshops[name])
        assert json.loads(target.status_path.read_text()) == {
            "done": 0, "total": 1, "state": "running", "resumes": 1}
        assert target.status()["state"] == "running"
    assert _target(superseded).status()["state"] == "running"
    assert json.loads(old.status_path.read_text())["state"] == "failed"  # never resumed again
    for name in ("live owner", "queued", "queued, stale", "other host", "other host, silent",
                 "failed", "ready"):  # left as they were
        written = json.loads(_target(workshops[name]).status_path.read_text())
        assert written["state"] == cases[name].get("state", "running") and "resumes" not in written
    # Interrupted too often: given up on, and shown as failed for the organiser to retry.
    assert json.loads(_target(workshops["resumed often"]).status_path.read_text())["state"] \
        == "failed"
    gone = json.loads((empty_folder / "workshop-999999-abcdef.json").read_text())
    assert gone["state"] == "failed"
    for name in ("workshop-12-abcdef.json", "workshop-13-abcdef.json",
                 "workshop-x-abcdef.json"):
        assert name in caplog.text
    assert f"Resumed the print file for workshop {workshops['dead owner'].id}" in caplog.text

    # A second consumer starting now finds nothing left to resume.
    queued.clear()
    assert [result for _, result in signals.consumer_started.send(app)] == [[]]
    assert queued == []


def test_a_resumed_build_runs_and_tidies(app, empty_folder) -> None:
    """Huey runs in immediate mode in tests: the resumed task builds the file there and then."""
    current, superseded = _workshop(), _workshop("Siân Ó Súilleabháin")
    dead = _dead_pid()
    _write(_target(current).status_path, host=HOST, pid=dead)
    old = jobs.PrintFile(superseded.id, OLD_FINGERPRINT, 1)
    _write(old.status_path, host=HOST, pid=dead)

    assert jobs.resume_interrupted(app) == sorted([current.id, superseded.id])
    for workshop in (current, superseded):
        target = _target(workshop)
        assert target.status()["state"] == "ready" and target.pdf.read_bytes()[:5] == b"%PDF-"
    assert not old.status_path.exists()  # tidied away once the current file was built
    assert jobs.resume_interrupted(app) == []


def test_resume_counts_survive_the_build(empty_folder, monkeypatch) -> None:
    """The count a resume writes is carried on by the build it queues, so a build that kills its
    consumer every time is given up on after MAX_RESUMES starts, not resumed for ever."""
    workshop = _workshop()
    target = _target(workshop)
    dead = _dead_pid()
    seen = []

    def killed_midway(workshop, bookings, progress) -> bytes:  # noqa: ANN001
        progress(0, 1)
        written = json.loads(target.status_path.read_text())
        seen.append(written["resumes"])
        written["pid"] = dead  # as if the consumer had died here
        target.status_path.write_text(json.dumps(written))
        raise SystemExit  # not an Exception: build does not mark it failed, as with SIGKILL

    monkeypatch.setattr(bulk, "print_file", killed_midway)
    monkeypatch.setattr(jobs, "build_print_file", lambda workshop_id: jobs.build(workshop_id))
    _write(target.status_path, host=HOST, pid=dead)
    for _ in range(jobs.MAX_RESUMES):
        with pytest.raises(SystemExit):
            jobs._resume(workshop.id, [(target, json.loads(target.status_path.read_text()))])
    assert seen == list(range(1, jobs.MAX_RESUMES + 1))
    assert jobs.resume_interrupted(app=None) == []
    assert target.status()["state"] == "failed"


def test_flask_worker_resumes_before_consuming(app, empty_folder, monkeypatch) -> None:
    """`flask worker` sends consumer_started once, in the app context, before the consumer runs;
    a receiver that raises stops neither the others nor the consumer."""
    from workshops.queue import huey

    events: list[str] = []
    monkeypatch.setattr(jobs, "build_print_file", lambda workshop_id: events.append(
        f"queued {workshop_id}"))

    class Consumer:
        def run(self) -> None:
            events.append("consumer runs")

    monkeypatch.setattr(huey, "create_consumer", lambda **options: Consumer())

    def broken(sender: Any, **_: Any) -> None:
        raise RuntimeError("a broken receiver")

    signals.consumer_started.connect(broken, sender=app)
    workshop = _workshop()
    _write(_target(workshop).status_path, host=HOST, pid=_dead_pid())
    try:
        result = app.test_cli_runner().invoke(args=["worker"])
    finally:
        signals.consumer_started.disconnect(broken, sender=app)
    assert result.exit_code == 0, result.output
    assert events == [f"queued {workshop.id}", "consumer runs"]
