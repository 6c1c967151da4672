"""LOG_FORMAT=json: one JSON object per line, and never a personal link's secret."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from tests.conftest import app_config
from tests.feedback.support import attended
from workshops import create_app
from workshops.logging_setup import JsonHandler, install_json_handler, json_handler, scrub


@pytest.fixture()
def app_overrides() -> dict:
    return {"LOG_FORMAT": "json"}


@pytest.fixture()
def log_lines(app) -> Iterator[io.StringIO]:  # noqa: ANN001
    # Building the app added the handler (test_building_the_app_installs_the_handler); the
    # module's tests share that app and each takes the handler away after it, so put it back.
    handler = install_json_handler()
    stream = io.StringIO()
    handler.setStream(stream)
    yield stream
    # Later tests run with plain logs: leave the root logger as we found it.
    logging.getLogger().removeHandler(handler)


def test_building_the_app_installs_the_handler(migrated: str, smtp_server) -> None:  # noqa: ANN001
    root = logging.getLogger()
    before = list(root.handlers)
    for found in [h for h in before if isinstance(h, JsonHandler)]:
        root.removeHandler(found)
    try:
        create_app(app_config(migrated, smtp_server.port, LOG_FORMAT="json"))
        assert json_handler() is not None
    finally:
        root.handlers[:] = before


def _parsed(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_request_is_one_json_line(client, log_lines: io.StringIO) -> None:  # noqa: ANN001
    response = client.get("/healthz?token=abc", headers={"X-Request-ID": "lb-1234"})
    assert response.headers["X-Request-ID"] == "lb-1234"
    [line] = [e for e in _parsed(log_lines) if e["logger"] == "workshops.access"]
    assert line["level"] == "INFO"
    assert line["path"] == "/healthz"
    assert line["status"] == 200
    assert line["request_id"] == "lb-1234"
    assert isinstance(line["duration_ms"], float)
    assert "time" in line and "token=abc" not in log_lines.getvalue()


def test_a_personal_links_token_never_reaches_the_log(client, workshop,  # noqa: ANN001
                                                      log_lines: io.StringIO) -> None:
    booking = attended(workshop, 1)
    response = client.get(f"/booking/{booking.token}")
    assert response.status_code == 200
    assert booking.token not in log_lines.getvalue()
    access = [e for e in _parsed(log_lines) if e["logger"] == "workshops.access"]
    assert access[-1]["path"] == "/booking/…"
    assert access[-1]["status"] == 200


def test_slugs_stay_readable() -> None:
    assert scrub("/series/highly-resistant-families/north-east") == \
        "/series/highly-resistant-families/north-east"
    assert scrub("/feedback/practice/Zx9_k-2mQ0aLrT5vB8nE1yUc/files") == \
        "/feedback/practice/…/files"


def test_error_text_loses_tokens_and_sql_values() -> None:
    token = "Zx9_k-2mQ0aLrT5vB8nE1yUcAbCdEfGhIjKlMnOpQ"
    text = (f"no such table: bookings\n[SQL: SELECT ... WHERE bookings.token = ?]\n"
            f"[parameters: ('{token}', 'sian@example.org')]\n"
            "  File \"x.py\", in _handle_dbapi_exception_with_a_long_name")
    scrubbed = scrub(text)
    assert token not in scrubbed and "sian@example.org" not in scrubbed
    assert "[parameters: …]" in scrubbed
    assert "_handle_dbapi_exception_with_a_long_name" in scrubbed
