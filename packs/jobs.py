"""The bulk print file as a background job, cached on disk until its inputs change.

The file for a workshop is `<instance>/packs/workshop-<id>-<fingerprint>.pdf`, where the
fingerprint hashes everything the file is made from: the confirmed delegates' details, the
workshop, its series and venue, and the form definitions. Any change gives a new name, so a
stale file is never served and an unchanged one is never rebuilt. The PDF is written to a
temporary file in the same folder, fsynced and renamed with `os.replace`, so the served name
only ever holds a complete file. Progress is a small JSON file beside it:
`{"done": n, "total": m, "state": "running" | "ready" | "failed"}`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app

from workshops.extensions import db
from workshops.models import Booking, Workshop
from workshops.queue import huey, task_app

log = logging.getLogger(__name__)

VERSION = "1"  # bump when the print file's layout changes, to rebuild every cached file
STALE_SECONDS = 10 * 60  # a "running" job silent for this long is taken to have died
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

    def status(self) -> dict[str, Any]:
        """{"state": "missing"|"running"|"ready"|"failed", "done": n, "total": m}."""
        if self.pdf.exists():
            return {"state": "ready", "done": self.total, "total": self.total}
        try:
            status = json.loads(self.status_path.read_text())
            age = time.time() - self.status_path.stat().st_mtime
        except (OSError, ValueError):
            return {"state": "missing", "done": 0, "total": self.total}
        if status.get("state") == "ready":  # the PDF has gone (tidied away by hand)
            return {"state": "missing", "done": 0, "total": self.total}
        if status.get("state") == "running" and age > STALE_SECONDS:
            return {"state": "failed", "done": status.get("done", 0), "total": self.total}
        return {"state": status.get("state", "missing"), "done": int(status.get("done", 0)),
                "total": int(status.get("total", self.total))}

    def write_status(self, state: str, done: int, total: int) -> None:
        _atomic_write(self.status_path,
                      json.dumps({"done": done, "total": total, "state": state}).encode())


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
    target.write_status("running", 0, target.total)

    last = [0.0]

    def progress(done: int, total: int) -> None:
        # At most a few writes a second: each is fsynced, and the page polls every 2 s.
        now = time.monotonic()
        if now - last[0] >= 0.5:
            last[0] = now
            target.write_status("running", done, total)

    try:
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
