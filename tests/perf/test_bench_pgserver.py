"""``bench/pgserver.py``: the bench runs PostgreSQL with autovacuum on, as deployed, and
gives the server back as it found it."""

from __future__ import annotations

import fcntl
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from bench import pgserver


def _server_reachable() -> bool:
    if shutil.which("psql") is None:
        return False
    try:
        pgserver.setting("server_version")
    except (subprocess.CalledProcessError, FileNotFoundError):
        return False
    return True


pytestmark = pytest.mark.skipif(
    not _server_reachable(), reason="needs the local PostgreSQL server (psql as postgres)"
)


@pytest.fixture(autouse=True)
def _one_at_a_time_on_this_server():
    """These tests change the machine's one PostgreSQL server (``ALTER SYSTEM``). CI runs
    the suite in several processes at once, on SQLite and on PostgreSQL, and each runs this
    file: one test's reset undid another's setting mid-test. A lock on the machine runs
    them one at a time."""
    with open(Path(tempfile.gettempdir()) / "tessera-bench-pgserver.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def test_autovacuum_is_on_inside_and_the_servers_setting_is_back_after():
    before = pgserver.setting("autovacuum")
    was_in_auto_conf = pgserver._in_auto_conf("autovacuum")
    logged: list[str] = []
    with pgserver.autovacuum_on(logged.append) as in_force:
        assert in_force == "on"
        assert pgserver.setting("autovacuum") == "on"  # a new session sees it too
    assert pgserver.setting("autovacuum") == before
    assert pgserver._in_auto_conf("autovacuum") == was_in_auto_conf
    assert bool(logged) == (before == "off")  # said so only when it changed something


def test_an_alter_system_setting_is_put_back_not_dropped():
    """A server whose autovacuum was turned off by ALTER SYSTEM keeps that line after."""
    before = pgserver.setting("autovacuum")
    was_in_auto_conf = pgserver._in_auto_conf("autovacuum")
    pgserver.query("ALTER SYSTEM SET autovacuum = off")
    pgserver._reload("autovacuum", "off")
    try:
        with pgserver.autovacuum_on(lambda _: None) as in_force:
            assert in_force == "on"
        assert pgserver.setting("autovacuum") == "off"
        assert pgserver._in_auto_conf("autovacuum")
    finally:
        pgserver.query(
            f"ALTER SYSTEM SET autovacuum = {before}"
            if was_in_auto_conf
            else "ALTER SYSTEM RESET autovacuum"
        )
        pgserver._reload("autovacuum", before)
    assert pgserver.setting("autovacuum") == before
