import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from core.models import Attachment
from core.services import store_attachment
from core.tests.testapp.models import Memo


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
