"""Readiness for load balancers: `/readyz` says whether this host can serve requests now.

`/healthz` (in public.py) is liveness and touches nothing; this one checks what a request
needs: the database, the schema at the code's migration head, the queue's storage and the
evidence folder. The answer names checks and their outcome only, never data or error text
(which could carry host names or paths); the reason goes to the log for operators.
"""

from __future__ import annotations

import functools
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from flask import Blueprint, Flask, current_app, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import text

from workshops.extensions import db, limiter

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


@functools.cache
def _head_revision() -> str | None:
    # Reading the migration scripts costs milliseconds; probes come every few seconds.
    from workshops.backup import head_revision

    return head_revision()


def check_database(app: Flask) -> None:
    db.session.execute(text("SELECT 1"))


def check_migrations(app: Flask) -> None:
    # Read directly: alembic's MigrationContext logs two INFO lines per probe.
    current = db.session.scalar(text("SELECT version_num FROM alembic_version"))
    if current != _head_revision():
        raise RuntimeError(f"database at {current}, code at {_head_revision()}")


def check_queue(app: Flask) -> None:
    # The configured storage, not huey's current one: tests swap it for memory.
    redis_url = app.config.get("REDIS_URL")
    if redis_url:
        import redis

        client = redis.Redis.from_url(redis_url, socket_timeout=2, socket_connect_timeout=2)
        try:
            client.ping()
        finally:
            client.close()
        return
    path = Path(app.config["HUEY_SQLITE_PATH"])
    if not os.access(path if path.exists() else path.parent, os.W_OK):
        raise PermissionError("the queue file is not writable")


def check_evidence(app: Flask) -> None:
    folder = Path(app.config.get("EVIDENCE_FOLDER") or Path(app.instance_path) / "evidence")
    folder.mkdir(parents=True, exist_ok=True)
    # A real write: os.access is fooled by read-only or stale network mounts.
    with tempfile.NamedTemporaryFile(dir=folder, prefix=".readyz-"):
        pass


CHECKS: dict[str, Callable[[Flask], None]] = {
    "database": check_database,
    "migrations": check_migrations,
    "queue": check_queue,
    "evidence": check_evidence,
}


@bp.get("/readyz")
@limiter.exempt
def readiness() -> ResponseReturnValue:
    """200 {"status": "ready", "checks": {...: "ok"}}, or 503 naming the checks that failed."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            check(app)
            results[name] = "ok"
        except Exception as error:  # any failure means "not ready"; the probe must answer
            log.warning("readiness check %s failed: %s: %s", name, type(error).__name__, error)
            results[name] = "failed"
            db.session.rollback()  # PostgreSQL refuses further queries in a failed transaction
    ready = all(outcome == "ok" for outcome in results.values())
    response = jsonify(status="ready" if ready else "not ready", checks=results)
    response.status_code = 200 if ready else 503
    response.headers["Cache-Control"] = "no-store"
    return response
