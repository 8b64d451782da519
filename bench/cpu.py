"""Where the machine's CPU went during one measured load run: the app server's processes,
PostgreSQL's, the load generator and what the hypervisor took (steal), from ``/proc``.

Dividing each by the requests served gives CPU milliseconds per request: a scenario that
serves 90 req/s on two cores spends ~22 ms of CPU per request somewhere, and this says
where, which a single in-process request (``bench/profile_request.py``) cannot.
"""

from __future__ import annotations

import os
import resource
import time
from dataclasses import dataclass
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class CpuSnapshot:
    app_s: float
    db_s: float
    children_s: float
    busy_s: float
    idle_s: float
    steal_s: float


def _process_cpu(app_session: int) -> tuple[float, float]:
    """CPU seconds of the processes in the app server's session and of PostgreSQL's
    processes (every process named ``postgres``), including children they have reaped: a
    backend that ends with its connection (a client without persistent connections) or a
    replaced worker leaves ``/proc``, and its CPU moves to its parent's ``cutime``."""
    app = db = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:  # the process ended while we looked
            continue
        comm = raw[raw.index("(") + 1 : raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2 :].split()
        # fields[0] is field 3 (state) of proc(5): session 6, utime 14, stime 15,
        # cutime 16, cstime 17.
        session = int(fields[3])
        seconds = sum(int(v) for v in fields[11:15]) / TICKS
        if session == app_session:
            app += seconds
        elif comm.startswith("postgres"):
            db += seconds
    return app, db


def _machine() -> tuple[float, float, float]:
    """Busy, idle and steal seconds of all CPUs (``/proc/stat``)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = (values + [0] * 8)[:8]
    busy = user + nice + system + irq + softirq
    return busy / TICKS, (idle + iowait) / TICKS, steal / TICKS


def snapshot(app_session: int) -> CpuSnapshot:
    app, db = _process_cpu(app_session)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy, idle, steal = _machine()
    return CpuSnapshot(app, db, usage.ru_utime + usage.ru_stime, busy, idle, steal)


def wait_idle(app_session: int, *, max_seconds: float = 180, busy_share: float = 0.05) -> float:
    """Wait until the app server uses less than ``busy_share`` of a core for a second (at
    most ``max_seconds``); returns the seconds waited. A slow server (the peer needs ~30 s
    per list) is still answering the last run's requests after wrk has gone, and would
    serve the next scenario with its threads taken."""
    waited = 0.0
    previous = _process_cpu(app_session)[0]
    while waited < max_seconds:
        time.sleep(1)
        waited += 1
        now = _process_cpu(app_session)[0]
        if now - previous < busy_share:
            break
        previous = now
    return waited


def per_request(before: CpuSnapshot, after: CpuSnapshot, requests: int) -> dict[str, float]:
    """CPU ms per request of the app, PostgreSQL and the load generator (a finished child
    of this process: ``RUSAGE_CHILDREN`` grows when it is reaped), and the machine's share
    of busy and stolen time, in percent, over the run."""
    if requests <= 0:
        return {}
    total = (after.busy_s - before.busy_s) + (after.idle_s - before.idle_s)
    total += after.steal_s - before.steal_s

    def ms(a: float, b: float) -> float:
        return round((b - a) * 1000 / requests, 2)

    return {
        "app_ms": ms(before.app_s, after.app_s),
        "db_ms": ms(before.db_s, after.db_s),
        "loadgen_ms": ms(before.children_s, after.children_s),
        "busy_pct": round(100 * (after.busy_s - before.busy_s) / total, 1) if total else 0.0,
        "steal_pct": round(100 * (after.steal_s - before.steal_s) / total, 1) if total else 0.0,
    }
