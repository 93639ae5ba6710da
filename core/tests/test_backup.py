import io
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from core.models import Attachment
from core.services import store_attachment
from core.tests.testapp.models import Memo
from district.models import Member
from district.tests.factories import MemberFactory

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db(transaction=True)
def test_backup_restore_round_trip_gives_back_rows_and_files(cast, tmp_path, settings):
    memo = Memo.objects.create(title="备份", body="正文", owner=cast.member)
    att = store_attachment(target=memo, upload=SimpleUploadedFile("a.txt", "附件内容".encode()), actor=cast.member)
    archive = tmp_path / "b.tar.gz"
    call_command("backup", output=archive)

    Memo.objects.all().delete()
    Attachment.objects.all().delete()
    (settings.MEDIA_ROOT / att.file.name).write_bytes(b"tampered")

    call_command("restore", str(archive), yes=True)
    assert Memo.objects.filter(title="备份").exists()
    restored = Attachment.objects.get(token=att.token)
    assert restored.file.read().decode() == "附件内容"


@pytest.mark.django_db(transaction=True)
def test_backups_are_readable_by_their_owner_only(cast, tmp_path):
    """They hold password hashes, sessions and personal data: no other user of the machine reads them."""
    archive = tmp_path / "backups" / "b.tar.gz"
    call_command("backup", output=archive)
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert stat.S_IMODE(archive.parent.stat().st_mode) == 0o700


@pytest.mark.django_db(transaction=True)
def test_a_backup_taken_while_the_site_writes_restores_and_verifies(cast, tmp_path, monkeypatch):
    """The manifest's counts are those of the dump itself (the same snapshot): rows written while the
    backup runs are in neither, and the restore verifies."""
    from core import backup

    Memo.objects.create(title="之前", body="正文", owner=cast.member)
    counts = backup.table_counts

    def counts_then_someone_writes(*args, **kwargs):
        result = counts(*args, **kwargs)
        Memo.objects.create(title="备份时写入", body="正文", owner=cast.member)  # on the site's connection
        return result

    monkeypatch.setattr(backup, "table_counts", counts_then_someone_writes)
    archive = tmp_path / "b.tar.gz"
    call_command("backup", output=archive)
    monkeypatch.setattr(backup, "table_counts", counts)

    out = io.StringIO()
    call_command("restore", str(archive), yes=True, stdout=out)
    assert "restored and verified" in out.getvalue()
    assert list(Memo.objects.values_list("title", flat=True)) == ["之前"]


@pytest.mark.django_db(transaction=True)
def test_restore_with_another_encryption_key_fails_before_replacing_anything(cast, tmp_path, settings):
    member = MemberFactory(phone="13912345678")
    archive = tmp_path / "b.tar.gz"
    call_command("backup", output=archive)
    Memo.objects.create(title="备份之后", body="正文", owner=cast.member)

    settings.FIELD_ENCRYPTION_KEY = "b3RoZXIta2V5LW5vdC10aGUtb25lLXdyaXR0ZW4td2l0aA=="
    with pytest.raises(CommandError, match="FIELD_ENCRYPTION_KEY does not match this backup"):
        call_command("restore", str(archive), yes=True)
    assert Memo.objects.filter(title="备份之后").exists()  # the database was not replaced
    assert Member.objects.filter(pk=member.pk).exists()


def test_backup_refuses_a_database_without_tables_instead_of_writing_an_empty_archive(tmp_path):
    """A cron line run without the deployment's environment falls back to the embedded SQLite default:
    the nightly backup must fail (non-zero, saying why), not report an empty archive as written."""
    empty, missing, archive = tmp_path / "empty.sqlite3", tmp_path / "missing.sqlite3", tmp_path / "b.tar.gz"
    empty.touch()
    for db in (empty, missing):
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DATABASE_URL": f"sqlite:///{db}"}
        result = subprocess.run(
            [sys.executable, "manage.py", "backup", "--output", str(archive)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode != 0 and "DATABASE_URL" in result.stderr, result.stdout + result.stderr
        assert not archive.exists()
    assert not missing.exists()  # nor is an empty database file left behind


@pytest.mark.django_db(transaction=True)
def test_an_archive_whose_database_lacks_rows_its_manifest_promises_replaces_nothing(cast, tmp_path):
    """The copy in the archive is counted against the manifest before it replaces the live database
    (SQLite: the copy's file; PostgreSQL: inside the restore's own transaction, rolled back)."""
    import json
    import tarfile

    from core.tests.testapp.models import Memo

    Memo.objects.create(title="备份里的", body="正文", owner=cast.member)
    archive = tmp_path / "b.tar.gz"
    call_command("backup", output=archive)
    unpacked = tmp_path / "unpacked"
    with tarfile.open(archive, "r:gz") as tar:
        tar.extractall(unpacked, filter="data")
    manifest = json.loads((unpacked / "manifest.json").read_text())
    manifest["tables"][Memo._meta.db_table] += 1  # a row the dump does not hold
    (unpacked / "manifest.json").write_text(json.dumps(manifest))
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(damaged, "w:gz") as tar:
        for path in sorted(unpacked.iterdir()):
            tar.add(path, arcname=path.name)
    Memo.objects.create(title="备份之后", body="正文", owner=cast.member)

    with pytest.raises(CommandError, match=f"{Memo._meta.db_table}.*nothing was replaced"):
        call_command("restore", str(damaged), yes=True)
    assert sorted(Memo.objects.values_list("title", flat=True)) == ["备份之后", "备份里的"]
    # The archive as written restores.
    call_command("restore", str(archive), yes=True)
    assert list(Memo.objects.values_list("title", flat=True)) == ["备份里的"]
