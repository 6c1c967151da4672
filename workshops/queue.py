"""The task queue: SqliteHuey beside the database by default, RedisHuey when REDIS_URL is set.

Huey binds tasks to one instance at import time, so the instance is made here from the
environment; `create_app` switches it to immediate mode for tests.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, current_app, has_app_context
from huey import Huey, RedisHuey, SqliteHuey

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def instance_path() -> Path:
    return Path(os.environ.get("INSTANCE_PATH") or PROJECT_ROOT / "instance")


def _make_huey() -> Huey:
    name = os.environ.get("HUEY_NAME", "workshops")
    redis_url = os.environ.get("REDIS_URL")
    if redis_url:
        return RedisHuey(name, url=redis_url)
    path = instance_path()
    path.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=str(path / "queue.sqlite"))


huey = _make_huey()
_worker_app: Flask | None = None


def task_app() -> Flask:
    """The app a task runs in: the caller's in immediate mode, the consumer's own otherwise."""
    global _worker_app
    if has_app_context():
        return current_app._get_current_object()  # type: ignore[attr-defined]
    if _worker_app is None:
        from workshops import create_app

        _worker_app = create_app()
    return _worker_app


def configure(app: Flask) -> None:
    if app.config.get("HUEY_IMMEDIATE"):
        huey.immediate = True
    app.extensions["huey"] = huey
