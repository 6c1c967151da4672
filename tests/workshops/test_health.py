"""Liveness and readiness: what load balancers ask before sending a host traffic."""

from __future__ import annotations

from pathlib import Path

import pytest


def test_ready_when_everything_answers(client) -> None:  # noqa: ANN001
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "ready", "checks": {
        "database": "ok", "migrations": "ok", "queue": "ok", "evidence": "ok"}}
    assert response.headers["Cache-Control"] == "no-store"


@pytest.fixture()
def app_overrides(request, tmp_path: Path) -> dict:
    if request.node.name.startswith("test_not_ready_when_evidence"):
        blocker = tmp_path / "a-file"
        blocker.write_text("not a folder")
        # A folder under a plain file can never be made, even by root.
        return {"EVIDENCE_FOLDER": str(blocker / "evidence")}
    if request.node.name.startswith("test_not_ready_when_redis"):
        return {"REDIS_URL": "redis://127.0.0.1:1/0"}
    return {}


def test_not_ready_when_evidence_folder_is_unwritable(client) -> None:  # noqa: ANN001
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["status"] == "not ready"
    assert response.json["checks"]["evidence"] == "failed"
    assert response.json["checks"]["database"] == "ok"
    assert "a-file" not in response.get_data(as_text=True)  # no paths, no error text


def test_not_ready_when_redis_is_unreachable(client) -> None:  # noqa: ANN001
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["queue"] == "failed"


def test_not_ready_when_migrations_are_behind(app, client) -> None:  # noqa: ANN001
    from sqlalchemy import text

    from workshops.extensions import db

    with db.engine.begin() as connection:
        head = connection.scalar(text("SELECT version_num FROM alembic_version"))
        connection.execute(text("UPDATE alembic_version SET version_num = 'behind'"))
    try:
        response = client.get("/readyz")
    finally:
        with db.engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = :head"),
                               {"head": head})
    assert response.status_code == 503
    assert response.json["checks"]["migrations"] == "failed"


def test_liveness_touches_nothing(client) -> None:  # noqa: ANN001
    assert client.get("/healthz").data == b"ok"
