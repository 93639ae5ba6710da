"""Hostile input: markup typed into text fields is shown as text, forms refuse POSTs without a CSRF
token, and the public appeal upload checks size and type by content and serves files as downloads."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from district.tests.factories import TownFactory
from intake.models import Appeal

SCRIPT = "<script>alert('xss')</script>"
IMG = '<img src=x onerror="alert(1)">'
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def assert_escaped(html: str) -> None:
    assert SCRIPT not in html
    assert IMG not in html
    assert "&lt;script&gt;" in html or "&lt;img" in html


def _appeal_form(town, **extra):
    return {"title": f"标题{SCRIPT}", "body": f"内容{IMG}，路灯不亮。", "town": town.pk, **extra}


@pytest.mark.django_db
def test_appeal_text_is_escaped_on_the_tracking_page_and_the_office_page(client, cast, settings):
    settings.RATELIMIT_ENABLE = False
    response = client.post("/appeals/", _appeal_form(TownFactory()), follow=True)
    assert response.status_code == 200
    assert_escaped(response.content.decode())
    appeal = Appeal.objects.get()
    assert appeal.title == f"标题{SCRIPT}"  # stored as typed, escaped only when shown
    client.force_login(cast.clerk)
    assert_escaped(client.get(f"/appeals/office/{appeal.pk}/").content.decode())
    assert_escaped(client.get("/appeals/office/").content.decode())


@pytest.mark.django_db
def test_proposal_text_is_escaped(client, cast):
    from proposals.tests.factories import ProposalFactory, session

    session()
    proposal = ProposalFactory(author=cast.member, title=f"关于{SCRIPT}的建议", case=IMG, suggestions=SCRIPT)
    client.force_login(cast.member)
    assert_escaped(client.get(f"/proposals/{proposal.pk}/").content.decode())
    assert_escaped(client.get("/proposals/").content.decode())


@pytest.mark.django_db
def test_topic_suggestion_title_is_escaped(client, cast):
    from topics.tests.factories import SuggestionFactory

    suggestion = SuggestionFactory(title=f"议题{SCRIPT}", background=IMG, suggester=cast.member)
    client.force_login(cast.member)
    assert_escaped(client.get(f"/plan/suggestions/{suggestion.pk}/").content.decode())


@pytest.mark.django_db
def test_meeting_agenda_is_escaped(client, cast):
    from consultations.tests.factories import MeetingFactory

    meeting = MeetingFactory(title=f"会议{SCRIPT}", agenda=IMG, created_by=cast.clerk)
    client.force_login(cast.clerk)
    assert_escaped(client.get(f"/consultations/meetings/{meeting.pk}/").content.decode())


@pytest.mark.django_db
def test_search_snippets_escape_markup_around_the_highlight(client, cast):
    from analytics.services.search import rebuild_index
    from intake.tests.factories import AppealFactory

    AppealFactory(title=f"路灯{SCRIPT}", body=f"路灯不亮{IMG}")
    rebuild_index(kinds=["appeal"])
    client.force_login(cast.clerk)
    html = client.get("/analytics/search/", {"q": "路灯"}).content.decode()
    assert "<mark" in html or "路灯" in html
    assert_escaped(html)


def test_no_template_writes_data_into_an_inline_script():
    """Chart and page data reach scripts through json_script, never as {{ }} inside <script>."""
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S)
    offenders = []
    roots = [Path(settings.BASE_DIR)]
    for root in roots:
        for path in root.glob("**/templates/**/*.html"):
            if ".venv" in path.parts or "node_modules" in path.parts:
                continue
            for body in inline.findall(path.read_text(encoding="utf-8")):
                if "{{" in body or "{%" in body:
                    offenders.append(str(path.relative_to(root)))
    assert offenders == []


# CSRF: the public appeal form and the office forms refuse a POST without the token.


@pytest.mark.django_db
def test_public_appeal_form_refuses_a_post_without_csrf_token(settings):
    settings.RATELIMIT_ENABLE = False
    town = TownFactory()
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/appeals/", _appeal_form(town)).status_code == 403
    assert not Appeal.objects.exists()
    # The same POST with the token from the form page is accepted.
    strict.get("/appeals/")
    token = strict.cookies["csrftoken"].value
    response = strict.post("/appeals/", _appeal_form(town, csrfmiddlewaretoken=token))
    assert response.status_code == 302
    assert Appeal.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "url", "data"),
    [
        ("member", "/proposals/new/", {"title": "关于路灯的建议"}),
        ("clerk", "/workflow/intake.appeal/1/", {"action": "route"}),
        ("clerk", "/appeals/office/new/", {"title": "来电", "body": "路灯不亮"}),
        ("member", "/accounts/logout/", {}),
    ],
)
def test_office_forms_refuse_a_post_without_csrf_token(cast, role, url, data):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(getattr(cast, role))
    assert strict.post(url, data).status_code == 403


# Uploads on the public appeal form.


@pytest.mark.django_db
def test_public_upload_checks_type_by_content_and_keeps_the_text(client, settings):
    settings.RATELIMIT_ENABLE = False
    town = TownFactory()
    fake = SimpleUploadedFile("photo.jpg", b"<html><script>alert(1)</script></html>", content_type="image/jpeg")
    response = client.post("/appeals/", {**_appeal_form(town), "attachments": [fake]})
    assert response.status_code == 400
    html = response.content.decode()
    assert "类型不被接受" in html
    assert "路灯不亮" in html  # what the citizen typed is still in the form
    assert not Appeal.objects.exists()


@pytest.mark.django_db
def test_public_upload_size_limit(client, settings):
    settings.RATELIMIT_ENABLE = False
    settings.UPLOAD_MAX_BYTES = 1024
    big = SimpleUploadedFile("big.png", PNG + b"\0" * 4096, content_type="image/png")
    response = client.post("/appeals/", {**_appeal_form(TownFactory()), "attachments": [big]})
    assert response.status_code == 400
    assert "超过上限" in response.content.decode()
    assert not Appeal.objects.exists()


@pytest.mark.django_db
def test_public_upload_is_stored_outside_the_web_root_and_served_as_a_download(client, cast, settings):
    settings.RATELIMIT_ENABLE = False
    image = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
    response = client.post("/appeals/", {**_appeal_form(TownFactory()), "attachments": [image]})
    assert response.status_code == 302
    from core.models import Attachment

    att = Attachment.objects.get()
    stored = Path(att.file.path).resolve()
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert not stored.is_relative_to(Path(settings.STATIC_ROOT).resolve())
    assert not Path(settings.MEDIA_ROOT).resolve().is_relative_to(Path(settings.STATIC_ROOT).resolve())
    assert "现场" not in stored.name  # the uploader's name is never used on disk
    # Not reachable by its path under the static or media URL prefixes...
    assert client.get(settings.STATIC_URL + "attachments/" + stored.name).status_code == 404
    anonymous = client.get(settings.MEDIA_URL + stored.name, follow=True)
    assert anonymous.redirect_chain[-1][0].startswith("/accounts/login/")
    assert PNG not in anonymous.content
    # ...only through the checked view, as a download, for someone who may see the appeal.
    client.force_login(cast.clerk)
    download = client.get(f"/files/{att.token}/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["Content-Type"] == "application/octet-stream"
    assert b"".join(download.streaming_content) == PNG
    client.force_login(cast.other_member)
    assert client.get(f"/files/{att.token}/").status_code == 404


def test_png_fixture_is_a_real_png():
    from PIL import Image

    assert Image.open(io.BytesIO(PNG)).size == (1, 1)
