"""Backup and restore of all state: the database and the uploaded files, in one archive.

The archive is a ``.tar.gz`` with ``manifest.json``, the database (``database.sqlite3`` via
SQLite's online backup API, or ``database.pgdump`` from ``pg_dump -Fc``) and ``media/``.
Restore replaces the database and the files with the archive's (see docs/operations.md).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection, connections

from tessera.core.common import clock
from tessera.core.common.errors import ValidationFailed


def _pg_env() -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = ["-h", str(db.get("HOST") or "127.0.0.1"), "-p", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    return args, env


def backup_create(output: Path) -> dict:
    """Write an archive of the database and the media files to ``output``."""
    output = Path(output)
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        manifest = {
            "engine": connection.vendor,
            "created_at": clock.now().isoformat(),
            "format": 1,
        }
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            target = sqlite3.connect(tmpdir / "database.sqlite3")
            with target:
                connection.connection.backup(target)
            target.close()
        elif connection.vendor == "postgresql":
            args, env = _pg_env()
            subprocess.run(
                [
                    "pg_dump",
                    "-Fc",
                    *args,
                    "-f",
                    str(tmpdir / "database.pgdump"),
                    connection.settings_dict["NAME"],
                ],
                env=env,
                check=True,
                capture_output=True,
            )
        else:
            raise ValidationFailed(f"Backups of {connection.vendor} are not supported")
        (tmpdir / "manifest.json").write_text(json.dumps(manifest))
        output.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(output, "w:gz") as tar:
            for name in ("manifest.json", "database.sqlite3", "database.pgdump"):
                if (tmpdir / name).exists():
                    tar.add(tmpdir / name, arcname=name)
            if media.exists():
                tar.add(media, arcname="media")
    return manifest


def backup_restore(archive: Path) -> dict:
    """Replace the database and the media files with those in ``archive``."""
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(tmpdir, filter="data")
        manifest = json.loads((tmpdir / "manifest.json").read_text())
        if manifest["engine"] != connection.vendor:
            raise ValidationFailed(
                f"The archive holds a {manifest['engine']} database; this instance runs "
                f"{connection.vendor}. Use dumpdata/loaddata to move between engines."
            )
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            source = sqlite3.connect(tmpdir / "database.sqlite3")
            with source:
                source.backup(connection.connection)
            source.close()
        else:
            for conn in connections.all():
                conn.close()
            args, env = _pg_env()
            subprocess.run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    *args,
                    "-d",
                    connection.settings_dict["NAME"],
                    str(tmpdir / "database.pgdump"),
                ],
                env=env,
                check=True,
                capture_output=True,
            )
        media = Path(settings.MEDIA_ROOT)
        if media.exists():
            shutil.rmtree(media)
        if (tmpdir / "media").exists():
            shutil.copytree(tmpdir / "media", media)
        else:
            media.mkdir(parents=True, exist_ok=True)
    return manifest
