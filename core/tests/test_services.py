import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.exceptions import ConcurrentEdit, Refused
from core.services import attachments_of, save_versioned, store_attachment
from core.tests.testapp.models import Memo

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def memo(cast):
    return Memo.objects.create(title="计划", body="正文", owner=cast.member)


def test_second_save_of_the_same_version_is_refused_and_names_the_editor(cast, memo):
    first = Memo.objects.get(pk=memo.pk)
    second = Memo.objects.get(pk=memo.pk)
    first.body = "甲的修改"
    save_versioned(first, expected_version=1, actor=cast.member, fields=["body"])
    second.body = "乙的修改"
    with pytest.raises(ConcurrentEdit) as err:
        save_versioned(second, expected_version=1, actor=cast.clerk, fields=["body"])
    assert "member" in str(err.value.message)
    memo.refresh_from_db()
    assert memo.body == "甲的修改"
    assert memo.version == 2


def test_attachment_is_stored_with_checksum(cast, memo):
    att = store_attachment(target=memo, upload=SimpleUploadedFile("报告.pdf", PDF), actor=cast.member)
    assert att.content_type_detected == "application/pdf"
    assert len(att.sha256) == 64
    assert list(attachments_of(memo)) == [att]
    assert "报告" not in att.file.name


def test_attachment_too_big_is_refused_with_sizes(cast, memo, settings):
    settings.UPLOAD_MAX_BYTES = 10
    with pytest.raises(Refused) as err:
        store_attachment(target=memo, upload=SimpleUploadedFile("a.pdf", PDF), actor=cast.member)
    assert "超过上限" in str(err.value.message)


@pytest.mark.parametrize(
    "name,content",
    [
        ("page.pdf", b"<html><script>alert(1)</script></html>"),
        ("x.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64),
        ("img.png", b"<svg onload=alert(1)></svg>"),
    ],
)
def test_attachment_type_is_judged_by_content_not_name(cast, memo, name, content):
    with pytest.raises(Refused):
        store_attachment(target=memo, upload=SimpleUploadedFile(name, content), actor=cast.member)


def test_attachment_is_served_only_as_download_to_those_who_may_see_it(client, cast, memo):
    att = store_attachment(target=memo, upload=SimpleUploadedFile("a.txt", "说明".encode()), actor=cast.member)
    client.force_login(cast.other_member)
    assert client.get(f"/files/{att.token}/").status_code == 404
    client.force_login(cast.member)
    response = client.get(f"/files/{att.token}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/octet-stream"


def test_a_file_missing_from_storage_is_a_404_and_logged_not_a_500(client, cast, memo, caplog):
    att = store_attachment(target=memo, upload=SimpleUploadedFile("a.txt", "说明".encode()), actor=cast.member)
    att.file.storage.delete(att.file.name)  # a restore without the uploads, say
    client.force_login(cast.member)
    assert client.get(f"/files/{att.token}/").status_code == 404
    assert any("is missing" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    "name,served",
    [
        ("安装.bat", "安装.bat.txt"),
        ("a.exe", "a.exe.txt"),
        ("材料", "材料.txt"),
        ("名单.CSV", "名单.CSV"),
        ("说明.txt", "说明.txt"),
    ],
)
def test_a_file_is_downloaded_with_the_extension_of_what_it_holds(client, cast, memo, name, served):
    from urllib.parse import quote

    att = store_attachment(target=memo, upload=SimpleUploadedFile(name, b"@echo off\r\ndel *.*"), actor=cast.member)
    client.force_login(cast.member)
    disposition = client.get(f"/files/{att.token}/")["Content-Disposition"]
    assert f"filename*=utf-8''{quote(served)}" in disposition or f'filename="{served}"' in disposition


def test_a_file_is_not_stored_for_a_record_nobody_could_download_it_from(cast):
    """`attachment_download` serves a file only to who may see its record: a record type without a
    declared visibility is refused when the file is stored, not found out when nobody can open it."""
    from django.core.exceptions import ImproperlyConfigured
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.models import Attachment
    from core.services import store_attachment

    upload = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    with pytest.raises(ImproperlyConfigured):
        store_attachment(target=cast.clerk, upload=upload, actor=cast.clerk)
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("typed", "valid"),
    [
        ("0592-7023456", True),
        ("13800001111", True),
        ("+86 138 0000 1111", True),
        ("0592-12", False),  # six digits: the hyphen is no digit
        ("-------", False),
        ("+++++++", False),
        ("138--0000-1111", False),
    ],
)
def test_a_phone_number_counts_digits_not_characters(typed, valid):
    from django.core.exceptions import ValidationError

    from core.validators import validate_phone

    if valid:
        validate_phone(typed)
    else:
        with pytest.raises(ValidationError):
            validate_phone(typed)
