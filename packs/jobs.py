"""The bulk print file as a background job, cached on disk until its inputs change.

The file for a workshop is `<instance>/packs/workshop-<id>-<fingerprint>.pdf`, where the
fingerprint hashes everything the file is made from: the confirmed delegates' details, the
workshop, its series and venue, and the form definitions. Any change gives a new name, so a
stale file is never served and an unchanged one is never rebuilt. The PDF is written to a
temporary file in the same folder, fsynced and renamed with `os.replace`, so the served name
only ever holds a complete file. Progress is a small JSON file beside it, also written
atomically: `{"done": n, "total": m, "state": "running" | "ready" | "failed"}`.

Who is building it. While `build()` runs in a queue consumer, every "running" write also names
its owner, `"host"` (socket.gethostname()) and `"pid"`, and a heartbeat thread touches the status
file every HEARTBEAT_SECONDS, however long a step of the build is silent. A "running" status with
no owner means queued: the page wrote it when the organiser asked, and no consumer has picked
the job up yet (files written before owners existed read the same way). `PrintFile.status()`
reports a "running" job as "failed" at once when its owner is a process on this host that no
longer exists (a consumer killed mid-build, SIGKILL or an immediate SIGTERM), and when any
owner, on this host or another, has missed its heartbeat for OWNER_SILENCE (its host died,
or it hung): the page then offers to prepare the file again. A queued job has no heartbeat; it
is reported failed once unchanged for STALE_SECONDS.

Resuming. Huey has already dequeued a task that a killed consumer was running, so nothing
would run it again. `resume_interrupted` answers the core's `consumer_started` signal, sent once
by each `flask worker` before it starts consuming: every status file in the packs folder that is
"running" with an owner on this host that is dead (or our own pid, left by an earlier process
with the same pid, or silent beyond OWNER_SILENCE) is marked queued again and
`build_print_file` is enqueued for its workshop. `build()` always builds what the workshop's
data calls for now, so a status file for a superseded fingerprint only leads to the current
file being built; the superseded file is marked failed (never resumed twice) and removed by
`_tidy` once the build succeeds. A job interrupted more than MAX_RESUMES times in a row (a build
that kills its consumer, say by running out of memory) is marked failed instead of resumed, so
it cannot crash-loop the consumer. A status file that cannot be read is skipped and logged.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app

from workshops.extensions import db
from workshops.models import Booking, Workshop
from workshops.queue import huey, task_app

log = logging.getLogger(__name__)

VERSION = "1"  # bump when the print file's layout changes, to rebuild every cached file
# A queued job (no owner) silent for this long is taken to have been lost. It may wait behind
# other workshops' print files (minutes each for big workshops) and the mail; a shorter limit
# would call queued jobs failed, and the organiser's "Prepare" again would queue duplicates.
STALE_SECONDS = 10 * 60
# A building job's owner touches its status file this often, and one that has missed its
# heartbeats for OWNER_SILENCE has died or hung. Six beats' grace covers a busy machine and
# modest clock differences between the hosts that share the packs folder.
HEARTBEAT_SECONDS = 10
OWNER_SILENCE = 60
# A job interrupted this many times in a row is not resumed again by a starting consumer.
MAX_RESUMES = 3
STATUS_NAME = re.compile(r"^workshop-(\d+)-([0-9a-f]+)\.json$")
BOOKING_FIELDS = ("id", "reference", "checkin_code", "status", "name", "organisation",
                  "list_consent", "updated_at")
# booking_lock is bumped by every booking and changes nothing printed.
IGNORED_WORKSHOP_FIELDS = frozenset({"booking_lock"})


def folder() -> Path:
    path = Path(current_app.instance_path) / "packs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _row(model: Any, ignored: frozenset[str] = frozenset()) -> dict[str, Any]:
    if model is None:
        return {}
    return {column.key: getattr(model, column.key)
            for column in model.__mapper__.column_attrs if column.key not in ignored}


def fingerprint(workshop: Workshop, bookings: list[Booking]) -> str:
    """A hash of everything the print file depends on."""
    from workshops.practice_form import EVALUATION_FORM, PRACTICE_FORM

    inputs = {
        "version": VERSION,
        "public_url": current_app.config.get("PUBLIC_URL"),
        "workshop": _row(workshop, IGNORED_WORKSHOP_FIELDS),
        "series": _row(workshop.series),
        "theme": _row(workshop.series.theme),
        "venue": _row(workshop.venue),
        "bookings": [{field: getattr(b, field) for field in BOOKING_FIELDS} for b in bookings],
        "forms": [repr(PRACTICE_FORM), repr(EVALUATION_FORM)],
    }
    blob = json.dumps(inputs, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


@dataclass(frozen=True)
class PrintFile:
    workshop_id: int
    fingerprint: str
    total: int

    @property
    def stem(self) -> str:
        return f"workshop-{self.workshop_id}-{self.fingerprint}"

    @property
    def pdf(self) -> Path:
        return folder() / f"{self.stem}.pdf"

    @property
    def status_path(self) -> Path:
        return folder() / f"{self.stem}.json"

    def read_status(self) -> tuple[dict[str, Any], float] | None:
        """The status file as written and its age in seconds; None if absent or unreadable."""
        return _read_status(self.status_path)

    def status(self) -> dict[str, Any]:
        """{"state": "missing"|"running"|"ready"|"failed", "done": n, "total": m}."""
        missing = {"state": "missing", "done": 0, "total": self.total}
        if self.pdf.exists():
            return {"state": "ready", "done": self.total, "total": self.total}
        found = self.read_status()
        if found is None:
            return missing
        status, age = found
        state = status.get("state", "missing")
        if state == "ready":  # the PDF has gone (tidied away by hand)
            return missing
        try:
            done, total = int(status.get("done", 0)), int(status.get("total", self.total))
        except (TypeError, ValueError):
            return missing
        if state == "running" and _given_up(status, age):
            return {"state": "failed", "done": done, "total": self.total}
        return {"state": state, "done": done, "total": total}

    def write_status(self, state: str, done: int, total: int, *, owner: bool = False,
                     resumes: int = 0) -> None:
        """`owner`: name this process (host and pid) as the one building the file; only
        build() does. `resumes`: how many times in a row a starting consumer has resumed it."""
        status: dict[str, Any] = {"done": done, "total": total, "state": state}
        if owner:
            status.update(host=socket.gethostname(), pid=os.getpid())
        if resumes:
            status["resumes"] = resumes
        _atomic_write(self.status_path, json.dumps(status).encode())


def _read_status(path: Path) -> tuple[dict[str, Any], float] | None:
    try:
        status = json.loads(path.read_text())
        age = time.time() - path.stat().st_mtime
    except (OSError, ValueError):
        return None
    return (status, age) if isinstance(status, dict) else None


def _owner(status: dict[str, Any]) -> tuple[str, int] | None:
    """(host, pid) of the process building the file; None when queued or not recorded."""
    host, pid = status.get("host"), status.get("pid")
    if not isinstance(host, str) or not host:
        return None
    if isinstance(pid, bool) or not isinstance(pid, int) or pid <= 0:
        return None  # pid 0 or -n would ask os.kill about whole process groups
    return host, pid


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only checks that the process exists
    except ProcessLookupError:
        return False
    except (PermissionError, OSError, OverflowError):
        return True  # it exists but is not ours, or we cannot tell: the staleness rule decides
    return True


def _owner_is_dead(status: dict[str, Any]) -> bool:
    """True when the file's owner is a process on this host that no longer exists."""
    owner = _owner(status)
    return owner is not None and owner[0] == socket.gethostname() and not _alive(owner[1])


