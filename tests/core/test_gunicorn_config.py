"""``deploy/gunicorn.conf.py``: the web app's server settings as gunicorn reads them, used
by the Procfile (``make cluster``), the Docker image and the bench."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def effective(extra_env: dict[str, str] | None = None, *flags: str) -> dict[str, str]:
    out = subprocess.run(
        [str(GUNICORN), "-c", "deploy/gunicorn.conf.py", *flags, "--print-config",
         "tessera.wsgi:application"],
        cwd=ROOT,
        env={**os.environ, **(extra_env or {})},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout  # fmt: skip
    return dict(re.findall(r"^(\w+)\s+= (.*)$", out, re.M))


def test_defaults_two_workers_one_request_each_without_keep_alive():
    config = effective()
    assert config["workers"] == "2"
    assert config["worker_class"] == "gthread"
    assert config["threads"] == "1"
    assert config["keepalive"] == "0"
    # a busy worker leaves the next connection to an idle one
    assert config["worker_connections"] == "1"
    assert config["max_requests"] == "2000"


def test_worker_connections_follow_threads_and_keep_alive():
    assert effective({"GUNICORN_THREADS": "3"})["worker_connections"] == "3"
    # an idle kept-alive connection counts against the limit: gunicorn's default then
    assert effective({"GUNICORN_KEEPALIVE": "5"})["worker_connections"] == "1000"
    assert effective({"GUNICORN_WORKER_CONNECTIONS": "50"})["worker_connections"] == "50"


def test_environment_and_flags_override():
    config = effective({"WEB_CONCURRENCY": "3", "GUNICORN_THREADS": "2", "GUNICORN_KEEPALIVE": "5"})
    assert (config["workers"], config["threads"], config["keepalive"]) == ("3", "2", "5")
    assert effective(None, "--workers", "1")["workers"] == "1"


def test_every_deployment_uses_it():
    assert (ROOT / "deploy" / "Procfile").read_text().count("-c deploy/gunicorn.conf.py") == 2
    assert '"-c", "deploy/gunicorn.conf.py"' in (ROOT / "deploy" / "Dockerfile").read_text()
