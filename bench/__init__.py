"""Benchmarks: `make bench` prints figures; nothing here asserts timings."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable


def remove_test_scratch() -> None:
    """Remove the scratch folder tests.conftest makes when imported (the benches use its
    helpers to make workshops); a bench calls this once it has finished."""
    if (conftest := sys.modules.get("tests.conftest")) is not None:
        shutil.rmtree(conftest._RUN_DIR, ignore_errors=True)


def for_each_backend(backends: str, report: Callable[[str], None]) -> None:
    """`report(backend)` for each name in the comma-separated `backends`, skipping PostgreSQL
    when no server answers; the tests' scratch folder is removed at the end, whatever happens."""
    from tests.live_server import postgresql_available

    try:
        for backend in [b.strip() for b in backends.split(",") if b.strip()]:
            if backend == "postgresql" and not postgresql_available():
                print(f"{backend}: skipped (not reachable at 127.0.0.1:5432)")
                continue
            print(f"running {backend} ...", file=sys.stderr, flush=True)
            report(backend)
    finally:
        remove_test_scratch()
