"""Whose CPU a load used: the load's own client, the web server's processes, the database's.

Requests per second say how fast; on two cores shared by the client, gunicorn and the database
they cannot say which of the three a request's cost lies with. These figures can: they are the
processes' own CPU counters (Linux /proc), read before and after a phase of the load.

The web server is gunicorn's process group (the master and its workers). The database is every
process named `postgres` on the machine (its backends' time is kept by the postmaster once they
exit), so other work on the same server counts too: run it on a quiet machine. SQLite has no
process of its own; its work is in the web server's figure.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class CpuSeconds:
    client: float
    web: float
    database: float

    def __sub__(self, other: CpuSeconds) -> CpuSeconds:
        return CpuSeconds(self.client - other.client, self.web - other.web,
                          self.database - other.database)

    def per(self, count: int) -> CpuSeconds:
        count = max(count, 1)
        return CpuSeconds(self.client / count, self.web / count, self.database / count)

    @property
    def servers(self) -> float:
        return self.web + self.database

    @property
    def total(self) -> float:
        return self.client + self.web + self.database


def _processes() -> list[tuple[str, int, float]]:
    """(name, process group, CPU seconds of it and its reaped children) for every process."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:
            continue  # gone since the listing
        # The name is in parentheses and may hold spaces; the fields after it are fixed.
        name = raw[raw.index("(") + 1:raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2:].split()
        utime, stime, cutime, cstime = (int(f) for f in fields[11:15])
        found.append((name, int(fields[2]), (utime + stime + cutime + cstime) / _TICKS))
    return found


def sample(web_group: int, *, postgresql: bool) -> CpuSeconds:
    """The counters now: this process (the client), gunicorn's group and, for a PostgreSQL
    run, PostgreSQL's processes."""
    processes = _processes()
    return CpuSeconds(
        client=time.process_time(),
        web=sum(seconds for _, group, seconds in processes if group == web_group),
        database=sum(seconds for name, _, seconds in processes
                     if postgresql and name == "postgres"),
    )
