"""Benchmarks: `make bench` prints figures; nothing here asserts timings."""

from __future__ import annotations

import shutil
import sys


def remove_test_scratch() -> None:
    """Remove the scratch folder tests.conftest makes when imported (the benches use its
    helpers to make workshops); a bench calls this once it has finished."""
    if (conftest := sys.modules.get("tests.conftest")) is not None:
        shutil.rmtree(conftest._RUN_DIR, ignore_errors=True)
