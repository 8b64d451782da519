"""``bench/cpu.py``: the CPU a load run cost, split into the app server's processes,
PostgreSQL's and the load generator, per request."""

from __future__ import annotations

import subprocess
import sys
import threading
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
            "import sys\nsys.stdin.readline()\n"
            + burn(0.3)
            + "print('burnt', flush=True)\nsys.stdin.read()\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        time.sleep(0.5)  # interpreter start-up is not part of the measured run
        before = cpu.snapshot(server.pid)
        server.stdin.write("go\n")
        server.stdin.flush()
        # the "load generator": a child that burns 0.2 s and is reaped meanwhile
        subprocess.run([sys.executable, "-c", burn(0.2)], check=True, timeout=60)
        assert server.stdout.readline() == "burnt\n"  # not a fixed sleep: CI's cores are shared
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
        [
            sys.executable,
            "-c",
            "import sys\nsys.stdin.readline()\n" + child + "print('reaped', flush=True)\n"
            "sys.stdin.read()\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        time.sleep(0.5)
        before = cpu.snapshot(server.pid)
        server.stdin.write("go\n")
        server.stdin.flush()
        # the child starts, burns 0.3 s, ends and is reaped: however long that takes on a
        # loaded machine, the server says so only afterwards
        assert server.stdout.readline() == "reaped\n"
        after = cpu.snapshot(server.pid)
    finally:
        server.stdin.close()
        server.wait(timeout=60)
    assert 0.3 <= after.app_s - before.app_s <= 0.6


def test_wait_idle_waits_for_a_busy_server():
    """``wait_idle`` returns only once the server has stopped burning CPU, and within about
    two sampling seconds of that. The burn's wall time is not assumed: on a loaded machine
    (CI runs four test streams on two cores) 2.5 s of CPU can take twice as long, so the
    server reports when it finished and a reader thread notes the moment."""
    server = subprocess.Popen(
        [
            sys.executable,
            "-c",
            burn(2.5) + "import sys\nprint('done', flush=True)\nsys.stdin.read()\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    finished: list[float] = []

    def note_the_end() -> None:
        if server.stdout.readline() == "done\n":
            finished.append(time.monotonic())

    reader = threading.Thread(target=note_the_end, daemon=True)
    reader.start()
    try:
        time.sleep(0.3)
        waited = cpu.wait_idle(server.pid, max_seconds=60)
        returned = time.monotonic()
        reader.join(timeout=5)
        assert finished, "wait_idle returned while the server was still burning"
        assert waited >= 2  # 2.5 s of CPU cannot take less than 2 s of wall time
        assert finished[0] <= returned <= finished[0] + 2.5
        assert cpu.wait_idle(server.pid, max_seconds=20) == 1  # idle now
        assert cpu.wait_idle(server.pid, max_seconds=0) == 0
    finally:
        server.stdin.close()
        server.wait(timeout=60)


def test_report_column():
    assert cpu_text({}) == "–"
    row = {"cpu": {"app_ms": 7.25, "db_ms": 3.0, "loadgen_ms": 0.4, "steal_pct": 0.0}}
    assert cpu_text(row) == "7.2 / 3.0 / 0.4"
    row["cpu"]["steal_pct"] = 12.4
    assert cpu_text(row) == "7.2 / 3.0 / 0.4 (steal 12 %)"
