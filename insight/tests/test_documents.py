"""The annual work report: DOCX and PDF read back, the DOCX opened by LibreOffice, charts as real PNGs."""

import io
from datetime import date

import pytest
from docx import Document
from PIL import Image

from core.documents import render_docx, render_pdf
from core.tests.documents import libreoffice_text, pdf_text
from district.tests.factories import TownFactory
from insight.charts import Bar, bar_chart
from insight.report import build_annual_report
from insight.tests.factories import AppealCategoryFactory, appeal, attend, meeting
from intake.models import AppealStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def year_2022(cast):
    cat, town = AppealCategoryFactory(name="养老"), TownFactory(name="大同街道")
    for day in (1, 2, 3):
        appeal(
            on=date(2022, 3, day),
            category=cat,
            town=town,
            status=AppealStatus.CLOSED,
            answered_after=1,
            closed_after=day,
        )
    attend(meeting(cast.clerk, on=date(2022, 5, 1)), member=cast.member.member)
    return build_annual_report(2022)


def test_bar_chart_is_a_png_sized_to_its_bars():
    png = bar_chart("群众诉求 · 按类别", [Bar("养老", 3), Bar("教育", 1)], unit="件")
    img = Image.open(io.BytesIO(png))
    assert img.format == "PNG" and img.size[0] == 1600
    taller = Image.open(io.BytesIO(bar_chart("t", [Bar(str(i), i) for i in range(10)])))
    assert taller.size[1] > img.size[1]


def test_docx_has_the_sections_tables_and_charts(year_2022):
    doc = Document(io.BytesIO(render_docx(year_2022)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "2022年度工作统计报告" in text
    for heading in ("一、总体情况", "二、群众诉求", "三、提案工作", "六、委员履职"):
        assert heading in text
    assert "受理群众诉求3件，办结3件" in text
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "养老" in cells and "member" in cells
    assert len(doc.inline_shapes) >= 4


def test_pdf_reads_back_in_chinese(year_2022, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(render_pdf(year_2022))
    text = pdf_text(path)
    assert "2022年度工作统计报告" in text and "群众诉求" in text and "大同街道" in text


def test_libreoffice_opens_the_report(year_2022, tmp_path):
    text = libreoffice_text(render_docx(year_2022), tmp_path, name="report")
    text = text.replace(" ", "")  # LibreOffice spaces digits from CJK
    assert "2022年度工作统计报告" in text and "六、委员履职" in text and "受理群众诉求3件" in text


def test_report_downloads_for_the_office_only(client, cast, year_2022):
    client.force_login(cast.clerk)
    response = client.get("/insight/report/2022.docx")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert client.get("/insight/report/2022.pdf").content[:5] == b"%PDF-"
    assert client.get("/insight/report/2022.txt").status_code == 404
    assert client.get("/insight/report/1999.docx").status_code == 404
    client.force_login(cast.liaison)
    assert client.get("/insight/report/2022.docx").status_code == 404


def test_the_report_states_withdrawn_appeals_and_leaves_them_out_of_the_answer_rate(year_2022, cast):
    appeal(on=date(2022, 6, 1), status=AppealStatus.WITHDRAWN)
    appeal(on=date(2022, 6, 2), status=AppealStatus.ROUTED)
    doc = Document(io.BytesIO(render_docx(build_annual_report(2022))))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "平台共受理群众诉求5件（其中群众撤回1件），办结3件" in text
    assert "受理群众诉求5件，其中群众撤回1件；需答复4件（不含撤回和合并办理的诉求）" in text
    assert "已答复3件，答复率75.0%；办结3件。" in text


def test_the_reports_proposal_figures_add_up_to_those_received_and_match_the_stats_page(client, cast):
    """收到提案 = 立案 + 不予立案 + 转社情民意或委员来信 + 并案 + 尚在审查, each as the stats page counts it
    (`proposals.statistics.annual_statistics`); the key proposals are named too."""
    import re

    from proposals.models import Status
    from proposals.tests.factories import ProposalFactory, session

    year = session()
    made = {
        Status.FILED: 3,
        Status.IN_PROGRESS: 1,
        Status.REJECTED: 1,
        Status.CONVERTED: 2,
        Status.MERGED: 1,
        Status.SUBMITTED: 1,
        Status.PRE_REVIEWED: 2,
    }
    for status, n in made.items():
        for _ in range(n):
            ProposalFactory(author=cast.member, session=year, status=status)
    ProposalFactory(author=cast.member, session=year, status=Status.IN_PROGRESS, is_key=True, key_year=2022)
    ProposalFactory(author=cast.member, session=year, status=Status.DRAFT)  # not submitted: not counted

    text = "\n".join(p.text for p in Document(io.BytesIO(render_docx(build_annual_report(2022)))).paragraphs)
    summary = re.search(
        r"收到提案(\d+)件，立案(\d+)件（立案率[\d.]+%），不予立案(\d+)件，"
        r"转社情民意或委员来信(\d+)件，并案(\d+)件，尚在审查(\d+)件；立案提案中确定重点提案(\d+)件；",
        text,
    )
    assert summary, text
    received, filed, rejected, converted, merged, under_review, key = map(int, summary.groups())
    assert (received, filed, rejected, converted, merged, under_review, key) == (12, 5, 1, 2, 1, 3, 1)
    assert filed + rejected + converted + merged + under_review == received
    assert "收到提案12件，立案5件（其中重点提案1件）；" in text  # 一、总体情况

    client.force_login(cast.proposal)
    page = client.get("/proposals/stats/", {"year": 2022}).content.decode()
    shown = dict(re.findall(r"<tr><th>([^<]+)</th><td[^>]*>(\d+)", page))
    assert [int(shown[k]) for k in ("立案", "不予立案", "转社情民意或委员来信", "并案", "尚在审查", "重点提案")] == [
        filed,
        rejected,
        converted,
        merged,
        under_review,
        key,
    ]
    assert re.search(rf"收到提案</div><div class=\"display-6\">{received}<", page)


def test_a_year_with_nothing_under_review_and_no_key_proposal_says_neither(cast):
    from proposals.models import Status
    from proposals.tests.factories import ProposalFactory, session

    ProposalFactory(author=cast.member, session=session(), status=Status.FILED)
    text = "\n".join(p.text for p in Document(io.BytesIO(render_docx(build_annual_report(2022)))).paragraphs)
    assert "不予立案0件，转社情民意或委员来信0件，并案0件；已答复0件" in text
    assert "尚在审查" not in text and "重点提案" not in text
