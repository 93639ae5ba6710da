"""社情民意 pages: writing, the information office's desk, bulletins (DOCX read back), counts."""

import io

import pytest
from django.urls import reverse
from docx import Document

from opinions.models import Bulletin, OpinionReport
from opinions.tests.factories import draft, published, signed

pytestmark = pytest.mark.django_db


def test_member_writes_a_report_in_the_name_of_their_sector(client, cast):
    client.force_login(cast.member)
    sector = cast.member.member.sector
    response = client.post(
        reverse("opinions:create"),
        {"title": "关于燃气公司搬迁", "body": "建议尽快搬迁", "provider": f"sector:{sector.pk}"},
    )
    report = OpinionReport.objects.get()
    assert response.status_code == 302 and report.provider == sector and report.member == cast.member.member


def test_overlong_body_is_refused_on_submit_with_a_clear_message(client, cast):
    report = draft(cast, body="字" * 1600)
    client.force_login(cast.member)
    client.post(
        reverse("core:transition", args=["opinions.opinionreport", report.pk]),
        {"action": "submit", "next": report.get_absolute_url()},
    )
    page = client.get(report.get_absolute_url()).content.decode()
    assert "不超过1500字" in page
    report.refresh_from_db()
    assert report.status == "draft"


def test_combined_bulletin_from_the_desk_and_its_docx(client, cast):
    one, two = signed(cast, title="第一篇信息"), signed(cast, title="第二篇信息")
    client.force_login(cast.info)
    response = client.post(
        reverse("opinions:bulletins"), {"title": "综合专辑", "form": "combined", "reports": [one.pk, two.pk]}
    )
    assert response.status_code == 302
    bulletin = Bulletin.objects.get()
    docx = client.get(reverse("opinions:bulletin_docx", args=[bulletin.pk]))
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "综合专辑" in text and "第一篇信息" in text and "第二篇信息" in text
    client.force_login(cast.member)
    assert client.get(reverse("opinions:bulletin_docx", args=[bulletin.pk])).status_code == 404


def test_single_edition_with_two_reports_is_refused_on_the_desk(client, cast):
    one, two = signed(cast), signed(cast)
    client.force_login(cast.info)
    response = client.post(reverse("opinions:bulletins"), {"title": "", "form": "single", "reports": [one.pk, two.pk]})
    assert "单篇编发只能选择一篇" in response.content.decode()
    assert not Bulletin.objects.exists()


def test_counts_page_lists_members(client, cast):
    published(cast)
    client.force_login(cast.info)
    rows = client.get(reverse("opinions:stats")).context["members"]
    assert [(r["name"], r["submitted"], r["adopted"]) for r in rows] == [("member", 1, 1)]
    client.force_login(cast.member)
    assert client.get(reverse("opinions:stats")).status_code == 404


def test_list_query_count_does_not_grow(client, cast, django_assert_max_num_queries):
    published(cast)
    client.force_login(cast.info)
    with django_assert_max_num_queries(15) as first:
        client.get(reverse("opinions:list"))
    for _ in range(5):
        published(cast)
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(reverse("opinions:list"))
