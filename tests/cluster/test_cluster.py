"""`make test-cluster`: the multi-process topology under load, with a worker and an app
process killed mid-run; afterwards no acknowledged ticket, event, comment, task or email
may be missing.

Needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379 (this machine kind's).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from http.client import HTTPException
from pathlib import Path

import psycopg
import pytest

pytestmark = pytest.mark.cluster

ROOT = Path(__file__).resolve().parents[2]
PROXY = "http://127.0.0.1:8100"
DB_NAME = "tessera_cluster_test"
PG = "postgres://postgres@127.0.0.1:5432"


def http(method: str, path: str, body: dict | None = None, token: str | None = None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(PROXY + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, None
    except (urllib.error.URLError, OSError, HTTPException):
        # No answer, or an app process killed while its answer was on the way (the proxy
        # had sent the status line: IncompleteRead): not acknowledged.
        return 0, None


@pytest.fixture
def cluster(tmp_path, smtp_inbox):
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    import redis

    redis.Redis.from_url("redis://127.0.0.1:6379/9").flushdb()
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(
        {
            "CLUSTER_DATABASE_URL": f"{PG}/{DB_NAME}",
            "CLUSTER_DATA_DIR": str(tmp_path / "data"),
            "REDIS_URL": "redis://127.0.0.1:6379/9",
            "EMAIL_HOST": smtp_inbox.host,
            "EMAIL_PORT": str(smtp_inbox.port),
        }
    )
    log = open(tmp_path / "cluster.log", "w")
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "deploy" / "cluster.py")],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.time() + 120
    while time.time() < deadline:
        if http("GET", "/readyz")[0] == 200:
            break
        if proc.poll() is not None:
            raise AssertionError((tmp_path / "cluster.log").read_text()[-3000:])
        time.sleep(1)
    else:
        raise AssertionError("cluster did not become ready")
    demo_env = {
        **env,
        "DJANGO_SETTINGS_MODULE": "tessera.settings.production",
        "DATABASE_URL": env["CLUSTER_DATABASE_URL"],
        "TESSERA_DATA_DIR": env["CLUSTER_DATA_DIR"],
        "SECRET_KEY": (tmp_path / "data" / "secret_key").read_text(),
        "TASKS_BACKEND": "rq",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    demo = subprocess.run(
        [sys.executable, "manage.py", "demo", "--json"],
        cwd=ROOT,
        env=demo_env,
        capture_output=True,
        text=True,
        check=True,
    )
    yield {
        "demo": json.loads(demo.stdout),
        "inbox": smtp_inbox,
        "pids": tmp_path / "data" / "pids.json",
        "log": tmp_path / "cluster.log",
    }
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
    log.close()


def kill(pids_file: Path, name: str) -> None:
    pid = json.loads(pids_file.read_text())[name]
    os.killpg(pid, signal.SIGKILL)


def login(cluster) -> str:
    agent = next(a for a in cluster["demo"]["accounts"] if a["role"] == "agent")
    status, body = http(
        "POST",
        "/api/tickets/auth/login/",
        {"username": agent["username"], "password": agent["password"]},
    )
    assert status == 200, status
    return body["tokens"]["access"]


def run_load(cluster, token: str, *, total: int, fault, fault_at: float = 0.4):
    """Six clients create tickets and reply to them; ``fault()`` runs once ``fault_at`` of
    the work is done. Returns the acknowledged ticket ids and (ticket, comment) pairs."""
    customers = [c["id"] for c in cluster["demo"]["customers"]]
    acknowledged: list[int] = []
    comments: list[tuple[int, int | None]] = []
    lock = threading.Lock()
    progress = {"done": 0}

    def client(seed: int) -> None:
        rng = random.Random(seed)
        while True:
            with lock:
                if progress["done"] >= total:
                    return
                progress["done"] += 1
            status, body = http(
                "POST",
                "/api/ticketing/tickets/",
                {
                    "subject": f"Printer {rng.randint(1, 999)} jams",
                    "description": "The printer jams on every second page.",
                    "priority": rng.choice(["low", "medium", "high"]),
                    "customer": rng.choice(customers),
                },
                token,
            )
            if status != 201:
                continue
            with lock:
                acknowledged.append(body["id"])
            status, reply = http(
                "POST",
                f"/api/ticketing/tickets/{body['id']}/add_comment/",
                {"content": "We are looking into it.", "is_internal": False},
                token,
            )
            if status in (200, 201):
                with lock:
                    comments.append(
                        (body["id"], reply.get("id") if isinstance(reply, dict) else None)
                    )

    threads = [threading.Thread(target=client, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    while progress["done"] < total * fault_at:
        time.sleep(0.1)
    fault()
    for t in threads:
        t.join(timeout=300)
    return acknowledged, comments


def assert_nothing_lost(cluster, acknowledged, comments) -> int:
    """Every acknowledged ticket, its audit event and every acknowledged comment is stored;
    every queued email is eventually sent and received. Returns the number of emails."""
    with psycopg.connect(f"{PG}/{DB_NAME}") as conn:
        stored = {r[0] for r in conn.execute("SELECT id FROM tickets_ticket")}
        assert set(acknowledged) <= stored, "an acknowledged ticket was lost"
        created = {
            r[0] for r in conn.execute("SELECT ticket_id FROM audit_event WHERE action = 'created'")
        }
        assert set(acknowledged) <= created, "a ticket lost its audit event"
        commented = {r[0] for r in conn.execute("SELECT ticket_id FROM tickets_comment")}
        assert {t for t, _ in comments} <= commented, "an acknowledged comment was lost"
        # every queued email is eventually sent (the retry task recovers killed jobs)
        deadline = time.time() + 240
        while time.time() < deadline:
            pending = conn.execute(
                "SELECT count(*) FROM notifications_outboundemail WHERE status <> 'sent'"
            ).fetchone()[0]
            if pending == 0:
                break
            conn.commit()
            time.sleep(2)
        assert pending == 0, "emails still unsent"
        sent = conn.execute("SELECT count(*) FROM notifications_outboundemail").fetchone()[0]
    assert sent > 0, "the load produced no email at all"
    assert len(cluster["inbox"].received) >= sent, "an email was lost on its way to SMTP"
    return sent


def test_cluster_loses_nothing_when_a_worker_and_an_app_die(cluster):
    token = login(cluster)

    def kill_worker_and_app() -> None:
        kill(cluster["pids"], "worker1")
        kill(cluster["pids"], "app1")

    total = 120
    acknowledged, comments = run_load(cluster, token, total=total, fault=kill_worker_and_app)
    assert len(acknowledged) >= total * 0.5, "too few requests succeeded for a meaningful test"
    sent = assert_nothing_lost(cluster, acknowledged, comments)
    log = cluster["log"].read_text()
    assert "app1 exited" in log and "worker1 exited" in log, "the kills did not happen"
    print(
        f"cluster: {len(acknowledged)} tickets and {len(comments)} comments acknowledged, "
        f"{sent} emails queued, {len(cluster['inbox'].received)} received"
    )


def test_cluster_recovers_from_a_database_restart(cluster):
    token = login(cluster)
    version = sorted(os.listdir("/etc/postgresql"))[-1]

    def restart_postgres() -> None:
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
            check=True,
            capture_output=True,
        )

    total = 80
    acknowledged, comments = run_load(cluster, token, total=total, fault=restart_postgres)
    deadline = time.time() + 60
    while time.time() < deadline and http("GET", "/readyz")[0] != 200:
        time.sleep(1)
    assert http("GET", "/readyz")[0] == 200, "the app did not reconnect to the database"
    status, body = http(
        "POST",
        "/api/ticketing/tickets/",
        {"subject": "After the restart", "description": "Still working?", "priority": "low"},
        token,
    )
    assert status == 201, status
    acknowledged.append(body["id"])
    sent = assert_nothing_lost(cluster, acknowledged, comments)
    print(f"cluster (db restart): {len(acknowledged)} tickets acknowledged, {sent} emails")
