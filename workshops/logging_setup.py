"""Logs as one JSON object per line (`LOG_FORMAT=json`), for log shippers to parse.

Every line carries time, level, logger and message; lines written during a request add its
request id, path, and (for the access line written when it ends) status and duration.
Personal links carry their secret in the path, so any path segment that looks like a token is
replaced by "…" before it reaches a log, and query strings are never logged at all.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, Response, g, has_request_context, request

ACCESS_LOGGER = "workshops.access"
# Random tokens are long runs of URL-safe characters. In a path, 16 are enough to be a secret
# (check-in codes); elsewhere (error text) only 32 or more, so names in tracebacks survive.
_SEGMENT = re.compile(r"(?<=/)[A-Za-z0-9_-]{16,}|(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{32,}")
# Slugs and Python names are lower case; a random token of 16 has a capital or digit all but
# certainly (the chance it has neither is about 2 in a million).
_READABLE = re.compile(r"^[a-z_-]+$")
# SQLAlchemy's errors quote the statement's values: tokens, names, email addresses.
_SQL_PARAMETERS = re.compile(r"\[parameters: .*?\](?=\n|$)", re.DOTALL)
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def _hide(match: re.Match[str]) -> str:
    return match.group(0) if _READABLE.match(match.group(0)) else "…"


def scrub(text: str) -> str:
    """`text` with every token-like string and every quoted SQL parameter replaced by "…"."""
    return _SEGMENT.sub(_hide, _SQL_PARAMETERS.sub("[parameters: …]", text))


class JsonFormatter(logging.Formatter):
    """One JSON object per record; usable from gunicorn's logconfig_dict too."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(record.getMessage()),
        }
        if has_request_context():
            entry["request_id"] = getattr(g, "request_id", None)
            entry["method"] = request.method
            entry["path"] = scrub(request.path)
        for key in ("status", "duration_ms"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exception"] = scrub(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


class JsonHandler(logging.StreamHandler):
    """Ours, so a second create_app in the same process finds it rather than adds another."""


def json_handler() -> JsonHandler | None:
    return next((h for h in logging.getLogger().handlers if isinstance(h, JsonHandler)), None)


def install_json_handler() -> JsonHandler:
    """The root logger's JSON handler, added if it has none; it logs INFO and above."""
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    if (found := json_handler()) is not None:
        return found
    # A plain handler from an earlier basicConfig would print every line twice.
    for handler in list(root.handlers):
        if type(handler) is logging.StreamHandler:
            root.removeHandler(handler)
    handler = JsonHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root.addHandler(handler)
    return handler


def configure(app: Flask) -> None:
    """Called by create_app before anything logs; does nothing unless LOG_FORMAT is json."""
    if app.config.get("LOG_FORMAT") != "json":
        return
    install_json_handler()
    access = logging.getLogger(ACCESS_LOGGER)

    @app.before_request
    def start_clock() -> None:
        offered = request.headers.get("X-Request-ID", "")
        # The proxy's id ties our line to its own; anything odd is replaced, not logged.
        g.request_id = offered if _REQUEST_ID.match(offered) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response: Response) -> Response:
        started = g.get("request_started")
        duration = round((time.perf_counter() - started) * 1000, 1) if started else None
        response.headers.setdefault("X-Request-ID", g.get("request_id") or "")
        access.info("%s %s %s", request.method, request.path, response.status_code,
                    extra={"status": response.status_code, "duration_ms": duration})
        return response