def _given_up(status: dict[str, Any], age: float) -> bool:
    """A "running" status that no build will finish: its owner died or missed its heartbeats,
    or, queued with no owner, it has waited beyond STALE_SECONDS."""
    if _owner(status) is None:
        return age > STALE_SECONDS
    return _owner_is_dead(status) or age > OWNER_SILENCE


@contextlib.contextmanager
def _heartbeat(path: Path) -> Iterator[None]:
    """Touch `path` every HEARTBEAT_SECONDS until the block ends, so a build's silent steps
    (laying out a batch of overlays, writing the whole PDF) still read as alive elsewhere."""
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(HEARTBEAT_SECONDS):
            with contextlib.suppress(OSError):  # between an atomic write's unlink and rename
                os.utime(path)

    thread = threading.Thread(target=beat, name="print-file-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _resumes(status: dict[str, Any]) -> int:
    resumes = status.get("resumes", 0)
    return resumes if isinstance(resumes, int) and not isinstance(resumes, bool) else 0


def _atomic_write(path: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, fsync, then rename over `path`."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                         suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


def current(workshop: Workshop) -> tuple[PrintFile, list[Booking]]:
    """The print file the workshop's present data calls for, and the delegates in it."""
    from packs import render

    bookings = render.confirmed_bookings(workshop)
    return PrintFile(workshop.id, fingerprint(workshop, bookings), len(bookings)), bookings


def _tidy(keep: PrintFile) -> None:
    """Remove this workshop's superseded files: they hold personal data no longer wanted."""
    for path in folder().glob(f"workshop-{keep.workshop_id}-*"):
        if path.suffix in (".pdf", ".json") and path.stem != keep.stem:
            with contextlib.suppress(OSError):
                path.unlink()


def build(workshop_id: int) -> str:
    """Build the workshop's print file unless an up-to-date one exists; returns its path."""
    from packs import bulk

    workshop = db.session.get(Workshop, workshop_id)
    if workshop is None:
        return ""
    target, bookings = current(workshop)
    if target.pdf.exists():
        return str(target.pdf)
    # A job resumed after its consumer died carries the count on, so a build that keeps
    # killing its consumer is given up on (see resume_interrupted).
    found = target.read_status()
    resumes = _resumes(found[0]) if found and found[0].get("state") == "running" else 0
    target.write_status("running", 0, target.total, owner=True, resumes=resumes)

    last = [0.0]

    def progress(done: int, total: int) -> None:
        # At most a few writes a second: each is fsynced, and the page polls every 2 s.
        now = time.monotonic()
        if now - last[0] >= 0.5:
            last[0] = now
            target.write_status("running", done, total, owner=True, resumes=resumes)

    try:
        with _heartbeat(target.status_path):
            data = bulk.print_file(workshop, bookings, progress=progress)
            _atomic_write(target.pdf, data)
    except Exception:
        log.exception("Print file for workshop %s failed", workshop_id)
        target.write_status("failed", 0, target.total)
        raise
    target.write_status("ready", target.total, target.total)
    _tidy(target)
    return str(target.pdf)


@huey.task()
def build_print_file(workshop_id: int) -> str:
    app = task_app()
    with app.app_context():
        return build(workshop_id)


# --- resuming builds a killed consumer left behind ------------------------------------------


@contextlib.contextmanager
def _resume_lock() -> Iterator[None]:
    """One starting consumer on this host at a time looks for interrupted builds: two consumers
    restarted together would otherwise both resume, and build, the same file."""
    import fcntl

    with open(folder() / ".resume.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _interrupted(status: dict[str, Any], age: float) -> bool:
    """A build this host's consumer was running when it died. Called as a consumer starts,
    before it has run anything: an owner with our own pid is an earlier process's (pid 1 in a
    restarted container, say), not a build of ours. A queued job (no owner) is not resumed:
    its task may still be waiting in the queue, and a stale one shows as failed on the page."""
    owner = _owner(status)
    if status.get("state") != "running" or owner is None or owner[0] != socket.gethostname():
        return False
    return owner[1] == os.getpid() or not _alive(owner[1]) or age > OWNER_SILENCE


def _resume(workshop_id: int, found: list[tuple[PrintFile, dict[str, Any]]]) -> bool:
    """Queue the workshop's print file again; False when there is nothing to resume."""
    resumes = max(_resumes(status) for _, status in found) + 1
    workshop = db.session.get(Workshop, workshop_id)
    target = current(workshop)[0] if workshop is not None else None
    if target is not None and target.pdf.exists():  # built after all: only tidying is left
        _tidy(target)
        return False
    give_up = target is None or resumes > MAX_RESUMES
    for old, status in found:
        if give_up or old.stem != target.stem:
            # Failed, so no later consumer start resumes it again; a superseded file goes
            # when the current one is built (_tidy).
            old.write_status("failed", int(status.get("done", 0) or 0), old.total)
    if target is None:
        log.warning("Print file for workshop %s not resumed: the workshop no longer exists",
                    workshop_id)
        return False
    if give_up:
        log.error("Print file for workshop %s not resumed: interrupted %s times in a row; "
                  "marked failed", workshop_id, resumes)
        return False
    # Queued (no owner), so the page shows it in progress until a worker picks it up.
    target.write_status("running", 0, target.total, resumes=resumes)
    build_print_file(workshop_id)
    owners = sorted({f"{status.get('host')}:{status.get('pid')}" for _, status in found})
    log.warning("Resumed the print file for workshop %s (%s), interrupted when its consumer "
                "(%s) stopped; resume %s of at most %s", workshop_id, target.stem,
                ", ".join(owners), resumes, MAX_RESUMES)
    return True


def resume_interrupted(app: Any, **_: Any) -> list[int]:
    """`consumer_started` receiver: queue again every print file a dead consumer on this host
    was building. Returns the ids of the workshops resumed. Never raises: an odd status file is
    skipped and logged, and whatever goes wrong, the consumer starts."""
    resumed: list[int] = []
    try:
        with _resume_lock():
            interrupted: dict[int, list[tuple[PrintFile, dict[str, Any]]]] = {}
            for path in sorted(folder().glob("workshop-*.json")):
                match = STATUS_NAME.match(path.name)
                found = _read_status(path) if match else None
                if match is None or found is None:
                    log.warning("Print file status %s is not readable; skipped", path.name)
                    continue
                status, age = found
                if not _interrupted(status, age):
                    continue
                try:
                    total = int(status.get("total", 0) or 0)
                except (TypeError, ValueError):
                    total = 0
                workshop_id = int(match[1])
                interrupted.setdefault(workshop_id, []).append(
                    (PrintFile(workshop_id, match[2], total), status))
            for workshop_id, found_files in sorted(interrupted.items()):
                try:
                    if _resume(workshop_id, found_files):
                        resumed.append(workshop_id)
                except Exception:
                    log.exception("Could not resume the print file for workshop %s",
                                  workshop_id)
                    db.session.rollback()
    except Exception:
        log.exception("Could not look for interrupted print files; the consumer starts anyway")
    finally:
        # End the read transaction: the consumer's command keeps this app context (and its
        # session) for as long as it runs, and must not sit "idle in transaction".
        with contextlib.suppress(Exception):
            db.session.rollback()
    return resumed
