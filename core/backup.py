"""Backup and restore of the database and uploaded files, verified by row counts and checksums.

An archive is a .tar.gz holding `manifest.json` (table row counts, file SHA-256s), the database dump
(SQLite: an online backup copy; PostgreSQL: `pg_dump -Fc`) and `media/`.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.utils import timezone


class BackupError(Exception):
    pass


def table_counts() -> dict[str, int]:
    """Row count of every table of an installed model (what a restore must give back)."""
    counts = {}
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cur:
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            if table in tables and table not in counts:
                cur.execute(f'SELECT COUNT(*) FROM "{table}"')  # table names come from our models, not input
                counts[table] = cur.fetchone()[0]
    return dict(sorted(counts.items()))


def media_checksums(root: Path) -> dict[str, str]:
    out = {}
    if not root.exists():
        return out
    for path in sorted(root.rglob("*")):
        if path.is_file():
            out[str(path.relative_to(root))] = _sha256(path)
    return out


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_env() -> dict[str, str]:
    db = settings.DATABASES["default"]
    env = {**os.environ, "PGPASSWORD": str(db.get("PASSWORD") or "")}
    return env


def _pg_args() -> list[str]:
    db = settings.DATABASES["default"]
    args = ["-h", str(db.get("HOST") or "127.0.0.1"), "-U", str(db.get("USER") or "")]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    return args


def create_backup(output: Path) -> dict:
    """Write a verified archive of the database and media to output; return its manifest."""
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        manifest = {
            "created_at": timezone.now().isoformat(),
            "vendor": connection.vendor,
            "tables": table_counts(),
            "files": media_checksums(media_root),
        }
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            dest = sqlite3.connect(tmpdir / "db.sqlite3")
            connection.connection.backup(dest)
            dest.close()
        elif connection.vendor == "postgresql":
            subprocess.run(
                [
                    "pg_dump",
                    "-Fc",
                    "--no-owner",
                    *_pg_args(),
                    "-f",
                    str(tmpdir / "db.dump"),
                    settings.DATABASES["default"]["NAME"],
                ],
                check=True,
                env=_pg_env(),
                capture_output=True,
            )
        else:
            raise BackupError(f"unsupported database {connection.vendor}")
        (tmpdir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        output.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(output, "w:gz") as tar:
            for item in tmpdir.iterdir():
                tar.add(item, arcname=item.name)
            if media_root.exists():
                tar.add(media_root, arcname="media")
    return manifest


def restore_backup(archive: Path) -> dict:
    """Restore database and media from archive, then verify row counts and checksums; return a report."""
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(tmpdir, filter="data")
        manifest = json.loads((tmpdir / "manifest.json").read_text())
        if manifest["vendor"] != connection.vendor:
            raise BackupError(f"archive is from {manifest['vendor']}, this database is {connection.vendor}")
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            src = sqlite3.connect(tmpdir / "db.sqlite3")
            # The online backup API copies into the live database, so open connections stay valid.
            src.backup(connection.connection)
            src.close()
        else:
            connection.close()
            subprocess.run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    *_pg_args(),
                    "-d",
                    settings.DATABASES["default"]["NAME"],
                    str(tmpdir / "db.dump"),
                ],
                check=True,
                env=_pg_env(),
                capture_output=True,
            )
        if (tmpdir / "media").exists():
            media_root.mkdir(parents=True, exist_ok=True)
            shutil.copytree(tmpdir / "media", media_root, dirs_exist_ok=True)
    return verify(manifest)


def verify(manifest: dict) -> dict:
    counts = table_counts()
    files = media_checksums(Path(settings.MEDIA_ROOT))
    table_diffs = {t: (n, counts.get(t)) for t, n in manifest["tables"].items() if counts.get(t) != n}
    file_diffs = {f: (h, files.get(f)) for f, h in manifest["files"].items() if files.get(f) != h}
    return {
        "ok": not table_diffs and not file_diffs,
        "tables": table_diffs,
        "files": file_diffs,
        "table_count": len(manifest["tables"]),
        "file_count": len(manifest["files"]),
    }
