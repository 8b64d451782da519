"""Production settings: `check --deploy` is clean, secrets are required, the published
super secret key is refused."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_manage(tmp_path, *args: str, **env: str) -> subprocess.CompletedProcess:
    unset = ("DATABASE_URL", "SUPER_SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")
    environ = {k: v for k, v in os.environ.items() if k not in unset}
    environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "tessera.settings.production",
            "TESSERA_DATA_DIR": str(tmp_path),
            "ALLOWED_HOSTS": "tessera.example.com",
            **env,
        }
    )
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environ, capture_output=True, text=True
    )


def test_check_deploy_is_clean(tmp_path):
    result = run_manage(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=secrets.token_urlsafe(50),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = run_manage(tmp_path, "check", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_the_published_super_secret_key(tmp_path):
    result = run_manage(
        tmp_path,
        "check",
        SECRET_KEY=secrets.token_urlsafe(50),
        SUPER_SECRET_KEY="dev-super-secret-key-12345",
    )
    assert result.returncode != 0
    assert "SUPER_SECRET_KEY" in result.stderr
