"""Backup and restore of the database and uploaded files, verified by row counts and checksums.

An archive is a .tar.gz holding `manifest.json` (table row counts taken in the dump's own snapshot,
file SHA-256s, a few stored ciphertexts to check the encryption key with), the database dump (SQLite: an
online backup copy; PostgreSQL: `pg_dump -Fc`) and `media/`. Archives are written readable by their
owner only (0600, in a 0700 directory): they hold password hashes, sessions and personal data.
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
from django.db import connection, connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from core import crypto


class BackupError(Exception):
    pass


def table_counts(cursor=None, tables=None) -> dict[str, int]:
    """Row count of every table of an installed model (what a restore must give back), read through
    cursor (default: the default connection's) among the tables that exist there."""
    if cursor is None:
        with connection.cursor() as cur:
            return table_counts(cur, set(connection.introspection.table_names(cur)))
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if table in tables and table not in counts:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # table names come from our models, not input
            counts[table] = cursor.fetchone()[0]
    return dict(sorted(counts.items()))


def encrypted_samples(cursor, tables, limit: int = 1) -> list[str]:
    """Up to `limit` stored ciphertexts of each encrypted column that holds any: decrypting them tells
    whether FIELD_ENCRYPTION_KEY is the key the data was written with."""
    from core.fields import EncryptedTextField

    samples = []
    for model in apps.get_models():
        table = model._meta.db_table
        if table not in tables:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                column = field.column
                cursor.execute(
                    f'SELECT "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL AND "{column}" <> \'\' '
                    f"LIMIT {int(limit)}"
                )
                samples += [row[0] for row in cursor.fetchall()]
    return samples


def _refuse_an_empty_database() -> None:
    """A job run without the deployment's environment (cron without the env file) falls back to the
    embedded SQLite default: a backup of that would be an empty archive reported as a success."""
    db = settings.DATABASES["default"]
    if connection.vendor == "sqlite" and str(db["NAME"]) != ":memory:" and not Path(db["NAME"]).exists():
        raise BackupError(f"database file {db['NAME']} does not exist: is DATABASE_URL set in this job's environment?")
    recorder = MigrationRecorder(connection)
    if not recorder.has_table() or not recorder.applied_migrations():
        raise BackupError(
            f"database {db['NAME']} has no applied migrations (no tables): nothing to back up. "
            "Is DATABASE_URL set in this job's environment?"
        )


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
    """Write a verified archive of the database and media to output (mode 0600); return its manifest."""
    _refuse_an_empty_database()
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        manifest = {"created_at": timezone.now().isoformat(), "vendor": connection.vendor}
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            dest = sqlite3.connect(tmpdir / "db.sqlite3")
            connection.connection.backup(dest)
            # Counted in the copy itself: exactly what a restore gives back, whatever was written meanwhile.
            cur = dest.cursor()
            tables = {row[0] for row in cur.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            manifest["tables"] = table_counts(cur, tables)
            manifest["key_samples"] = encrypted_samples(cur, tables)
            cur.close()
            dest.close()
        elif connection.vendor == "postgresql":
            manifest.update(_pg_dump(tmpdir / "db.dump"))
        else:
            raise BackupError(f"unsupported database {connection.vendor}")
        manifest["files"] = media_checksums(media_root)
        (tmpdir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        output.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(fd, 0o600)  # also when the file existed, and whatever the umask
        with os.fdopen(fd, "wb") as fh, tarfile.open(fileobj=fh, mode="w:gz") as tar:
            for item in tmpdir.iterdir():
                tar.add(item, arcname=item.name)
            if media_root.exists():
                tar.add(media_root, arcname="media")
    return manifest


def _pg_dump(path: Path) -> dict:
    """pg_dump in the snapshot the manifest's counts are taken in (REPEATABLE READ, exported): rows written
    while the dump runs are in neither, so a restore gives back exactly the counted rows."""
    conn = connections.create_connection("default")
    try:
        with conn.cursor() as cur:
            if not conn.get_autocommit():
                conn.set_autocommit(True)
            cur.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                cur.execute("SELECT pg_export_snapshot()")
                snapshot = cur.fetchone()[0]
                tables = set(conn.introspection.table_names(cur))
                found = {"tables": table_counts(cur, tables), "key_samples": encrypted_samples(cur, tables)}
                subprocess.run(
                    [
                        "pg_dump",
                        "-Fc",
                        "--no-owner",
                        f"--snapshot={snapshot}",
                        *_pg_args(),
                        "-f",
                        str(path),
                        settings.DATABASES["default"]["NAME"],
                    ],
                    check=True,
                    env=_pg_env(),
                    capture_output=True,
                )
            except subprocess.CalledProcessError as exc:
                raise BackupError(f"pg_dump failed: {exc.stderr.decode(errors='replace').strip()}") from exc
            finally:
                cur.execute("ROLLBACK")
    finally:
        conn.close()
    return found


def restore_backup(archive: Path) -> dict:
    """Restore database and media from archive, then verify row counts and checksums; return a report.

    What can be checked before anything is replaced is checked first: the archive's vendor, its files
    against their checksums, the dump's readability, and that FIELD_ENCRYPTION_KEY decrypts the archive's
    sample ciphertexts (restored without its key, every page showing personal data would be unreadable).
    """
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(tmpdir, filter="data")
        manifest = json.loads((tmpdir / "manifest.json").read_text())
        if manifest["vendor"] != connection.vendor:
            raise BackupError(f"archive is from {manifest['vendor']}, this database is {connection.vendor}")
        _check_before_replacing(tmpdir, manifest)
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            src = sqlite3.connect(tmpdir / "db.sqlite3")
            _check_counts(table_counts(src.cursor(), _sqlite_tables(src)), manifest)
            # The online backup API copies into the live database, so open connections stay valid.
            src.backup(connection.connection)
            src.close()
        else:
            connection.close()
            _pg_restore_checked(tmpdir / "db.dump", manifest)
        if (tmpdir / "media").exists():
            media_root.mkdir(parents=True, exist_ok=True)
            shutil.copytree(tmpdir / "media", media_root, dirs_exist_ok=True)
    return verify(manifest)


def _sqlite_tables(db) -> set[str]:
    return {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _check_counts(counts: dict[str, int], manifest: dict) -> None:
    """The copy holds the rows the manifest promises, checked before it replaces anything."""
    wrong = {t: (n, counts.get(t)) for t, n in manifest["tables"].items() if counts.get(t) != n}
    if wrong:
        raise BackupError(f"the archive's database differs from its manifest {wrong}; nothing was replaced")


def _pg_restore_checked(dump: Path, manifest: dict) -> None:
    """pg_restore's SQL and a check of every table's row count against the manifest, in one transaction:
    a dump that does not give back what the manifest promises raises inside it, and nothing is replaced."""
    checks = "\n".join(
        f"  IF (SELECT COUNT(*) FROM public.{_quoted(table)}) <> {int(count)} THEN "
        f"RAISE EXCEPTION 'restore check: table % does not hold % rows', {_literal(table)}, {int(count)}; END IF;"
        for table, count in manifest["tables"].items()
    )
    check = f"\nDO $restore_check$ BEGIN\n{checks}\nEND $restore_check$;\n".encode()
    psql_args = ["psql", "-q", "-X", "-v", "ON_ERROR_STOP=1", "--single-transaction", *_pg_args()]
    with tempfile.TemporaryFile() as psql_err, tempfile.TemporaryFile() as restore_err:
        # Streamed: a city's dump as SQL does not fit in memory.
        psql = subprocess.Popen(
            [*psql_args, "-d", settings.DATABASES["default"]["NAME"]],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=psql_err,
            env=_pg_env(),
        )
        restore = subprocess.Popen(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "-f", "-", str(dump)],
            stdout=subprocess.PIPE,
            stderr=restore_err,
            env=_pg_env(),
        )
        try:
            shutil.copyfileobj(restore.stdout, psql.stdin)
            restored = restore.wait() == 0
            if restored:  # a dump read only in part must not be committed
                psql.stdin.write(check)
            else:
                psql.stdin.write(b"\nDO $stop$ BEGIN RAISE EXCEPTION 'restore check: pg_restore failed'; END $stop$;\n")
            psql.stdin.close()
        except BrokenPipeError:  # psql stopped at an error
            restore.kill()
            restore.wait()
        psql.wait()
        psql_err.seek(0)
        restore_err.seek(0)
        errors = (psql_err.read() + restore_err.read()).decode(errors="replace").strip().splitlines()
    if psql.returncode != 0:
        reason = next((line for line in errors if "restore check" in line), errors[-1] if errors else "psql failed")
        raise BackupError(f"the dump was not restored ({reason}); nothing was replaced")


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


KEY_MISMATCH = (
    "FIELD_ENCRYPTION_KEY does not match this backup: its encrypted personal data cannot be decrypted "
    "with the current key. Install the key kept with the backups (FIELD_ENCRYPTION_KEY_FILE) and run the "
    "restore again; nothing was replaced."
)


def _check_before_replacing(tmpdir: Path, manifest: dict) -> None:
    samples = manifest.get("key_samples")
    dump = tmpdir / ("db.sqlite3" if connection.vendor == "sqlite" else "db.dump")
    if not dump.exists():
        raise BackupError(f"the archive holds no database dump ({dump.name}); nothing was replaced")
    if samples is None and connection.vendor == "sqlite":
        # An archive written before the manifest carried samples: read them from the copy itself.
        src = sqlite3.connect(dump)
        cur = src.cursor()
        samples = encrypted_samples(cur, _sqlite_tables(src))
        src.close()
    if samples and not crypto.key_matches(samples):
        raise BackupError(KEY_MISMATCH)
    if connection.vendor == "postgresql":
        listed = subprocess.run(["pg_restore", "--list", str(dump)], env=_pg_env(), capture_output=True)
        if listed.returncode != 0:
            raise BackupError(
                f"the dump cannot be read ({listed.stderr.decode(errors='replace').strip()}); nothing was replaced"
            )
    in_archive = media_checksums(tmpdir / "media")
    damaged = sorted(f for f, h in manifest["files"].items() if in_archive.get(f) != h)
    if damaged:
        raise BackupError(f"files in the archive differ from its manifest: {damaged[:10]}; nothing was replaced")


def verify(manifest: dict) -> dict:
    counts = table_counts()
    files = media_checksums(Path(settings.MEDIA_ROOT))
    table_diffs = {t: (n, counts.get(t)) for t, n in manifest["tables"].items() if counts.get(t) != n}
    file_diffs = {f: (h, files.get(f)) for f, h in manifest["files"].items() if files.get(f) != h}
    with connection.cursor() as cur:
        key_ok = crypto.key_matches(encrypted_samples(cur, set(connection.introspection.table_names(cur))))
    return {
        "ok": not table_diffs and not file_diffs and key_ok,
        "tables": table_diffs,
        "files": file_diffs,
        "key_ok": key_ok,
        "table_count": len(manifest["tables"]),
        "file_count": len(manifest["files"]),
    }
