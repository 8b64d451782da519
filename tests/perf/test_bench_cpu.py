"""``bench/cpu.py``: the CPU a load run cost, split into the app server's processes,
PostgreSQL's and the load generator, per request."""

from __future__ import annotations

import subprocess
import sys
import time

from bench import cpu
from bench.report_md import cpu_text


def burn(seconds: float) -> str:
    return f"import time\nend = time.process_time() + {seconds}\nwhile time.process_time() < end: pass\n"


def test_cpu_is_split_into_app_and_load_generator_per_request():
    # The "app server": its own session (as gunicorn runs in the bench), started and
    # idle before the first snapshot, burns 0.3 s when told, then waits to be closed.
    server = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys\nsys.stdin.readline()\n" + burn(0.3) + "sys.stdin.read()\n",
        ],
        stdin=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        time.sleep(0.5)  # interpreter start-up is not part of the measured run
        before = cpu.snapshot(server.pid)
        server.stdin.write("go\n")
        server.stdin.flush()
        # the "load generator": a child that burns 0.2 s and is reaped meanwhile
        subprocess.run([sys.executable, "-c", burn(0.2)], check=True, timeout=30)
        time.sleep(0.6)
        after = cpu.snapshot(server.pid)
    finally:
        server.stdin.close()
        server.wait(timeout=30)
    split = cpu.per_request(before, after, requests=10)
    assert 28 <= split["app_ms"] <= 36  # 0.3 s over 10 requests
    assert 20 <= split["loadgen_ms"] <= 35  # 0.2 s over 10 requests, plus its start-up
    assert 0 < split["busy_pct"] <= 100
    assert cpu.per_request(before, after, requests=0) == {}


def test_cpu_of_a_reaped_child_stays_counted():
    """A gunicorn worker that is replaced, a PostgreSQL backend whose client disconnects:
    the ended process's CPU moves to its parent's ``cutime`` and must not vanish."""
    child = f"import subprocess, sys\nsubprocess.run([sys.executable, '-c', {burn(0.3)!r}])\n"
    server = subprocess.Popen(
        [sys.executable, "-c", "import sys\nsys.stdin.readline()\n" + child + "sys.stdin.read()\n"],
        stdin=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        time.sleep(0.5)
        before = cpu.snapshot(server.pid)
        server.stdin.write("go\n")
        server.stdin.flush()
        time.sleep(1.5)  # the child starts, burns 0.3 s, ends and is reaped
        after = cpu.snapshot(server.pid)
    finally:
        server.stdin.close()
        server.wait(timeout=30)
    assert 0.3 <= after.app_s - before.app_s <= 0.6


def test_wait_idle_waits_for_a_busy_server():
    server = subprocess.Popen(
        [sys.executable, "-c", burn(2.5) + "import sys\nsys.stdin.read()\n"],
        stdin=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        time.sleep(0.3)
        assert 2 <= cpu.wait_idle(server.pid, max_seconds=20) <= 5
        assert cpu.wait_idle(server.pid, max_seconds=20) == 1  # idle now
        assert cpu.wait_idle(server.pid, max_seconds=0) == 0
    finally:
        server.stdin.close()
        server.wait(timeout=30)


def test_report_column():
    assert cpu_text({}) == "–"
    row = {"cpu": {"app_ms": 7.25, "db_ms": 3.0, "loadgen_ms": 0.4, "steal_pct": 0.0}}
    assert cpu_text(row) == "7.2 / 3.0 / 0.4"
    row["cpu"]["steal_pct"] = 12.4
    assert cpu_text(row) == "7.2 / 3.0 / 0.4 (steal 12 %)"
