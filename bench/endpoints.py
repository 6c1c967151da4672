"""Baselines for the benchmarks, served only when BENCH_ENDPOINTS is set (never in use).

GET /bench/durable-insert does nothing but one durable insert and commit: the floor under any
request that changes data, so a booking's throughput can be read as a share of it.
"""

from __future__ import annotations

from flask import Flask

from workshops.extensions import db
from workshops.models import AuditEntry


def durable_insert() -> tuple[str, int]:
    # An audit row: a real table with an index, written the way the domain writes its rows.
    db.session.add(AuditEntry(actor_label="bench", action="bench insert", entity="bench",
                              entity_id=0, details={}))
    db.session.commit()
    return "ok\n", 200


def register(app: Flask) -> None:
    """Add the baseline routes; wsgi.py calls this only when the flag is on."""
    app.add_url_rule("/bench/durable-insert", "bench_durable_insert", durable_insert)
