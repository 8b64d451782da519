"""A real ``manage.py db_worker`` (database task backend) is killed with SIGKILL in the middle
of a step; after a restart nothing is lost and nothing is done twice.

Everything runs in subprocesses against a throwaway SQLite file, since the worker must share
the database with the process that creates the ticket. The step is made to hang by a mail
server that accepts the connection and never answers; the restarted worker talks to a real
SMTP server (aiosmtpd) which must receive exactly one message.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from .smtp import SilentServer

ROOT = Path(__file__).resolve().parents[2]

SETUP = """
from tessera.core.accounts.services import user_create, user_set_skills
from tessera.core.projects.services import membership_set, project_create
from tessera.core.triage.services import support_ticket_create
p = project_create(actor=None, template="support", key="SUP", name="Desk")
mod = user_create(username="mod", email="mod@example.test", password=None)
user_set_skills(user=mod, skills={"Databases": 5, "PostgreSQL": 4})
membership_set(actor=None, project=p, user=mod, role="moderator")
u = user_create(username="uma", email="uma@example.test", password=None)
membership_set(actor=None, project=p, user=u, role="user")
t = support_ticket_create(actor=u, title="Database is refusing connections",
    description="PostgreSQL says too many clients already; the app cannot reach the database.")
print(t.pk)
"""

RESUME = """
from tessera.core.triage.services import triage_resume_stalled
print(triage_resume_stalled())
"""


def manage(env: dict, *args: str, timeout: float = 120) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def worker(env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.1", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def query(db: Path, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(db, timeout=10) as conn:
        return conn.execute(sql, params).fetchall()


def wait_for(predicate, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError("timed out waiting")


def steps(db: Path, ticket_id: int) -> dict[str, tuple[str, int]]:
    rows = query(
        db, "SELECT name, status, attempts FROM triage_triagestep WHERE ticket_id = ?", ticket_id
    )
    return {name: (status, attempts) for name, status, attempts in rows}


def test_killed_worker_loses_nothing(tmp_path, smtp_inbox):
    db = tmp_path / "tessera.sqlite3"
    base_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tessera.settings.base",
        "TESSERA_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{db}",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "TRIAGE_PROVIDER": "offline",
        "TRIAGE_STEP_LEASE_SECONDS": "2",
        "LOG_LEVEL": "ERROR",
    }
    manage(base_env, "migrate", "--no-input")
    ticket_id = int(manage(base_env, "shell", "-c", SETUP).strip().splitlines()[-1])

    with SilentServer() as hung:
        env = {**base_env, "EMAIL_PORT": str(hung.port), "EMAIL_TIMEOUT": "120"}
        first = worker(env)
        try:
            wait_for(
                lambda: steps(db, ticket_id).get("send-email-notification", ("",))[0] == "started"
            )
            time.sleep(0.3)  # the worker is now blocked inside the step, talking to the mail server
        finally:
            os.killpg(first.pid, signal.SIGKILL)
            first.wait(10)

    state = steps(db, ticket_id)
    assert state["assign-moderator"] == ("succeeded", 1)
    assert state["send-email-notification"] == ("started", 1)
    running = query(
        db, "SELECT COUNT(*) FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING'"
    )
    assert running == [(1,)]  # the killed run is stranded in the queue
    assert query(db, "SELECT COUNT(*) FROM tickets_ticketassignment") == [(1,)]

    env = {**base_env, "EMAIL_PORT": str(smtp_inbox.port)}
    time.sleep(2.2)  # let the dead run's lease expire
    assert manage(env, "shell", "-c", RESUME).strip().splitlines()[-1] == "1"
    second = worker(env)
    try:
        wait_for(
            lambda: (
                query(
                    db,
                    "SELECT pipeline_status FROM triage_tickettriage WHERE ticket_id = ?",
                    ticket_id,
                )
                == [("done",)]
            )
        )
        wait_for(lambda: len(smtp_inbox.received) >= 1, timeout=20)
        time.sleep(1)  # anything doubled would arrive now
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        second.wait(20)

    state = steps(db, ticket_id)
    assert all(status == "succeeded" for status, _ in state.values()), state
    assert state["send-email-notification"] == ("succeeded", 2)
    assert {name: n for name, (_, n) in state.items() if name != "send-email-notification"} == {
        "fetch-ticket": 1,
        "update-ticket-status": 1,
        "ai-processing": 1,
        "assign-moderator": 1,
    }
    assert len(smtp_inbox.received) == 1
    assert smtp_inbox.received[0].recipients == ["mod@example.test"]
    assert query(db, "SELECT status FROM notifications_outboundemail") == [("sent",)]
    assert query(db, "SELECT COUNT(*) FROM tickets_ticketassignment") == [(1,)]
