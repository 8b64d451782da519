"""`make cluster`: the compose.yaml topology on one machine, without Docker.

Uses the machine's PostgreSQL and Redis: a proxy on :8100 in front of two app processes
(gunicorn, :8101 and :8102), two RQ task workers, and the scheduler. A process that dies
is started again (so does a killed app or worker). Ctrl-C stops everything.

Environment: CLUSTER_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/tessera_cluster),
REDIS_URL (default redis://127.0.0.1:6379/0), CLUSTER_DATA_DIR (default var/cluster),
plus any Tessera setting (EMAIL_HOST, EMAIL_PORT, …). Writes the process ids to
$CLUSTER_DATA_DIR/pids.json so tests can kill one.
"""

from __future__ import annotations

import json
import os
import secrets
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def procfile() -> dict[str, list[str]]:
    procs = {}
    for line in (ROOT / "deploy" / "Procfile").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, _, command = line.partition(":")
        argv = shlex.split(command)
        if argv[0] == "python":
            argv[0] = PY
        elif argv[0] == "gunicorn":
            argv = [PY, "-m", "gunicorn", *argv[1:]]
        procs[name.strip()] = argv
    return procs


def environment() -> dict[str, str]:
    data_dir = Path(os.environ.get("CLUSTER_DATA_DIR", ROOT / "var" / "cluster")).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    key_file = data_dir / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(60))
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "tessera.settings.production",
            "DATABASE_URL": os.environ.get(
                "CLUSTER_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tessera_cluster"
            ),
            "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
            "TASKS_BACKEND": "rq",
            "TESSERA_DATA_DIR": str(data_dir),
            "SECRET_KEY": key_file.read_text().strip(),
            "SECURE_SSL_REDIRECT": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    env = environment()
    os.chdir(ROOT)
    print(f"cluster: database {env['DATABASE_URL']}, redis {env['REDIS_URL']}", flush=True)
    ensure_database(env["DATABASE_URL"])
    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v", "0"], env=env, check=True)
    subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v", "0"], env=env, check=True)
    specs = procfile()
    running: dict[str, subprocess.Popen] = {}
    stopping = False
    pid_file = Path(env["TESSERA_DATA_DIR"]) / "pids.json"

    def start(name: str) -> None:
        running[name] = subprocess.Popen(specs[name], env=env, start_new_session=True)
        pid_file.write_text(json.dumps({n: p.pid for n, p in running.items()}))
        print(f"cluster: started {name} (pid {running[name].pid})", flush=True)

    def stop(*_args) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    for name in specs:
        start(name)
    print("cluster: ready on http://127.0.0.1:8100/", flush=True)
    while not stopping:
        for name, proc in list(running.items()):
            if proc.poll() is not None and not stopping:
                print(f"cluster: {name} exited ({proc.returncode}); restarting", flush=True)
                start(name)
        time.sleep(0.5)
    for proc in running.values():
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    for proc in running.values():
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
    pid_file.unlink(missing_ok=True)
    print("cluster: stopped", flush=True)


if __name__ == "__main__":
    main()
